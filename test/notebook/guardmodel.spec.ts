import type { ICodeCellModel } from '@jupyterlab/cells';
import { NotebookModel } from '@jupyterlab/notebook';

import { NotebookGuardModel } from '../../src/notebook/guardmodel';
import { MOUNTED_VALUE_RULE } from '../../src/notebook/types';
import {
  codeCell,
  FakeChecker,
  fakeScanner,
  markdownCell,
  MOUNTED_VALUE,
  notebookWith,
  stdout
} from './helpers';

const TOKEN = 'tok_AbCdEfGh1234';

describe('NotebookGuardModel', () => {
  let model: NotebookModel;
  let guard: NotebookGuardModel;
  let scanner: ReturnType<typeof fakeScanner>;
  let checker: FakeChecker;

  function start(
    cells: Parameters<typeof notebookWith>[0],
    scanOutputs = true
  ) {
    model = notebookWith(cells);
    scanner = fakeScanner();
    checker = new FakeChecker();
    guard = new NotebookGuardModel({
      model,
      scan: scanner.scan,
      checker,
      debounce: 300,
      scanOutputs
    });
  }

  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    guard.dispose();
    model.dispose();
    jest.useRealTimers();
  });

  it('scans cell sources and outputs after the quiet period', async () => {
    start([
      markdownCell('Intro'),
      codeCell(`key = "${TOKEN}"`, [stdout(`leaked ${MOUNTED_VALUE}\n`)])
    ]);
    expect(guard.count).toBe(0);

    await jest.advanceTimersByTimeAsync(300);

    const findings = guard.findings;
    expect(findings.map(f => [f.cellIndex, f.location.kind, f.ruleId])).toEqual(
      [
        [1, 'source', 'fake-token'],
        [1, 'output', MOUNTED_VALUE_RULE]
      ]
    );
    expect(findings[0]).toMatchObject({
      start: 7,
      end: 7 + TOKEN.length,
      line: 1,
      column: 8
    });
    expect(findings[1].secret).toEqual({
      mount: '/secrets/api',
      key: 'token',
      encoding: 'raw'
    });
    expect(findings[1].location).toEqual({
      kind: 'output',
      index: 0,
      mimeType: 'stream'
    });
    // Messages and previews never carry the value.
    for (const f of findings) {
      expect(f.message).not.toContain(MOUNTED_VALUE);
      expect(f.preview).not.toContain(MOUNTED_VALUE);
    }
  });

  it('rescans only the cell that changed, once per quiet period', async () => {
    start([codeCell('a = 1'), codeCell('b = 2'), codeCell('c = 3')]);
    await jest.advanceTimersByTimeAsync(300);
    scanner.scanned.length = 0;
    checker.requests.length = 0;

    const second = model.cells.get(1);
    second.sharedModel.setSource('b = "tok_');
    await jest.advanceTimersByTimeAsync(200);
    second.sharedModel.setSource(`b = "${TOKEN}"`);
    await jest.advanceTimersByTimeAsync(299);
    // Still typing (from the guard's point of view): nothing scanned yet.
    expect(scanner.scanned).toEqual([]);
    expect(guard.count).toBe(0);

    await jest.advanceTimersByTimeAsync(1);
    expect(scanner.scanned).toEqual([`b = "${TOKEN}"`]);
    expect(checker.requests).toHaveLength(1);
    expect(checker.requests[0].map(t => t.text)).toEqual([`b = "${TOKEN}"`]);
    expect(guard.findings.map(f => f.cellIndex)).toEqual([1]);
  });

  it('still scans a cell whose output never stops growing', async () => {
    start([codeCell('while True: print(...)')]);
    await jest.advanceTimersByTimeAsync(300);
    const cell = model.cells.get(0) as ICodeCellModel;
    cell.outputs.add(stdout('start\n'));
    // A chunk every 100 ms, each postponing the quiet period.
    for (let i = 0; i < 40 && guard.count === 0; i++) {
      cell.outputs.add(stdout(i === 5 ? `${TOKEN}\n` : 'tick\n'));
      await jest.advanceTimersByTimeAsync(100);
    }
    expect(guard.count).toBe(1);
  });

  it('shows pattern findings before the server answers, then adds exact matches', async () => {
    start([codeCell('x = 1')]);
    await jest.advanceTimersByTimeAsync(300);
    checker.hold = true;
    const changed = jest.fn();
    guard.changed.connect(changed);

    model.cells
      .get(0)
      .sharedModel.setSource(`a = "${TOKEN}"\nb = "${MOUNTED_VALUE}"`);
    await jest.advanceTimersByTimeAsync(300);
    expect(guard.findings.map(f => f.ruleId)).toEqual(['fake-token']);
    expect(guard.pending).toBe(true);

    checker.release();
    await jest.advanceTimersByTimeAsync(0);
    expect(guard.findings.map(f => [f.ruleId, f.line])).toEqual([
      ['fake-token', 1],
      [MOUNTED_VALUE_RULE, 2]
    ]);
    expect(guard.pending).toBe(false);
    expect(changed).toHaveBeenCalledTimes(2);
  });

  it('drops a server answer about text that has changed since', async () => {
    start([codeCell(`p = "${MOUNTED_VALUE}"`)]);
    checker.hold = true;
    await jest.advanceTimersByTimeAsync(300);
    // The author deletes the value while the check is in flight.
    model.cells.get(0).sharedModel.setSource('p = read()');
    checker.release();
    await jest.advanceTimersByTimeAsync(0);
    expect(guard.count).toBe(0);
    await jest.advanceTimersByTimeAsync(300);
    expect(guard.count).toBe(0);
    expect(guard.cellFindings(model.cells.get(0))?.source).toBe('p = read()');
  });

  it('keeps a known exact match in place while the author edits elsewhere in the cell', async () => {
    start([codeCell(`p = "${MOUNTED_VALUE}"`)]);
    await jest.advanceTimersByTimeAsync(300);
    checker.hold = true;
    model.cells.get(0).sharedModel.setSource(`# note\np = "${MOUNTED_VALUE}"`);
    await jest.advanceTimersByTimeAsync(300);
    // Before the server answers, the old match is shifted with the text.
    const [finding] = guard.findings;
    expect(finding.ruleId).toBe(MOUNTED_VALUE_RULE);
    expect(finding.start).toBe('# note\np = "'.length);
    expect(finding.line).toBe(2);
    checker.release();
  });

  it('a pattern finding on a mounted value is reported once, as the mounted value', async () => {
    const mountedToken = `tok_${MOUNTED_VALUE.replace(/-/g, '')}`;
    start([codeCell(`t = "${mountedToken}"`)]);
    checker.check = async texts =>
      texts.flatMap(({ id, text }) => {
        const start = text.indexOf(mountedToken);
        return start < 0
          ? []
          : [
              {
                id,
                start,
                end: start + mountedToken.length,
                mount: '/secrets/gh',
                key: 'token',
                encoding: 'raw' as const
              }
            ];
      });
    await jest.advanceTimersByTimeAsync(300);
    expect(guard.findings.map(f => f.ruleId)).toEqual([MOUNTED_VALUE_RULE]);
  });

  it('sees a value printed in two stream chunks as one merged output', async () => {
    start([codeCell('print(...)')]);
    await jest.advanceTimersByTimeAsync(300);
    const cell = model.cells.get(0) as ICodeCellModel;
    const half = Math.floor(MOUNTED_VALUE.length / 2);
    cell.outputs.add(stdout(MOUNTED_VALUE.slice(0, half)));
    await jest.advanceTimersByTimeAsync(300);
    expect(guard.count).toBe(0);

    cell.outputs.add(stdout(MOUNTED_VALUE.slice(half)));
    expect(cell.outputs.length).toBe(1); // the output area merged the chunks
    await jest.advanceTimersByTimeAsync(300);
    expect(guard.findings.map(f => [f.location.kind, f.ruleId])).toEqual([
      ['output', MOUNTED_VALUE_RULE]
    ]);
    expect(
      checker.requests[checker.requests.length - 1].map(t => t.text)
    ).toEqual([MOUNTED_VALUE]);

    cell.outputs.clear();
    await jest.advanceTimersByTimeAsync(300);
    expect(guard.count).toBe(0);
  });

  it('forgets the findings of a deleted cell and follows inserted ones', async () => {
    start([codeCell(`a = "${TOKEN}"`), codeCell('b = 1')]);
    await jest.advanceTimersByTimeAsync(300);
    expect(guard.count).toBe(1);

    model.sharedModel.deleteCell(0);
    expect(guard.count).toBe(0);

    model.sharedModel.insertCell(1, {
      cell_type: 'code',
      source: `c = "${TOKEN}"`
    });
    await jest.advanceTimersByTimeAsync(300);
    expect(guard.findings.map(f => f.cellIndex)).toEqual([1]);
  });

  it('does not scan outputs when output scanning is off, and rescans when turned on', async () => {
    start([codeCell('x', [stdout(`${TOKEN}\n`)])], false);
    await jest.advanceTimersByTimeAsync(300);
    expect(guard.count).toBe(0);
    expect(checker.requests.flat().map(t => t.text)).toEqual(['x']);

    guard.scanOutputs = true;
    await jest.advanceTimersByTimeAsync(300);
    expect(guard.findings.map(f => f.location.kind)).toEqual(['output']);
  });

  it('keeps working when the pattern engine throws', async () => {
    start([codeCell(`p = "${MOUNTED_VALUE}"`)]);
    const warn = jest
      .spyOn(console, 'warn')
      .mockImplementation(() => undefined);
    guard.dispose();
    guard = new NotebookGuardModel({
      model,
      scan: () => {
        throw new Error('bad rule');
      },
      checker,
      debounce: 300
    });
    await jest.advanceTimersByTimeAsync(300);
    expect(guard.findings.map(f => f.ruleId)).toEqual([MOUNTED_VALUE_RULE]);
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });
});
