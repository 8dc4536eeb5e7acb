/**
 * What `scan` reports for a finding, and the text and JSON renderings.
 * No rendering ever holds a secret value: only the redacted preview.
 */
import type {
  INotebookFinding,
  INotebookPlace,
  IScanFinding
} from '../scanner';

/** A finding with the file it was found in. */
export interface IReportedFinding
  extends IScanFinding, Partial<INotebookPlace> {
  path: string;
  /**
   * Position in the file itself, 1-based (for notebooks, in the JSON text,
   * when it could be found there); `fileEnd*` is just after the secret.
   */
  fileLine?: number;
  fileColumn?: number;
  fileEndLine?: number;
  fileEndColumn?: number;
}

/** A path that could not be scanned completely. */
export interface IScanError {
  path: string;
  message: string;
}

export interface IScanReport {
  findings: IReportedFinding[];
  errors: IScanError[];
  /** Files read and scanned. */
  filesScanned: number;
  /** With a baseline: the findings it holds, which are not reported. */
  baselined?: number;
}

/** 1-based line and column of an offset, counting from a known position. */
export function position(
  text: string,
  offset: number,
  from: { offset: number; line: number; column: number } = {
    offset: 0,
    line: 1,
    column: 1
  }
): { line: number; column: number } {
  let line = from.line;
  let lineStart = from.offset - (from.column - 1);
  for (let i = from.offset; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Where a notebook finding is, in words: "cell 3 output 1 (text/plain)",
 * 'cell 2 attachment "notes.txt" (text/plain)', "notebook metadata" (a
 * name quoted as JSON, so that it stays on one line).
 */
export function notebookPlace(
  finding: INotebookFinding | IReportedFinding
): string {
  const { part, cellIndex, outputIndex, mimeType, attachment } = finding;
  if (part === undefined) {
    return '';
  }
  const kind = mimeType ? ` (${mimeType})` : '';
  const output =
    outputIndex === undefined ? 'output' : `output ${outputIndex + 1}`;
  const where = {
    source: 'source',
    output: `${output}${kind}`,
    metadata: outputIndex === undefined ? 'metadata' : `${output} metadata`,
    attachment:
      attachment === undefined
        ? 'attachments'
        : `attachment ${JSON.stringify(attachment)}${kind}`
  }[part];
  return cellIndex === undefined
    ? `notebook ${where}`
    : `cell ${cellIndex + 1} ${where}`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** One line per finding, `path:line:column: ...`, values redacted. */
export function formatTextLines(findings: readonly IReportedFinding[]): string {
  return findings
    .map(f => {
      const place = notebookPlace(f);
      return place
        ? textLine(`${f.path}: ${place}, line ${f.line}, column ${f.column}`, f)
        : plainTextLine(f.path, f);
    })
    .join('');
}

/** The text report's line for a finding in a plain file (scan.ts streams these). */
export function plainTextLine(path: string, f: IScanFinding): string {
  return textLine(`${path}:${f.line}:${f.column}`, f);
}

function textLine(where: string, f: IScanFinding): string {
  return `${where}: ${f.message} [${f.ruleId}, ${f.confidence}] ${f.preview}\n`;
}

/** The closing line of the text report. */
export function formatTextSummary(counts: {
  findings: number;
  filesWithFindings: number;
  filesScanned: number;
  errors: number;
  baselined?: number;
}): string {
  const baselined =
    counts.baselined === undefined
      ? ''
      : `, ${plural(counts.baselined, 'finding')} in the baseline`;
  return `${plural(counts.findings, 'finding')} in ${plural(counts.filesWithFindings, 'file')} (${plural(
    counts.filesScanned,
    'file'
  )} scanned${baselined}${counts.errors ? `, ${plural(counts.errors, 'error')}` : ''}).\n`;
}

/** The whole text report: one line per finding, then a summary. */
export function formatText(report: IScanReport): string {
  return (
    formatTextLines(report.findings) +
    formatTextSummary({
      findings: report.findings.length,
      filesWithFindings: new Set(report.findings.map(f => f.path)).size,
      filesScanned: report.filesScanned,
      errors: report.errors.length,
      baselined: report.baselined
    })
  );
}

/** The report as JSON (findings carry previews, never values). */
export function formatJson(report: IScanReport): string {
  return `${JSON.stringify(
    {
      version: 1,
      filesScanned: report.filesScanned,
      ...(report.baselined === undefined
        ? {}
        : { baselined: report.baselined }),
      findings: report.findings,
      errors: report.errors
    },
    null,
    2
  )}\n`;
}
