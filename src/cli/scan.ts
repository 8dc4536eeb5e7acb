/**
 * `jupyterlab-secret-mounts scan PATH...`: finds credentials in notebooks,
 * text files and folders. Exit status 0 when clean, 1 on findings, 2 on bad
 * usage or files that could not be read.
 */
import { promises as fs } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  INotebookFinding,
  InvalidAllowlistError,
  NotebookParseError,
  RULES,
  Scanner,
  TextScan,
  notebookTexts,
  scanNotebookTexts
} from '../scanner';
import { FRONTEND_VERSION } from '../version';
import {
  EXIT_CLEAN,
  EXIT_ERROR,
  EXIT_FINDINGS,
  ICommand,
  ICommandIO
} from './command';
import { describeFileError, inputFiles, readText } from './files';
import { locateInNotebookFile } from './notebook-location';
import {
  IScanReport,
  formatJson,
  formatText,
  formatTextLines,
  formatTextSummary,
  plainTextLine,
  position
} from './report';
import { formatSarif } from './sarif';
import { scanJsonl } from './scan-jsonl';
import { IPass, NO_PASS, faster } from './stats';

const USAGE = `Usage: jupyterlab-secret-mounts scan [options] PATH...

Find credentials (API keys, tokens, private keys, passwords in URLs and
assignments) in notebooks, text files and folders. Notebooks are scanned
cell by cell: sources and text outputs, never images or attachments.
Folders are walked, skipping .git, node_modules, __pycache__,
.ipynb_checkpoints and binary files. Values are never printed: findings show
a redacted preview.

Options:
  -f, --format FORMAT   text (default), json or sarif (SARIF 2.1.0)
  -o, --output FILE     write the report to FILE instead of standard output
  --disable RULE        skip a rule (repeatable; see --list-rules)
  --allowlist REGEX     ignore secrets matching REGEX (repeatable)
  --jsonl               read each PATH ("-" for standard input) as JSON lines
                        {"id", "text"} and print one {"id", "findings"} line
                        per record (exit status 0 unless input is bad)
  --list-rules          print the rules and exit
  --stats               print files, bytes, time and memory to standard error,
                        with the fastest file or input (give one twice for a
                        warm figure)
  -h, --help            show this help

Suppress a finding with a comment on its line: "pragma: allowlist secret",
"gitleaks:allow", "secretlint-disable-line" or "secret-mounts:ignore".

Exit status: 0 no findings, 1 findings, 2 usage error or unreadable input.
`;

const OPTIONS = {
  format: { type: 'string', short: 'f' },
  output: { type: 'string', short: 'o' },
  disable: { type: 'string', multiple: true },
  allowlist: { type: 'string', multiple: true },
  jsonl: { type: 'boolean' },
  'list-rules': { type: 'boolean' },
  stats: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' }
} as const;

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

class UsageError extends Error {}

function parse(argv: string[]): ReturnType<
  typeof parseArgs<{
    args: string[];
    options: typeof OPTIONS;
    allowPositionals: true;
  }>
> {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  } catch (error) {
    // Name the option, never its value: a secret may have been typed there.
    const code = (error as { code?: string }).code;
    throw new UsageError(
      code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ? `unknown option ${unknownOption(argv)}; see --help.`
        : 'an option is missing its value, or a flag was given one; see --help.'
    );
  }
}

/** The first option not in OPTIONS, as typed but without an `=value` (`-x` of `-xVALUE`). */
function unknownOption(argv: string[]): string {
  const { tokens } = parseArgs({
    args: argv,
    options: OPTIONS,
    allowPositionals: true,
    strict: false,
    tokens: true
  });
  const token = tokens.find(
    token => token.kind === 'option' && !(token.name in OPTIONS)
  );
  return token?.kind === 'option' ? token.rawName : '';
}

/** Findings per piece of a streamed text report. */
const TEXT_CHUNK = 512;

