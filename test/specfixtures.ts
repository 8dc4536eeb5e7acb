/**
 * The fixtures of the notebook-text contract (spec/README.md), for the
 * tests of each extractor.
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import type { INotebookPlace } from '../src/scanner';

export const SPEC_NOTEBOOKS = join(__dirname, '../spec/notebooks');

/** A text as `NAME.texts.json` writes it. */
export interface ISpecText {
  cell: number | null;
  part: string;
  output?: number;
  mime?: string;
  name?: string;
  text: string;
}

/** A finding as `NAME.findings.json` writes it. */
export type ISpecFinding = Omit<ISpecText, 'text'> & {
  rule: string;
  start: number;
  end: number;
};

/** The names of the fixtures (`NAME.ipynb`), sorted. */
export function specFixtures(): string[] {
  return readdirSync(SPEC_NOTEBOOKS)
    .filter(file => file.endsWith('.ipynb'))
    .map(file => file.slice(0, -'.ipynb'.length))
    .sort();
}

export function readFixture(name: string): string {
  return readFileSync(join(SPEC_NOTEBOOKS, `${name}.ipynb`), 'utf8');
}

/** The expected texts, or the start of the expected error message. */
export function expectedTexts(name: string): ISpecText[] | { error: string } {
  return JSON.parse(
    readFileSync(join(SPEC_NOTEBOOKS, `${name}.texts.json`), 'utf8')
  );
}

export function expectedFindings(name: string): ISpecFinding[] {
  return JSON.parse(
    readFileSync(join(SPEC_NOTEBOOKS, `${name}.findings.json`), 'utf8')
  );
}

/** A place as the spec files write it. */
export function specPlace(place: INotebookPlace): Omit<ISpecText, 'text'> {
  const { cellIndex, part, outputIndex, mimeType, attachment } = place;
  return {
    cell: cellIndex ?? null,
    part,
    ...(outputIndex === undefined ? {} : { output: outputIndex }),
    ...(mimeType === undefined ? {} : { mime: mimeType }),
    ...(attachment === undefined ? {} : { name: attachment })
  };
}
