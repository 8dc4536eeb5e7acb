import { nullTranslator } from '@jupyterlab/translation';

import { FindingsList } from '../../src/notebook/findingslist';
import { INotebookFinding } from '../../src/notebook/guardmodel';
import { GuardIndicator } from '../../src/notebook/indicator';
import { readGuardSettings } from '../../src/notebook/settings';
import { DEFAULT_GUARD_SETTINGS } from '../../src/notebook/types';
import { codeCell, fakeGuard, MOUNTED_VALUE, stdout } from './helpers';

const trans = nullTranslator.load('jupyterlab-secret-mounts');

describe('guard UI', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function setUp() {
    return fakeGuard([
      codeCell('x = 1'),
      codeCell('key = "tok_AbCdEfGh1234"', [stdout(`${MOUNTED_VALUE}\n`)])
    ]);
  }

  it('the toolbar indicator is hidden without a guard, neutral at 0, and counts findings', async () => {
    const { model, registry, guard } = setUp();
    const activated = jest.fn();
    const indicator = new GuardIndicator({
      registry,
      notebook: () => model,
      onActivate: activated,
      trans
    });
    expect(indicator.isHidden).toBe(true);

    registry.add(guard);
    expect(indicator.isHidden).toBe(false);
    expect(indicator.hasClass('jp-mod-clean')).toBe(true);
    expect(
      indicator.node.querySelector('.jp-SecretMounts-guardCount')!.textContent
    ).toBe('');

    await jest.advanceTimersByTimeAsync(300);
    expect(indicator.hasClass('jp-mod-warning')).toBe(true);
    expect(
      indicator.node.querySelector('.jp-SecretMounts-guardCount')!.textContent
    ).toBe('2');
    expect(indicator.node.getAttribute('aria-label')).toContain(
      '2 possible credentials'
    );

    (indicator.node as HTMLButtonElement).click();
    expect(activated).toHaveBeenCalledTimes(1);

    guard.dispose();
    expect(indicator.isHidden).toBe(true);
    indicator.dispose();
  });

  it('the findings list shows place, rule and preview, the policy read-only, and reports a selection', async () => {
    const { guard } = setUp();
    await jest.advanceTimersByTimeAsync(300);
    const fixed = jest.fn();
    const list = new FindingsList({
      guard,
      policy: {
        roots: [],
        excluded: [],
        showServiceAccount: false,
        allowReveal: false,
        revealSeconds: 0,
        savePolicy: 'block',
        minMatchLength: 6,
        redactOutputs: true,
        allowInlineSuppression: true,
        allowGitCredentials: true,
        configErrors: []
      },
      fixes: f =>
        f.location.kind === 'output'
          ? [{ label: 'Clear outputs', apply: fixed }]
          : [],
      trans
    });
    const text = list.node.textContent ?? '';
    expect(text).toContain('block');
    expect(text).not.toContain(MOUNTED_VALUE);
    const rows = Array.from(
      list.node.querySelectorAll('.jp-SecretMounts-guardItem')
    );
    expect(
      rows.map(r => r.querySelector('.jp-SecretMounts-guardJump')!.textContent)
    ).toEqual(['Cell 2, line 1', 'Cell 2, output 1']);
    expect(
      rows[0].querySelector('.jp-SecretMounts-guardPreview')!.textContent
    ).toBe('tok_…');
    expect(
      rows[1].querySelector('.jp-SecretMounts-guardPreview')!.textContent
    ).toBe('api/token');

    const selected: INotebookFinding[] = [];
    list.selected.connect((_, f) => selected.push(f));
    (
      rows[1].querySelector('.jp-SecretMounts-guardJump') as HTMLButtonElement
    ).click();
    expect(selected.map(f => [f.cellIndex, f.location.kind])).toEqual([
      [1, 'output']
    ]);

    (
      rows[1].querySelector('.jp-SecretMounts-guardFix') as HTMLButtonElement
    ).click();
    expect(fixed).toHaveBeenCalled();
    list.dispose();
    guard.dispose();
  });
});

describe('readGuardSettings', () => {
  it('takes valid values and falls back to defaults for bad ones', () => {
    expect(readGuardSettings({})).toEqual(DEFAULT_GUARD_SETTINGS);
    expect(
      readGuardSettings({
        enabled: false,
        disabledRules: ['generic', 3, ''],
        allowlist: ['^test_'],
        scanOutputs: 'no',
        maskOutputs: false,
        debounce: 10
      })
    ).toEqual({
      enabled: false,
      disabledRules: ['generic'],
      allowlist: ['^test_'],
      scanOutputs: true,
      maskOutputs: false,
      debounce: 50
    });
  });
});
