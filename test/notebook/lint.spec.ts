import { Diagnostic, forEachDiagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';

import {
  GUARD_MARK_CLASS,
  guardLintExtension,
  toDiagnostics
} from '../../src/notebook/lint';
import { IGuardFinding, MOUNTED_VALUE_RULE } from '../../src/notebook/types';
import { codeCell, fakeGuard, MOUNTED_VALUE, stdout } from './helpers';

const TOKEN = 'tok_AbCdEfGh1234';

function finding(overrides: Partial<IGuardFinding>): IGuardFinding {
  return {
    cellId: 'c',
    location: { kind: 'source' },
    start: 0,
    end: 4,
    line: 1,
    column: 1,
    ruleId: 'rule',
    message: 'GitHub token',
    preview: 'ghp_…U2',
    ...overrides
  };
}

describe('toDiagnostics', () => {
  it('maps source findings to warnings with the redacted preview and quick-fix actions', () => {
    const applied: unknown[] = [];
    const diagnostics = toDiagnostics(
      [
        finding({ start: 2, end: 6 }),
        finding({
          location: { kind: 'output', index: 0, mimeType: 'text/plain' }
        }),
        finding({
          start: 8,
          end: 99,
          message: 'Value of the mounted secret /s/k',
          preview: '/s/k'
        })
      ],
      20,
      'Secret Mounts',
      f => [{ label: `fix ${f.start}`, apply: range => applied.push(range) }]
    );
    expect(
      diagnostics.map(d => [
        d.from,
        d.to,
        d.severity,
        d.message,
        d.source,
        d.markClass
      ])
    ).toEqual([
      [
        2,
        6,
        'warning',
        'GitHub token (ghp_…U2)',
        'Secret Mounts',
        GUARD_MARK_CLASS
      ],
      // Clamped to the document; a message naming the key is not repeated.
      [
        8,
        20,
        'warning',
        'Value of the mounted secret /s/k',
        'Secret Mounts',
        GUARD_MARK_CLASS
      ]
    ]);
    expect(diagnostics[0].actions?.map(a => a.name)).toEqual(['fix 2']);
    diagnostics[0].actions![0].apply({} as EditorView, 3, 7);
    expect(applied).toEqual([{ start: 3, end: 7 }]);
  });
});

describe('guardLintExtension', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function diagnosticsOf(view: EditorView): Diagnostic[] {
    const found: Diagnostic[] = [];
    forEachDiagnostic(view.state, (d, from, to) =>
      found.push({ ...d, from, to })
    );
    return found;
  }

  it("shows the cell's findings in its editor and follows rescans", async () => {
    const { model, registry, guard } = fakeGuard([
      codeCell('x = 1'),
      codeCell(`key = "${TOKEN}"`, [stdout(MOUNTED_VALUE)])
    ]);
    registry.add(guard);
    const cell = model.cells.get(1);
    // An editor bound to the cell text, as the notebook's editor would be.
    const view = new EditorView({
      state: EditorState.create({
        doc: cell.sharedModel.getSource(),
        extensions: guardLintExtension({
          registry,
          cell,
          source: 'Secret Mounts',
          fixes: () => [
            { label: 'Ignore on this line', apply: () => undefined }
          ]
        })
      })
    });

    await jest.advanceTimersByTimeAsync(300);
    // Only source findings are shown in the editor (the output one is listed elsewhere).
    expect(guard.count).toBe(2);
    expect(diagnosticsOf(view).map(d => [d.from, d.to, d.message])).toEqual([
      [7, 7 + TOKEN.length, 'Fake token (tok_…)']
    ]);

    // The author replaces the token with a mounted value: the warning follows the new scan.
    const text = `key = "${MOUNTED_VALUE}"`;
    view.dispatch({
      changes: { from: 0, to: view.state.doc.length, insert: text }
    });
    cell.sharedModel.setSource(text);
    await jest.advanceTimersByTimeAsync(300);
    expect(diagnosticsOf(view).map(d => [d.from, d.to, d.message])).toEqual([
      [7, 7 + MOUNTED_VALUE.length, 'Value of the mounted secret api/token']
    ]);

    // Fixed: the warning goes away.
    view.dispatch({
      changes: { from: 0, to: view.state.doc.length, insert: 'key = read()' }
    });
    cell.sharedModel.setSource('key = read()');
    await jest.advanceTimersByTimeAsync(300);
    expect(diagnosticsOf(view)).toEqual([]);
    expect(guard.findings.map(f => f.ruleId)).toEqual([MOUNTED_VALUE_RULE]); // the output one

    view.destroy();
    guard.dispose();
    expect(registry.guards).toEqual([]);
  });

  it('leaves the marks alone while the editor text is ahead of the last scan', async () => {
    const { model, registry, guard } = fakeGuard([
      codeCell(`key = "${TOKEN}"`)
    ]);
    registry.add(guard);
    const cell = model.cells.get(0);
    const view = new EditorView({
      state: EditorState.create({
        doc: cell.sharedModel.getSource(),
        extensions: guardLintExtension({
          registry,
          cell,
          source: 'S',
          fixes: () => []
        })
      })
    });
    await jest.advanceTimersByTimeAsync(300);
    // Typing in front of the token: the mark moves with the text.
    view.dispatch({ changes: { from: 0, insert: '# x\n' } });
    expect(diagnosticsOf(view).map(d => d.from)).toEqual([4 + 7]);
    view.destroy();
    guard.dispose();
  });
});
