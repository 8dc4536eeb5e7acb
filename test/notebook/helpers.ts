import * as nbformat from '@jupyterlab/nbformat';
import { NotebookModel } from '@jupyterlab/notebook';

import { ICheckText, ILeakChecker } from '../../src/notebook/checker';
import { NotebookGuardModel } from '../../src/notebook/guardmodel';
import { GuardRegistry } from '../../src/notebook/registry';
import { IPatternFinding } from '../../src/notebook/types';
import { ILeakMatch } from '../../src/mounts/types';

/** A stand-in "mounted value" the fake server knows; tests never use real secrets. */
export const MOUNTED_VALUE = 'hunter2-correct-horse';

/**
 * A tiny pattern engine: anything like `tok_` + 12 or more letters/digits.
 * Records every text it was asked to scan.
 */
export function fakeScanner(): {
  scan: (text: string) => IPatternFinding[];
  scanned: string[];
} {
  const scanned: string[] = [];
  const scan = (text: string): IPatternFinding[] => {
    scanned.push(text);
    const findings: IPatternFinding[] = [];
    for (const m of text.matchAll(/tok_[A-Za-z0-9]{12,}/g)) {
      const start = m.index ?? 0;
      const before = text.slice(0, start);
      const line = before.split('\n').length;
      findings.push({
        ruleId: 'fake-token',
        message: 'Fake token',
        start,
        end: start + m[0].length,
        line,
        column: start - before.lastIndexOf('\n'),
        confidence: 'high',
        preview: 'tok_…'
      });
    }
    return findings;
  };
  return { scan, scanned };
}

/**
 * A fake server check: reports every occurrence of `MOUNTED_VALUE` as the key
 * `/secrets/api/token`. Records each request, and can be held to simulate a slow server.
 */
export class FakeChecker implements ILeakChecker {
  requests: ICheckText[][] = [];
  hold = false;
  private _held: (() => void)[] = [];

  check(texts: readonly ICheckText[]): Promise<ILeakMatch[]> {
    this.requests.push([...texts]);
    const answer = (): ILeakMatch[] =>
      texts.flatMap(({ id, text }) => {
        const matches: ILeakMatch[] = [];
        for (
          let i = text.indexOf(MOUNTED_VALUE);
          i >= 0;
          i = text.indexOf(MOUNTED_VALUE, i + 1)
        ) {
          matches.push({
            id,
            start: i,
            end: i + MOUNTED_VALUE.length,
            mount: '/secrets/api',
            key: 'token',
            encoding: 'raw'
          });
        }
        return matches;
      });
    if (this.hold) {
      return new Promise(resolve => this._held.push(() => resolve(answer())));
    }
    return Promise.resolve(answer());
  }

  /** Answer every held request. */
  release(): void {
    const held = this._held;
    this._held = [];
    this.hold = false;
    held.forEach(resolve => resolve());
  }
}

/** A notebook model holding the given cells. */
export function notebookWith(cells: nbformat.ICell[]): NotebookModel {
  const model = new NotebookModel();
  model.fromJSON({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: {
        name: 'python3',
        display_name: 'Python 3',
        language: 'python'
      },
      language_info: { name: 'python' }
    },
    cells
  });
  return model;
}

/**
 * A guard on a notebook of `cells`, with the fake scanner and checker, and a
 * registry it is not in yet (tests add it when their UI needs it).
 */
export function fakeGuard(cells: nbformat.ICell[]): {
  model: NotebookModel;
  registry: GuardRegistry;
  guard: NotebookGuardModel;
} {
  const model = notebookWith(cells);
  const guard = new NotebookGuardModel({
    model,
    scan: fakeScanner().scan,
    checker: new FakeChecker()
  });
  return { model, registry: new GuardRegistry(), guard };
}

export function codeCell(
  source: string,
  outputs: nbformat.IOutput[] = []
): nbformat.ICodeCell {
  return {
    cell_type: 'code',
    source,
    metadata: {},
    outputs,
    execution_count: null
  };
}

export function markdownCell(source: string): nbformat.IMarkdownCell {
  return { cell_type: 'markdown', source, metadata: {} };
}

export function stdout(text: string): nbformat.IStream {
  return { output_type: 'stream', name: 'stdout', text };
}
