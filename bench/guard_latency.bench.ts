/**
 * Frontend guard latency (run with `node bench/guard_latency.mjs`; it runs this file under jest,
 * whose environment provides the DOM that JupyterLab's notebook model needs).
 *
 * - Edit-to-count: a 500-cell notebook; one cell is edited (a token added, then removed) and we
 *   time from the edit to the guard's updated finding count, with the quiet period set to 0 so the
 *   figure is the guard's own work (a user sees debounce + this + the server's round trip, which
 *   bench/guard_server.py measures). Peer: rescanning the whole notebook on every edit, as a
 *   guard without per-cell bookkeeping would.
 * - Full scan: a ~5 MB notebook opened in the guard (sources and outputs, patterns and the batched
 *   check call) against the scanner's own `scanNotebook` over the same JSON.
 *
 * The exact-value check is answered in-process with no matches (no server here). Wall-clock times
 * on this machine; the ratios matter more than the seconds. Nothing is asserted.
 */
import * as nbformat from '@jupyterlab/nbformat';
import { NotebookModel } from '@jupyterlab/notebook';
import * as fs from 'fs';
import * as path from 'path';

import { ICheckText, ILeakChecker } from '../src/notebook/checker';
import { NotebookGuardModel } from '../src/notebook/guardmodel';
import { createPatternScan } from '../src/notebook/patternscan';
import { outputTexts, scanNotebook } from '../src/scanner';
import { ILeakMatch } from '../src/mounts/types';

const CORPUS = path.join(
  __dirname,
  '..',
  '..',
  'shared',
  'corpus',
  'dev.jsonl'
);
const TOKEN = 'ghp_' + 'k7Qz2LmW9xRt4VbN8cYp3JhD6sFg1Ae5Ui0O'.slice(0, 36);

/** Answers at once with no matches, counting the characters it was sent. */
class CountingChecker implements ILeakChecker {
  chars = 0;
  check(texts: readonly ICheckText[]): Promise<ILeakMatch[]> {
    for (const t of texts) {
      this.chars += t.text.length;
    }
    return Promise.resolve([]);
  }
}

/** Notebook-shaped texts: the corpus samples (credentials and look-alikes), cycled. */
function samples(): string[] {
  const lines = fs.existsSync(CORPUS)
    ? fs.readFileSync(CORPUS, 'utf8').split('\n').filter(Boolean)
    : [];
  const texts = lines.map(line => (JSON.parse(line) as { text: string }).text);
  return texts.length > 0 ? texts : ['x = 1', 'print("hello")', 'df.head()'];
}

function notebook(
  cellCount: number,
  cellSize: number
): nbformat.INotebookContent {
  const texts = samples();
  let next = 0;
  const chunk = (size: number): string => {
    let out = '';
    while (out.length < size) {
      out += texts[next++ % texts.length] + '\n';
    }
    return out;
  };
  const cells: nbformat.ICell[] = [];
  for (let i = 0; i < cellCount; i++) {
    cells.push({
      cell_type: 'code',
      source: chunk(cellSize),
      metadata: {},
      execution_count: i + 1,
      outputs:
        i % 3 === 0
          ? [{ output_type: 'stream', name: 'stdout', text: chunk(cellSize) }]
          : []
    });
  }
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: {
        name: 'python3',
        display_name: 'Python 3',
        language: 'python'
      }
    },
    cells
  };
}

