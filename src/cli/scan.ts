/**
 * `jupyterlab-secret-mounts scan PATH...`: finds credentials in notebooks,
 * text files and folders. Exit status 0 when clean, 1 on findings, 2 on bad
 * usage or files that could not be read.
 */
import { promises as fs } from 'node:fs';
import { parseArgs } from 'node:util';
import { InvalidAllowlistError, RULES } from '../scanner';
import {
  EXIT_OK,
  EXIT_ERROR,
  EXIT_FINDINGS,
  ICommand,
  ICommandIO,
  UsageError,
  unknownOption
} from './command';
import {
  BaselineError,
  IBaseline,
  IBaselineEntry,
  IFingerprinting,
  entryId,
  formatBaseline,
  newFingerprinting,
  readBaseline
} from './baseline';
import { describeFileError, inputFiles } from './files';
import {
  IScanReport,
  formatJson,
  formatText,
  formatTextSummary
} from './report';
import { formatSarif } from './sarif';
import { IPreparedJob, IScanJob, prepareJob } from './scan-file';
import { scanJsonl } from './scan-jsonl';
import { defaultThreads, scanFiles } from './scan-pool';
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
  -j, --jobs N          scan with N threads (default: one per core)
  --baseline FILE       report only findings that are not in the baseline FILE
  --write-baseline FILE write every finding's fingerprint to FILE (rule, path
                        and a keyed hash of the value: never the value) and
                        exit 0; a later --baseline FILE reports only new ones
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
Findings in the --baseline do not count; --write-baseline exits 0 unless
input is unreadable.
`;

const OPTIONS = {
  format: { type: 'string', short: 'f' },
  jobs: { type: 'string', short: 'j' },
  baseline: { type: 'string' },
  'write-baseline': { type: 'string' },
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
        ? `unknown option ${unknownOption(argv, OPTIONS) ?? ''}; see --help.`
        : 'an option is missing its value, or a flag was given one; see --help.'
    );
  }
}

/** What --stats reports. */
interface IScanStats {
  bytes: number;
  scanMs: number;
  /** The file scanned at the highest rate (warm, when a file is given twice). */
  fastest: IPass;
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
    return EXIT_OK;
  }
  if (values['list-rules']) {
    io.stdout(
      RULES.map(
        rule =>
          `${rule.id.padEnd(36)} ${rule.confidence.padEnd(7)} ${rule.description}\n`
      ).join('')
    );
    return EXIT_OK;
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
  if (
    values.jsonl &&
    (values.baseline !== undefined || values['write-baseline'] !== undefined)
  ) {
    throw new UsageError('--jsonl takes no baseline.');
  }
  const threads =
    values.jobs === undefined ? defaultThreads() : jobs(values.jobs);
  const baseline = await baselineOption(values.baseline);
  const writeTo = values['write-baseline'];
  const fingerprinting = await fingerprintingFor(baseline, writeTo);
  // The text report goes out file by file, so that memory does not grow with
  // the number of findings; the other formats need them all first.
  const streaming = format === 'text' && values.output === undefined;
  const job: IScanJob = {
    disabledRules: values.disable,
    allowlist: values.allowlist,
    renderText: streaming,
    fingerprinting,
    known: baseline?.entries.map(entryId),
    collectEntries: writeTo !== undefined
  };
  let prepared: IPreparedJob;
  try {
    prepared = prepareJob(job);
  } catch (error) {
    if (error instanceof InvalidAllowlistError) {
      throw new UsageError(`--allowlist: ${error.message}`);
    }
    throw error;
  }

  if (values.jsonl) {
    const stats = { records: 0, scanMs: 0, fastest: NO_PASS };
    const status = await scanJsonl(positionals, prepared.scan, io, stats);
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
  if (baseline) {
    report.baselined = 0;
  }
  const stats: IScanStats = { bytes: 0, scanMs: 0, fastest: NO_PASS };
  const started = performance.now();
  const files: string[] = [];
  for await (const file of inputFiles(positionals, error =>
    report.errors.push(error)
  )) {
    files.push(file);
  }
  const entries: IBaselineEntry[] = [];
  let reported = 0;
  let filesWithFindings = 0;
  const scanned = scanFiles(files, prepared, threads, __filename);
  for await (const result of scanned.results) {
    report.errors.push(...result.errors);
    if (!result.scanned) {
      continue;
    }
    report.filesScanned++;
    stats.bytes += result.bytes;
    stats.scanMs += result.scanMs;
    stats.fastest = faster(stats.fastest, {
      amount: result.bytes,
      ms: result.scanMs
    });
    if (report.baselined !== undefined) {
      report.baselined += result.baselined;
    }
    entries.push(...result.entries);
    reported += result.reported;
    if (result.reported > 0) {
      filesWithFindings++;
    }
    if (streaming) {
      io.stdout(result.text);
    } else {
      report.findings.push(...result.findings);
    }
  }
  const rendered =
    format === 'json'
      ? formatJson(report)
      : format === 'sarif'
        ? formatSarif(report, RULES, process.cwd())
        : streaming
          ? formatTextSummary({
              findings: reported,
              filesWithFindings,
              filesScanned: report.filesScanned,
              errors: report.errors.length,
              baselined: report.baselined
            })
          : formatText(report);
  await write(io, values.output, rendered);
  for (const error of report.errors) {
    io.stderr(`${error.path}: ${error.message}\n`);
  }
  if (writeTo !== undefined && fingerprinting) {
    await fs.writeFile(writeTo, formatBaseline(fingerprinting, entries));
    io.stderr(
      `baseline written to ${writeTo}: ${entries.length} finding${entries.length === 1 ? '' : 's'} ` +
        '(fingerprints only, no values)\n'
    );
  }
  if (values.stats) {
    const totalMs = performance.now() - started;
    const megabytes = stats.bytes / (1024 * 1024);
    const fastest = stats.fastest;
    io.stderr(
      `stats: ${report.filesScanned} files, ${megabytes.toFixed(2)} MiB, scan ${stats.scanMs.toFixed(1)} ms ` +
        `(${(megabytes / (stats.scanMs / 1000)).toFixed(1)} MiB/s; fastest file ` +
        `${(fastest.amount / (1024 * 1024) / (fastest.ms / 1000)).toFixed(1)} MiB/s), total ${totalMs.toFixed(1)} ms, ` +
        `${scanned.threads} thread${scanned.threads === 1 ? '' : 's'}, ` +
        `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MiB\n`
    );
  }
  if (report.errors.length > 0) {
    return EXIT_ERROR;
  }
  if (writeTo !== undefined) {
    return EXIT_OK; // the findings are accepted now
  }
  return reported > 0 ? EXIT_FINDINGS : EXIT_OK;
}

/** `--jobs N`: a whole number of threads from 1. */
function jobs(value: string): number {
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 1) {
    throw new UsageError('--jobs takes a whole number of threads, 1 or more.');
  }
  return threads;
}

/** The baseline of `--baseline FILE`, which must exist. */
async function baselineOption(
  file: string | undefined
): Promise<IBaseline | null> {
  if (file === undefined) {
    return null;
  }
  let baseline: IBaseline | null;
  try {
    baseline = await readBaseline(file);
  } catch (error) {
    if (error instanceof BaselineError) {
      throw new UsageError(`--baseline: ${error.message}.`);
    }
    throw error;
  }
  if (!baseline) {
    throw new UsageError(
      `--baseline: there is no file ${file}; write one with --write-baseline.`
    );
  }
  return baseline;
}

/**
 * The key and folder of fingerprints: the given baseline's; else, for
 * `--write-baseline`, the key of the baseline being rewritten (so that
 * unchanged findings keep their lines) or a new random one.
 */
async function fingerprintingFor(
  baseline: IBaseline | null,
  writeTo: string | undefined
): Promise<IFingerprinting | undefined> {
  if (writeTo === undefined) {
    return baseline ?? undefined;
  }
  const fresh = newFingerprinting(writeTo);
  if (baseline) {
    if (baseline.root !== fresh.root) {
      throw new UsageError(
        '--baseline and --write-baseline must be in the same folder (paths are relative to it).'
      );
    }
    return baseline;
  }
  try {
    return (await readBaseline(writeTo)) ?? fresh;
  } catch (error) {
    if (error instanceof BaselineError) {
      // Never overwrite a file that is not a baseline (a mistyped name).
      throw new UsageError(
        `--write-baseline: ${writeTo} exists and is not a baseline; remove it or choose another name.`
      );
    }
    throw error;
  }
}

export const scanCommand: ICommand = {
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