/** Scans one file: a notebook cell by cell, anything else as one text. */
async function scanFile(
  file: string,
  scan: TextScan,
  report: IScanReport,
  stats: IScanStats,
  /** Streams the text report of a plain file instead of keeping its findings. */
  textSink?: (text: string, count: number) => void
): Promise<void> {
  let text: string | null;
  try {
    text = await readText(file);
  } catch (error) {
    report.errors.push({ path: file, message: describeFileError(error) });
    return;
  }
  if (text === null) {
    return; // binary
  }
  report.filesScanned++;
  const bytes = Buffer.byteLength(text);
  stats.bytes += bytes;
  const started = performance.now();
  let scanned = 0; // when the engine was done, for plain files
  try {
    if (file.toLowerCase().endsWith('.ipynb')) {
      try {
        scanNotebookFile(file, text, scan, report);
        return;
      } catch (error) {
        if (!(error instanceof NotebookParseError)) {
          throw error;
        }
        // Still look for credentials, in the file as plain text.
        report.errors.push({
          path: file,
          message: `not a valid notebook (${error.message}); scanned as text`
        });
      }
    }
    const found = scan(text);
    scanned = performance.now();
    if (textSink) {
      // In bounded chunks: a dense file's report is never held whole.
      for (let from = 0; from < found.length; from += TEXT_CHUNK) {
        const chunk = found.slice(from, from + TEXT_CHUNK);
        textSink(chunk.map(f => plainTextLine(file, f)).join(''), chunk.length);
      }
      return;
    }
    for (const finding of found) {
      const end = position(text, finding.end, {
        offset: finding.start,
        line: finding.line,
        column: finding.column
      });
      report.findings.push({
        ruleId: finding.ruleId,
        message: finding.message,
        start: finding.start,
        end: finding.end,
        line: finding.line,
        column: finding.column,
        confidence: finding.confidence,
        preview: finding.preview,
        path: file,
        fileLine: finding.line,
        fileColumn: finding.column,
        fileEndLine: end.line,
        fileEndColumn: end.column
      });
    }
  } finally {
    // Engine time only: rendering the report is not scanning.
    const elapsed = (scanned || performance.now()) - started;
    stats.scanMs += elapsed;
    stats.fastest = faster(stats.fastest, { amount: bytes, ms: elapsed });
  }
}

/** What --stats reports. */
interface IScanStats {
  bytes: number;
  scanMs: number;
  /** The file scanned at the highest rate (warm, when a file is given twice). */
  fastest: IPass;
}

function scanNotebookFile(
  file: string,
  raw: string,
  scan: TextScan,
  report: IScanReport
): void {
  const found: { finding: INotebookFinding; secret: string }[] = [];
  for (const place of notebookTexts(raw)) {
    for (const finding of scanNotebookTexts([place], scan)) {
      found.push({
        finding,
        secret: place.text.slice(finding.start, finding.end)
      });
    }
  }
  const located = locateInNotebookFile(
    raw,
    found.map(({ secret }) => secret)
  );
  found.forEach(({ finding }, i) => {
    report.findings.push({ ...finding, path: file, ...located[i] });
  });
}

async function write(
  io: ICommandIO,
  output: string | undefined,
  text: string
): Promise<void> {
  if (output === undefined) {
    io.stdout(text);
  } else {
    await fs.writeFile(output, text);
  }
}

