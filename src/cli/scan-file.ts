/**
 * One file's scan, start to end: read, scan, compare with a baseline, and
 * render. Runs the same in the main thread and in the worker threads of
 * `scan-pool.ts`; its result is plain data that can be posted between them,
 * and it never carries a secret value.
 */
import { readFileSync } from 'node:fs';
import {
  IScanFinding,
  NotebookParseError,
  Scanner,
  TextScan,
  type INotebookText
} from '../scanner';
import {
  IBaselineEntry,
  IFingerprinting,
  baselinePath,
  entryId,
  valueHmac
} from './baseline';
import { describeFileError, isBinary } from './files';
import { notebookTextsOf } from './notebook-bytes';
import { locateInNotebookFile } from './notebook-location';
import {
  IReportedFinding,
  IScanError,
  formatTextLines,
  plainTextLine,
  position
} from './report';

/** What every file of one scan is scanned with. */
export interface IScanJob {
  disabledRules?: string[];
  allowlist?: string[];
  /** Render findings as text-report lines here (the text report), not as objects. */
  renderText: boolean;
  /** Fingerprint findings with this key: to compare with `known`, or to write a baseline. */
  fingerprinting?: IFingerprinting;
  /** Baseline entries (`entryId`) whose findings are not reported. */
  known?: readonly string[];
  /** Send back the baseline entries of every finding (`--write-baseline`). */
  collectEntries: boolean;
}

/** A job ready to scan files with: its patterns compiled, its baseline indexed. */
export interface IPreparedJob {
  job: IScanJob;
  scan: TextScan;
  known: ReadonlySet<string>;
}

/** Throws `InvalidAllowlistError` on a bad `allowlist` pattern. */
export function prepareJob(job: IScanJob): IPreparedJob {
  return {
    job,
    scan: new Scanner().prepare({
      disabledRules: job.disabledRules,
      allowlist: job.allowlist
    }),
    known: new Set(job.known)
  };
}

/** One file's share of the report. */
export interface IFileScan {
  /** Read and scanned (not binary, not unreadable). */
  scanned: boolean;
  bytes: number;
  /** Engine time: reading and rendering excluded. */
  scanMs: number;
  errors: IScanError[];
  /** Findings reported (not in the baseline); empty when rendered as `text`. */
  findings: IReportedFinding[];
  /** The text report's lines for them, when the job renders text. */
  text: string;
  /** How many findings are reported. */
  reported: number;
  /** How many findings the baseline holds. */
  baselined: number;
  /** Baseline entries of every finding, when the job collects them. */
  entries: IBaselineEntry[];
}

/** A finding and the text it is in (not a copy); its secret never leaves this module. */
interface IFound {
  finding: IScanFinding | (IScanFinding & Omit<INotebookText, 'text'>);
  text: string;
}

function secretOf({ finding, text }: IFound): string {
  return text.slice(finding.start, finding.end);
}

/** A UTF-8 byte order mark, dropped so that columns match what editors show. */
function withoutBom(bytes: Buffer): Buffer {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
    ? bytes.subarray(3)
    : bytes;
}

function scanNotebook(
  texts: readonly INotebookText[],
  scan: TextScan
): IFound[] {
  const found: IFound[] = [];
  for (const { text, ...place } of texts) {
    for (const finding of scan(text)) {
      found.push({
        finding: { ...finding, ...place },
        text
      });
    }
  }
  return found;
}

function scanPlain(text: string, scan: TextScan): IFound[] {
  return scan(text).map(finding => ({ finding, text }));
}

/** Report objects, with positions in the file itself. */
function reported(
  file: string,
  found: readonly IFound[],
  fileText: () => string,
  isNotebook: boolean
): IReportedFinding[] {
  if (found.length === 0) {
    return [];
  }
  const text = fileText();
  if (isNotebook) {
    // Found by looking for each secret in the JSON text, in order.
    const located = locateInNotebookFile(text, found.map(secretOf));
    return found.map(({ finding }, i) => ({
      ...finding,
      path: file,
      ...located[i]
    }));
  }
  return found.map(({ finding }) => {
    const end = position(text, finding.end, {
      offset: finding.start,
      line: finding.line,
      column: finding.column
    });
    return {
      ...finding,
      path: file,
      fileLine: finding.line,
      fileColumn: finding.column,
      fileEndLine: end.line,
      fileEndColumn: end.column
    };
  });
}

const NOTHING: Omit<IFileScan, 'scanned' | 'errors'> = {
  bytes: 0,
  scanMs: 0,
  findings: [],
  text: '',
  reported: 0,
  baselined: 0,
  entries: []
};

/** Scans one file. */
export function scanFile(file: string, prepared: IPreparedJob): IFileScan {
  const { job, scan, known } = prepared;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const message = describeFileError(error);
    return { ...NOTHING, scanned: false, errors: [{ path: file, message }] };
  }
  if (isBinary(bytes)) {
    return { ...NOTHING, scanned: false, errors: [] };
  }
  bytes = withoutBom(bytes);
  const errors: IScanError[] = [];
  const started = performance.now();
  let isNotebook = file.toLowerCase().endsWith('.ipynb');
  let found: IFound[] | undefined;
  let text: string | undefined;
  if (isNotebook) {
    try {
      found = scanNotebook(notebookTextsOf(bytes), scan);
    } catch (error) {
      if (!(error instanceof NotebookParseError)) {
        throw error;
      }
      // Still look for credentials, in the file as plain text.
      isNotebook = false;
      errors.push({
        path: file,
        message: `not a valid notebook (${error.message}); scanned as text`
      });
    }
  }
  if (!found) {
    text = bytes.toString('utf8');
    found = scanPlain(text, scan);
  }
  const scanMs = performance.now() - started;

  const fileText = (): string => (text ??= bytes.toString('utf8'));
  const result: IFileScan = {
    ...NOTHING,
    scanned: true,
    bytes: bytes.length,
    scanMs,
    errors,
    entries: []
  };
  let fresh = found;
  if (job.fingerprinting && found.length > 0) {
    const { key, root } = job.fingerprinting;
    const where = baselinePath(file, root);
    const entries = found.map(one => ({
      ruleId: one.finding.ruleId,
      path: where,
      valueHmac: valueHmac(key, secretOf(one))
    }));
    fresh = found.filter((_, i) => !known.has(entryId(entries[i])));
    result.baselined = found.length - fresh.length;
    if (job.collectEntries) {
      result.entries = entries;
    }
  }
  result.reported = fresh.length;
  if (!job.renderText) {
    result.findings = reported(file, fresh, fileText, isNotebook);
  } else if (isNotebook) {
    // Places within cells: no need to find them in the file.
    result.text = formatTextLines(
      fresh.map(({ finding }) => ({ ...finding, path: file }))
    );
  } else {
    result.text = fresh
      .map(({ finding }) => plainTextLine(file, finding))
      .join('');
  }
  return result;
}
