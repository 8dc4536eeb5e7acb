/**
 * The live guard follows the notebook-text contract (spec/README.md): each
 * well-formed fixture of spec/notebooks/, opened in JupyterLab's notebook
 * model and scanned by the guard with the real pattern engine, gives the
 * expected findings of the parts the guard scans (sources, and outputs with
 * their metadata).
 */
import * as nbformat from '@jupyterlab/nbformat';

import { NotebookGuardModel } from '../../src/notebook/guardmodel';
import { createPatternScan } from '../../src/notebook/patternscan';
import { FindingLocation } from '../../src/notebook/types';
import {
  expectedFindings,
  expectedTexts,
  ISpecFinding,
  ISpecText,
  readFixture,
  specFixtures
} from '../specfixtures';
import { FakeChecker, notebookWith } from './helpers';

/** Fixtures whose shapes JupyterLab's model cannot hold (they test the extractors' fallbacks). */
const MALFORMED = ['malformed-shapes'];

const fixtures = specFixtures().filter(
  name => Array.isArray(expectedTexts(name)) && !MALFORMED.includes(name)
);

/**
 * Where an output of the file sits in JupyterLab's output model, which
 * merges consecutive streams of one name as the contract does.
 */
function modelIndex(outputs: nbformat.IOutput[], index: number): number {
  let merged = 0;
  for (let i = 1; i <= index; i++) {
    const [before, output] = [outputs[i - 1], outputs[i]];
    if (
      nbformat.isStream(before) &&
      nbformat.isStream(output) &&
      before.name === output.name
    ) {
      merged++;
    }
  }
  return index - merged;
}

function guardLocation(
  finding: ISpecFinding,
  cell: nbformat.ICell
): FindingLocation | null {
  if (finding.part === 'source') {
    return { kind: 'source' };
  }
  if (finding.output === undefined) {
    return null; // cell and notebook metadata, attachments: checked on save
  }
  const outputs = (cell as nbformat.ICodeCell).outputs;
  return {
    kind: 'output',
    index: modelIndex(outputs, finding.output),
    mimeType: finding.part === 'output' ? finding.mime : undefined
  };
}

/** The value a finding points at, in its expected text. */
function valueOf(name: string, finding: ISpecFinding): string {
  const texts = expectedTexts(name) as ISpecText[];
  const { rule, start, end, ...place } = finding;
  const text = texts.find(
    ({ text, ...other }) => JSON.stringify(other) === JSON.stringify(place)
  )!.text;
  return text.slice(start, end);
}

describe.each(fixtures.map(name => [name]))('the guard on %s.ipynb', name => {
  it('finds what the contract expects in sources and outputs', async () => {
    const notebook = JSON.parse(readFixture(name)) as nbformat.INotebookContent;
    // The guard lists a value once per output, however many of the output's
    // MIME types show it (the first in the contract's order).
    const shown = new Set<string>();
    const expected = expectedFindings(name).flatMap(finding => {
      const cell = finding.cell === null ? null : notebook.cells[finding.cell];
      const location = cell && guardLocation(finding, cell);
      if (!location) {
        return [];
      }
      if (location.kind === 'output') {
        const key = JSON.stringify([
          finding.cell,
          location.index,
          finding.rule,
          valueOf(name, finding)
        ]);
        if (shown.has(key)) {
          return [];
        }
        shown.add(key);
      }
      return [
        {
          cellIndex: finding.cell,
          location,
          ruleId: finding.rule,
          start: finding.start,
          end: finding.end
        }
      ];
    });
    const model = notebookWith(notebook.cells);
    const guard = new NotebookGuardModel({
      model,
      scan: createPatternScan({ disabledRules: [], allowlist: [] }),
      checker: new FakeChecker(),
      debounce: 0,
      scanOutputs: true
    });
    try {
      await guard.flush();
      const found = guard.findings.map(f => ({
        cellIndex: f.cellIndex,
        location: f.location,
        ruleId: f.ruleId,
        start: f.start,
        end: f.end
      }));
      expect(found).toEqual(expect.arrayContaining(expected));
      expect(found).toHaveLength(expected.length);
    } finally {
      guard.dispose();
      model.dispose();
    }
  });
});