async function run(argv: string[], io: ICommandIO): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    io.stdout(USAGE);
    return EXIT_CLEAN;
  }
  if (values['list-rules']) {
    io.stdout(
      RULES.map(
        rule =>
          `${rule.id.padEnd(36)} ${rule.confidence.padEnd(7)} ${rule.description}\n`
      ).join('')
    );
    return EXIT_CLEAN;
  }
  const format = (values.format ?? 'text') as Format;
  if (!FORMATS.includes(format)) {
    throw new UsageError('--format takes text, json or sarif.');
  }
  if (positionals.length === 0) {
    throw new UsageError(
      'give at least one file or folder to scan; see --help.'
    );
  }
  const known = new Set(RULES.map(rule => rule.id));
  const unknownRule = (values.disable ?? []).find(id => !known.has(id));
  if (unknownRule !== undefined) {
    throw new UsageError(
      `--disable: there is no rule "${unknownRule}"; see --list-rules.`
    );
  }
  let scan: TextScan;
  try {
    scan = new Scanner().prepare({
      disabledRules: values.disable,
      allowlist: values.allowlist
    });
  } catch (error) {
    if (error instanceof InvalidAllowlistError) {
      throw new UsageError(`--allowlist: ${error.message}`);
    }
    throw error;
  }

  if (values.jsonl) {
    const stats = { records: 0, scanMs: 0, fastest: NO_PASS };
    const status = await scanJsonl(positionals, scan, io, stats);
    if (values.stats) {
      const fastest = stats.fastest;
      io.stderr(
        `stats: ${stats.records} records, scan ${stats.scanMs.toFixed(1)} ms ` +
          `(${(stats.records / (stats.scanMs / 1000)).toFixed(0)} records/s; fastest input ` +
          `${(fastest.amount / (fastest.ms / 1000)).toFixed(0)} records/s), ` +
          `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MiB\n`
      );
    }
    return status;
  }

  const report: IScanReport = { findings: [], errors: [], filesScanned: 0 };
  const stats: IScanStats = {
    bytes: 0,
    scanMs: 0,
    fastest: NO_PASS
  };
  const started = performance.now();
  // The text report goes out file by file, so that memory does not grow with
  // the number of findings; the other formats need them all first.
  const streaming = format === 'text' && values.output === undefined;
  let streamed = 0;
  let streamedFiles = 0;
  const sink = (text: string, count: number): void => {
    streamed += count;
    io.stdout(text);
  };
  for await (const file of inputFiles(positionals, error =>
    report.errors.push(error)
  )) {
    const before = report.findings.length;
    const streamedBefore = streamed;
    await scanFile(file, scan, report, stats, streaming ? sink : undefined);
    if (streaming && report.findings.length > before) {
      // Notebooks: their findings carry cell places; stream them too.
      const fresh = report.findings.splice(before);
      sink(formatTextLines(fresh), fresh.length);
    }
    if (streamed > streamedBefore) {
      streamedFiles++;
    }
  }
  const rendered =
    format === 'json'
      ? formatJson(report)
      : format === 'sarif'
        ? formatSarif(report, RULES, FRONTEND_VERSION, process.cwd())
        : streaming
          ? formatTextSummary({
              findings: streamed,
              filesWithFindings: streamedFiles,
              filesScanned: report.filesScanned,
              errors: report.errors.length
            })
          : formatText(report);
  await write(io, values.output, rendered);
  for (const error of report.errors) {
    io.stderr(`${error.path}: ${error.message}\n`);
  }
  if (values.stats) {
    const totalMs = performance.now() - started;
    const megabytes = stats.bytes / (1024 * 1024);
    const fastest = stats.fastest;
    io.stderr(
      `stats: ${report.filesScanned} files, ${megabytes.toFixed(2)} MiB, scan ${stats.scanMs.toFixed(1)} ms ` +
        `(${(megabytes / (stats.scanMs / 1000)).toFixed(1)} MiB/s; fastest file ` +
        `${(fastest.amount / (1024 * 1024) / (fastest.ms / 1000)).toFixed(1)} MiB/s), total ${totalMs.toFixed(1)} ms, ` +
        `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MiB\n`
    );
  }
  if (report.errors.length > 0) {
    return EXIT_ERROR;
  }
  return report.findings.length + streamed > 0 ? EXIT_FINDINGS : EXIT_CLEAN;
}

export const scanCommand: ICommand = {
  summary: 'find credentials in notebooks, text files and folders',
  usage: USAGE,
  run: async (argv, io) => {
    try {
      return await run(argv, io);
    } catch (error) {
      if (error instanceof UsageError) {
        io.stderr(`scan: ${error.message}\n`);
        return EXIT_ERROR;
      }
      if ((error as NodeJS.ErrnoException).code) {
        io.stderr(`scan: ${describeFileError(error)}\n`);
        return EXIT_ERROR;
      }
      throw error;
    }
  }
};
