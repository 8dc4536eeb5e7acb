import { OutputArea, OutputAreaModel } from '@jupyterlab/outputarea';
import {
  RenderMimeRegistry,
  standardRendererFactories
} from '@jupyterlab/rendermime';

import { MASK, maskText, mergeRanges } from '../../src/notebook/mask';
import { installOutputMasking } from '../../src/notebook/maskrenderer';
import { FakeChecker, MOUNTED_VALUE, stdout } from './helpers';

describe('maskText', () => {
  it('replaces each matched range and keeps the rest', () => {
    const text = `a=${MOUNTED_VALUE}; b=${MOUNTED_VALUE}!`;
    const first = text.indexOf(MOUNTED_VALUE);
    const second = text.lastIndexOf(MOUNTED_VALUE);
    const ranges = [
      { start: second, end: second + MOUNTED_VALUE.length },
      { start: first, end: first + MOUNTED_VALUE.length }
    ];
    expect(maskText(text, ranges)).toBe(`a=${MASK}; b=${MASK}!`);
  });

  it('merges overlapping and touching ranges into one mask', () => {
    expect(
      mergeRanges(
        [
          { start: 4, end: 8 },
          { start: 0, end: 5 },
          { start: 8, end: 9 }
        ],
        20
      )
    ).toEqual([{ start: 0, end: 9 }]);
    expect(
      maskText('0123456789', [
        { start: 2, end: 5 },
        { start: 4, end: 7 }
      ])
    ).toBe(`01${MASK}789`);
  });

  it('clamps ranges to the text and ignores empty ones', () => {
    expect(
      maskText('abc', [
        { start: 2, end: 99 },
        { start: 1, end: 1 }
      ])
    ).toBe(`ab${MASK}`);
    expect(maskText('abc', [])).toBe('abc');
  });
});

describe('output masking', () => {
  let checker: FakeChecker;
  let enabled: boolean;
  let model: OutputAreaModel;
  let area: OutputArea;

  /** Let the checks and renders queued by the output area finish. */
  async function settle(): Promise<void> {
    for (let i = 0; i < 10; i++) {
      await new Promise(resolve => setTimeout(resolve, 0));
    }
  }

  beforeEach(() => {
    checker = new FakeChecker();
    enabled = true;
    const registry = new RenderMimeRegistry({
      initialFactories: standardRendererFactories
    });
    installOutputMasking(registry, { checker, enabled: () => enabled });
    model = new OutputAreaModel({ trusted: true });
    // What a notebook does: clone the application's registry.
    area = new OutputArea({ model, rendermime: registry.clone() });
  });

  afterEach(() => {
    area.dispose();
    model.dispose();
  });

  it('masks a mounted value in stdout, naming no value', async () => {
    model.add(stdout(`token is ${MOUNTED_VALUE}\n`));
    await settle();
    expect(area.node.textContent).toContain(`token is ${MASK}`);
    expect(area.node.textContent).not.toContain(MOUNTED_VALUE);
  });

  it('masks a value printed in two chunks once the chunks are merged', async () => {
    const half = 7;
    model.add(stdout(`start ${MOUNTED_VALUE.slice(0, half)}`));
    await settle();
    model.add(stdout(`${MOUNTED_VALUE.slice(half)} end\n`));
    await settle();
    expect(model.length).toBe(1);
    expect(area.node.textContent).toContain(`start ${MASK} end`);
    expect(area.node.textContent).not.toContain(MOUNTED_VALUE);
    // The check that found it was sent the merged text.
    const lastTexts = checker.requests[checker.requests.length - 1].map(
      t => t.text
    );
    expect(lastTexts).toEqual([`start ${MOUNTED_VALUE} end\n`]);
  });

  it('masks execute results and error tracebacks', async () => {
    model.add({
      output_type: 'execute_result',
      execution_count: 1,
      metadata: {},
      data: { 'text/plain': `'${MOUNTED_VALUE}'` }
    });
    model.add({
      output_type: 'error',
      ename: 'ValueError',
      evalue: 'bad',
      traceback: [`ValueError: bad token ${MOUNTED_VALUE}`]
    });
    await settle();
    expect(area.node.textContent).toContain(`'${MASK}'`);
    expect(area.node.textContent).toContain(`bad token ${MASK}`);
    expect(area.node.textContent).not.toContain(MOUNTED_VALUE);
  });

  it('renders only checked text, and the newest text wins', async () => {
    checker.hold = true;
    model.add(stdout('first line\n'));
    await settle();
    // Nothing is shown before the server answered.
    expect(area.node.textContent).not.toContain('first line');
    model.add(stdout(`${MOUNTED_VALUE}\n`));
    await settle();
    checker.release();
    await settle();
    expect(area.node.textContent).toContain(`first line\n${MASK}`);
  });

  it('says the value is still in the file when the server does not redact', async () => {
    const registry = new RenderMimeRegistry({
      initialFactories: standardRendererFactories
    });
    installOutputMasking(registry, {
      checker,
      enabled: () => true,
      mask: () => '[REDACTED: still in the saved file]'
    });
    const html = new OutputAreaModel({ trusted: true });
    const htmlArea = new OutputArea({ model: html, rendermime: registry });
    html.add(
      stdout(`${MOUNTED_VALUE}
`)
    );
    html.add({
      output_type: 'display_data',
      metadata: {},
      data: { 'text/html': `<b>${MOUNTED_VALUE}</b>` }
    });
    await settle();
    const text = htmlArea.node.textContent ?? '';
    expect(text.split('[REDACTED: still in the saved file]')).toHaveLength(3);
    expect(text).not.toContain(MOUNTED_VALUE);
    htmlArea.dispose();
    html.dispose();
  });

  it('shows text unchanged when masking is off', async () => {
    enabled = false;
    model.add(stdout('plain\n'));
    await settle();
    expect(area.node.textContent).toContain('plain');
    expect(checker.requests).toHaveLength(0);
  });
});
