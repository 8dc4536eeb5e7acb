/**
 * Baselines: findings accepted once, so that a CI run fails on new ones only.
 *
 * A baseline file lists one fingerprint per accepted finding: the rule, the
 * path (relative to the baseline file's folder) and an HMAC-SHA256 of the
 * value under a random key kept in the same file (as `salt`). Never a value, and never a
 * plain hash of one: the per-baseline key means no precomputed table or other
 * baseline can be matched against it. (Whoever holds the file can still test
 * a guessed value, as with any fingerprint that can be checked.)
 */
import { createHmac, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export const BASELINE_VERSION = 1;

/** Key length in bytes: HMAC-SHA256's block-size-safe 256 bits. */
const KEY_BYTES = 32;

const HMAC_HEX = /^[0-9a-f]{64}$/;

/** One accepted finding. */
export interface IBaselineEntry {
  ruleId: string;
  /** Relative to the baseline file's folder, with `/` separators. */
  path: string;
  /** HMAC-SHA256 of the value under the baseline's key, hex. */
  valueHmac: string;
}

/** What a scan needs to compare findings with a baseline, or to write one. */
export interface IFingerprinting {
  /** The HMAC key, hex. */
  key: string;
  /** The folder paths are relative to. */
  root: string;
}

export interface IBaseline extends IFingerprinting {
  entries: IBaselineEntry[];
}

/** A baseline file that cannot be used; the message says why, fit to print. */
export class BaselineError extends Error {}

export function newFingerprinting(file: string): IFingerprinting {
  return {
    key: randomBytes(KEY_BYTES).toString('hex'),
    root: path.dirname(path.resolve(file))
  };
}

/** The fingerprint of a finding's value. */
export function valueHmac(key: string, value: string): string {
  return createHmac('sha256', Buffer.from(key, 'hex'))
    .update(value, 'utf8')
    .digest('hex');
}

/** The path as a baseline records it. */
export function baselinePath(file: string, root: string): string {
  return path.relative(root, path.resolve(file)).split(path.sep).join('/');
}

/** One string per entry, for set lookups. */
export function entryId(entry: IBaselineEntry): string {
  return `${entry.ruleId}\n${entry.path}\n${entry.valueHmac}`;
}

function isEntry(value: unknown): value is IBaselineEntry {
  const entry = value as IBaselineEntry;
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof entry.ruleId === 'string' &&
    typeof entry.path === 'string' &&
    typeof entry.valueHmac === 'string' &&
    HMAC_HEX.test(entry.valueHmac)
  );
}

/** Parses a baseline file's text; `BaselineError` says what is wrong. */
export function parseBaseline(text: string, file: string): IBaseline {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new BaselineError(`${file} is not JSON`);
  }
  const baseline = data as {
    version?: unknown;
    salt?: unknown;
    findings?: unknown;
  };
  if (
    typeof data !== 'object' ||
    data === null ||
    baseline.version === undefined
  ) {
    throw new BaselineError(`${file} is not a baseline (no "version")`);
  }
  if (baseline.version !== BASELINE_VERSION) {
    throw new BaselineError(
      `${file} is a baseline of version ${String(baseline.version)}; this version reads ${BASELINE_VERSION}`
    );
  }
  if (
    typeof baseline.salt !== 'string' ||
    !new RegExp(`^[0-9a-f]{${KEY_BYTES * 2}}$`).test(baseline.salt)
  ) {
    throw new BaselineError(
      `${file}: "salt" must be ${KEY_BYTES * 2} hex digits`
    );
  }
  if (!Array.isArray(baseline.findings) || !baseline.findings.every(isEntry)) {
    throw new BaselineError(
      `${file}: "findings" must be a list of {"ruleId", "path", "valueHmac"}`
    );
  }
  return {
    key: baseline.salt,
    root: path.dirname(path.resolve(file)),
    entries: baseline.findings
  };
}

/** Reads a baseline file, or `null` when there is none. */
export async function readBaseline(file: string): Promise<IBaseline | null> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return null;
    }
    throw error;
  }
  return parseBaseline(text, file);
}

/** The text of a baseline file: entries sorted and unique, so that rewrites diff well. */
export function formatBaseline(
  fingerprinting: IFingerprinting,
  entries: readonly IBaselineEntry[]
): string {
  const byFile = (entry: IBaselineEntry): string =>
    `${entry.path}\n${entry.ruleId}\n${entry.valueHmac}`;
  const unique = new Map(entries.map(entry => [byFile(entry), entry]));
  const sorted = [...unique.keys()].sort().map(id => {
    const { ruleId, path, valueHmac } = unique.get(id) as IBaselineEntry;
    return { ruleId, path, valueHmac };
  });
  return `${JSON.stringify(
    {
      version: BASELINE_VERSION,
      tool: 'jupyterlab-secret-mounts scan',
      hmac: 'sha256',
      // The HMAC key, named so that scanning the baseline file finds nothing in it.
      salt: fingerprinting.key,
      findings: sorted
    },
    null,
    2
  )}\n`;
}
