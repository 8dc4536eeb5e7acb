/**
 * `scan --jsonl`: the evaluator's contract. Each input line is
 * {"id", "text"}; each output line is {"id", "findings"} (previews only).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { TextScan } from '../scanner';
import { EXIT_OK, EXIT_ERROR, ICommandIO } from './command';
import { describeFileError } from './files';
import { IPass, NO_PASS, faster } from './stats';

function record(line: string): { id: unknown; text: string } | null {
  try {
    const value: unknown = JSON.parse(line);
    if (
      typeof value === 'object' &&
      value !== null &&
      'text' in value &&
      typeof (value as { text: unknown }).text === 'string'
    ) {
      return value as { id: unknown; text: string };
    }
  } catch {
    // reported below
  }
  return null;
}

/** Time spent scanning and records scanned, for `--stats`. */
export interface IJsonlStats {
  records: number;
  scanMs: number;
  /** The input scanned at the highest rate (warm, when an input is given twice). */
  fastest: IPass;
}

export async function scanJsonl(
  inputs: readonly string[],
  scan: TextScan,
  io: ICommandIO,
  stats: IJsonlStats = { records: 0, scanMs: 0, fastest: NO_PASS }
): Promise<number> {
  let status = EXIT_OK;
  for (const input of inputs) {
    const before = { records: stats.records, ms: stats.scanMs };
    const lines = createInterface({
      input:
        input === '-'
          ? (io.stdin as NodeJS.ReadableStream)
          : createReadStream(input),
      crlfDelay: Infinity
    });
    let number = 0;
    const out: string[] = [];
    try {
      for await (const line of lines) {
        number++;
        if (!line.trim()) {
          continue;
        }
        const parsed = record(line);
        if (parsed === null) {
          io.stderr(
            `${input}:${number}: not a JSON object with a "text" string; skipped\n`
          );
          status = EXIT_ERROR;
          continue;
        }
        const started = performance.now();
        const found = scan(parsed.text);
        stats.scanMs += performance.now() - started;
        stats.records++;
        const findings = found.map(
          ({ ruleId, start, end, line: row, column, confidence, preview }) => ({
            ruleId,
            start,
            end,
            line: row,
            column,
            confidence,
            preview
          })
        );
        out.push(JSON.stringify({ id: parsed.id, findings }));
        if (out.length >= 512) {
          io.stdout(`${out.join('\n')}\n`);
          out.length = 0;
        }
      }
    } catch (error) {
      io.stderr(`${input}: ${describeFileError(error)}\n`);
      status = EXIT_ERROR;
    }
    if (out.length) {
      io.stdout(`${out.join('\n')}\n`);
    }
    const records = stats.records - before.records;
    if (records > 0) {
      const ms = stats.scanMs - before.ms;
      stats.fastest = faster(stats.fastest, { amount: records, ms });
    }
  }
  return status;
}