function load(content: nbformat.INotebookContent): NotebookModel {
  const model = new NotebookModel();
  model.fromJSON(content);
  return model;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function nextChange(guard: NotebookGuardModel, count: number): Promise<void> {
  return new Promise(resolve => {
    const check = () => {
      if (guard.count === count && !guard.pending) {
        guard.changed.disconnect(check);
        resolve();
      }
    };
    guard.changed.connect(check);
  });
}

const out: string[] = [];
const say = (line: string) => out.push(line);

afterAll(() => {
  process.stdout.write('\n' + out.join('\n') + '\n\n');
});

test('edit-to-count latency in a 500-cell notebook', async () => {
  const model = load(notebook(500, 400));
  const scan = createPatternScan({ disabledRules: [], allowlist: [] });
  const guard = new NotebookGuardModel({
    model,
    scan,
    checker: new CountingChecker(),
    debounce: 0
  });
  await guard.flush();
  const base = guard.count;
  const cell = model.cells.get(250);
  const original = cell.sharedModel.getSource();

  const incremental: number[] = [];
  for (let i = 0; i < 40; i++) {
    const adding = i % 2 === 0;
    const done = nextChange(guard, adding ? base + 1 : base);
    const start = performance.now();
    cell.sharedModel.setSource(
      adding ? `${original}\nTOKEN = "${TOKEN}"\n` : original
    );
    await done;
    incremental.push(performance.now() - start);
  }

  // Peer: rescan every source and output of the notebook after each edit.
  const full: number[] = [];
  for (let i = 0; i < 10; i++) {
    const start = performance.now();
    let count = 0;
    for (const c of model.cells) {
      count += scan(c.sharedModel.getSource()).length;
      const outputs = (
        c as unknown as {
          outputs?: {
            length: number;
            get(i: number): { toJSON(): nbformat.IOutput };
          };
        }
      ).outputs;
      const json: nbformat.IOutput[] = [];
      for (let j = 0; outputs && j < outputs.length; j++) {
        json.push(outputs.get(j).toJSON());
      }
      for (const t of outputTexts(json)) {
        count += scan(t.text).length;
      }
    }
    full.push(performance.now() - start);
    expect(count).toBeGreaterThan(0);
  }
  const a = median(incremental);
  const b = median(full);
  say(
    'Guard latency, 500 cells (~0.4 KB source each, a stdout output on every third cell)'
  );
  say(`  findings in the notebook:                     ${base}`);
  say(
    `  edit -> updated count, per-cell rescan:       ${a.toFixed(2)} ms (median of 40)`
  );
  say(
    `  peer: rescan the whole notebook per edit:     ${b.toFixed(2)} ms (median of 10)`
  );
  say(
    `  ratio:                                        ${(b / a).toFixed(1)}x faster`
  );
  say(
    '  (a user also waits the 300 ms quiet period and the server check round trip)'
  );
  guard.dispose();
  model.dispose();
});

test('full scan of a ~5 MB notebook', async () => {
  const content = notebook(2500, 1400);
  const json = JSON.stringify(content);
  const model = load(content);
  const scan = createPatternScan({ disabledRules: [], allowlist: [] });
  const checker = new CountingChecker();

  const guardTimes: number[] = [];
  let count = 0;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    const guard = new NotebookGuardModel({ model, scan, checker, debounce: 0 });
    await guard.flush();
    guardTimes.push(performance.now() - start);
    count = guard.count;
    guard.dispose();
  }
  const peerTimes: number[] = [];
  let peerCount = 0;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    peerCount = scanNotebook(json).length;
    peerTimes.push(performance.now() - start);
  }
  const mb = json.length / 1e6;
  const a = median(guardTimes);
  const b = median(peerTimes);
  say(
    `Full scan, ${mb.toFixed(1)} MB notebook (${content.cells.length} cells)`
  );
  say(
    `  guard (model texts, patterns, check batch):   ${a.toFixed(0)} ms, ${(mb / (a / 1000)).toFixed(1)} MB/s, ${count} findings`
  );
  say(
    `  peer: scanner scanNotebook on the JSON:       ${b.toFixed(0)} ms, ${(mb / (b / 1000)).toFixed(1)} MB/s, ${peerCount} findings`
  );
  say(`  guard / peer time:                            ${(a / b).toFixed(2)}`);
  say(
    `  characters sent to the exact-value check:     ${(checker.chars / 3 / 1e6).toFixed(1)} M per scan`
  );
  model.dispose();
});
