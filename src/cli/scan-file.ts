/**
 * One file's scan, start to end: read, scan, compare with a baseline, and
 * render. Runs the same in the main thread and in the worker threads of
 * `scan-pool.ts`; its result is plain data that can be posted between them,
 * and it never carries a secret value.
 */
import {
  IScanFinding,
  NotebookParseError,
  Scanner,
  TextScan,
  type INotebookPlace,
  type INotebookText
} from '../scanner';
import {
  IBaselineEntry,
  IFingerprinting,
  baselinePath,
  entryId,
  valueHmac
} from './baseline';
import { readFileBytes, releaseFileBytes } from './file-bytes';
import { describeFileError, isBinary } from './files';
import { notebookTextsOf } from './notebook-bytes';
import { IFilePosition, locateInNotebookFile } from './notebook-location';
import { IReportedFinding, IScanError, position, textLine } from './report';

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

/**
 * A finding, the text it is in (not a copy) and, in a notebook, that text's
 * place; its secret never leaves this module.
 */
interface IFound {
  finding: IScanFinding;
  text: string;
  place?: INotebookPlace;
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
  for (const place of texts) {
    for (const finding of scan(place.text)) {
      found.push({ finding, text: place.text, place });
    }
  }
  return found;
}

function scanPlain(text: string, scan: TextScan): IFound[] {
  return scan(text).map(finding => ({ finding, text }));
}

/**
 * A finding as reported, in one object shape whatever its place (absent
 * fields are undefined, which JSON leaves out): a spread copy would take
 * several times the memory, and a dense file has a finding every 200 bytes.
 */
function reportedFinding(
  path: string,
  { finding, place }: IFound,
  at?: IFilePosition
): IReportedFinding {
  return {
    ruleId: finding.ruleId,
    message: finding.message,
    start: finding.start,
    end: finding.end,
    line: finding.line,
    column: finding.column,
    confidence: finding.confidence,
    preview: finding.preview,
    cellIndex: place?.cellIndex,
    cellId: place?.cellId,
    part: place?.part,
    outputIndex: place?.outputIndex,
    attachment: place?.attachment,
    mimeType: place?.mimeType,
    path,
    fileLine: at?.fileLine,
    fileColumn: at?.fileColumn,
    fileEndLine: at?.fileEndLine,
    fileEndColumn: at?.fileEndColumn
  };
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
    return found.map((one, i) => reportedFinding(file, one, located[i]));
  }
  return found.map(one => {
    const { finding } = one;
    const end = position(text, finding.end, {
      offset: finding.start,
      line: finding.line,
      column: finding.column
    });
    return reportedFinding(file, one, {
      fileLine: finding.line,
      fileColumn: finding.column,
      fileEndLine: end.line,
      fileEndColumn: end.column
    });
  });
}

/** Lines joined a bounded batch at a time (see `joinedLines`). */
const LINES_PER_BATCH = 1024;

/**
 * The lines of `items`, as one string. A line made by a template is a tree
 * of string pieces several times its size until it is joined: joining them
 * in batches keeps a dense file's report from holding them all at once.
 */
function joinedLines<T>(
  items: readonly T[],
  line: (item: T) => string
): string {
  const batches: string[] = [];
  for (let from = 0; from < items.length; from += LINES_PER_BATCH) {
    batches.push(
      items
        .slice(from, from + LINES_PER_BATCH)
        .map(line)
        .join('')
    );
  }
  return batches.join('');
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
  try {
    return scanFileBytes(file, prepared);
  } finally {
    releaseFileBytes();
  }
}

/** `scanFile`, reading into the thread's file buffer (see `readFileBytes`). */
function scanFileBytes(file: string, prepared: IPreparedJob): IFileScan {
  const { job, scan, known } = prepared;
  let bytes: Buffer;
  try {
    bytes = readFileBytes(file);
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
  } else {
    // Places within cells: no need to find them in the file.
    result.text = joinedLines(fresh, ({ finding, place }) =>
      textLine(file, finding, place)
    );
  }
  return result;
}
