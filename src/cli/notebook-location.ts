/**
 * Where a notebook finding sits in the `.ipynb` file itself, for reports
 * that point into files (SARIF, editors): found by looking for the
 * JSON-escaped secret in the file, cell by cell in order. Best effort: when
 * the escaping differs from JSON.stringify's, no file position is given.
 */
import { position } from './report';

export interface IFilePosition {
  fileLine: number;
  fileColumn: number;
  fileEndLine: number;
  fileEndColumn: number;
}

/**
 * File positions of the secrets of notebook findings, given in notebook
 * order; `undefined` where a secret was not found.
 */
export function locateInNotebookFile(
  raw: string,
  secrets: readonly string[]
): (IFilePosition | undefined)[] {
  let cursor = 0;
  let known = { offset: 0, line: 1, column: 1 };
  return secrets.map(secret => {
    const escaped = JSON.stringify(secret).slice(1, -1);
    const at = escaped.length === 0 ? -1 : raw.indexOf(escaped, cursor);
    if (at < 0) {
      return undefined;
    }
    const start = position(raw, at, known);
    const end = position(raw, at + escaped.length, { offset: at, ...start });
    known = { offset: at, ...start };
    cursor = at + escaped.length;
    return {
      fileLine: start.line,
      fileColumn: start.column,
      fileEndLine: end.line,
      fileEndColumn: end.column
    };
  });
}
