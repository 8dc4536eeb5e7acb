/**
 * Gather the values of a Secret from files, folders and standard input.
 * Values are only ever held as bytes here; no message quotes one, and no
 * message quotes a path either, in case a value was typed where a path goes.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isKey } from '../secrets/names';
import { KubeError } from './errors';

/** Kubernetes limit on a Secret's data. */
export const MAX_SECRET_BYTES = 1024 * 1024;

/** A key Kubernetes accepts (the one rule, shared with the browser's dialog). */
export const isValidKey = isKey;

/** `--from-file [key=]path` or `--from-stdin key`. */
export type SecretSource =
  { kind: 'file'; key?: string; path: string } | { kind: 'stdin'; key: string };

/** Parse the argument of `--from-file`: `key=path` or `path`. */
export function parseFileSource(argument: string): SecretSource {
  const equals = argument.indexOf('=');
  if (equals > 0) {
    const key = argument.slice(0, equals);
    if (!isValidKey(key)) {
      throw new KubeError(
        '--from-file KEY=PATH: the key is not valid (letters, digits, "-", "_" and "." only).'
      );
    }
    return { kind: 'file', key, path: argument.slice(equals + 1) };
  }
  return { kind: 'file', path: argument };
}

export function parseStdinSource(key: string): SecretSource {
  if (!isValidKey(key)) {
    throw new KubeError(
      '--from-stdin KEY: the key is not valid (letters, digits, "-", "_" and "." only).'
    );
  }
  return { kind: 'stdin', key };
}

/** Something that yields the bytes of standard input. */
export type ByteSource = AsyncIterable<Buffer | string>;

async function readAll(stream: ByteSource): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > MAX_SECRET_BYTES) {
      throw new KubeError(
        'Standard input holds more than 1 MiB; a Secret holds at most 1 MiB.'
      );
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function describeFsError(error: unknown, what: string): KubeError {
  const code =
    error && typeof error === 'object'
      ? (error as { code?: unknown }).code
      : undefined;
  const why =
    code === 'ENOENT'
      ? 'it does not exist'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'it is a folder'
          : `error ${String(code ?? 'reading it')}`;
  return new KubeError(`${what} cannot be read: ${why}.`);
}

async function readFileValue(file: string, what: string): Promise<Buffer> {
  try {
    const stat = await fs.stat(file);
    if (stat.size > MAX_SECRET_BYTES) {
      throw new KubeError(
        `${what} is larger than 1 MiB; a Secret holds at most 1 MiB.`
      );
    }
    return await fs.readFile(file);
  } catch (error) {
    throw error instanceof KubeError ? error : describeFsError(error, what);
  }
}

/** Regular files directly inside a folder, keyed by file name (like kubectl). */
async function readFolder(
  folder: string,
  warn: (message: string) => void
): Promise<[string, Buffer][]> {
  const found: [string, Buffer][] = [];
  const names = (await fs.readdir(folder)).sort();
  for (const name of names) {
    // Skip the kubelet's `..data` and timestamped folders when reading a mounted Secret.
    if (name.startsWith('..')) {
      continue;
    }
    const file = path.join(folder, name);
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat?.isFile()) {
      continue;
    }
    if (!isValidKey(name)) {
      warn(
        `Skipped a file in the folder whose name is not a valid key: ${JSON.stringify(name)}.`
      );
      continue;
    }
    found.push([
      name,
      await readFileValue(file, `The file ${name} in the folder`)
    ]);
  }
  return found;
}

/**
 * Read every source into key -> bytes. Keys must be unique and the total must
 * fit in a Secret.
 */
export async function readSecretData(
  sources: SecretSource[],
  stdin: ByteSource,
  warn: (message: string) => void = () => undefined
): Promise<Map<string, Buffer>> {
  const data = new Map<string, Buffer>();
  const add = (key: string, value: Buffer) => {
    if (data.has(key)) {
      throw new KubeError(`The key ${key} is given more than once.`);
    }
    data.set(key, value);
  };
  if (sources.filter(source => source.kind === 'stdin').length > 1) {
    throw new KubeError(
      'Only one --from-stdin is possible: standard input can be read once.'
    );
  }
  for (const source of sources) {
    if (source.kind === 'stdin') {
      add(source.key, await readAll(stdin));
      continue;
    }
    const what = source.key
      ? `The file given for key ${source.key}`
      : 'A file given with --from-file';
    let stat;
    try {
      stat = await fs.stat(source.path);
    } catch (error) {
      throw describeFsError(error, what);
    }
    if (stat.isDirectory()) {
      if (source.key) {
        throw new KubeError(
          `--from-file ${source.key}=...: a folder cannot be given a key; pass the folder alone.`
        );
      }
      const files = await readFolder(source.path, warn);
      if (files.length === 0) {
        warn('A folder given with --from-file holds no files usable as keys.');
      }
      files.forEach(([key, value]) => add(key, value));
      continue;
    }
    const key = source.key ?? path.basename(source.path);
    if (!isValidKey(key)) {
      throw new KubeError(
        `${what} has a name that is not a valid key; give one with --from-file KEY=PATH.`
      );
    }
    add(key, await readFileValue(source.path, what));
  }
  if (data.size === 0) {
    throw new KubeError(
      'Give the values with --from-file KEY=PATH, --from-file FOLDER or --from-stdin KEY.'
    );
  }
  const total = [...data.values()].reduce(
    (sum, value) => sum + value.length,
    0
  );
  if (total > MAX_SECRET_BYTES) {
    throw new KubeError(
      `The values add up to ${total} bytes; a Secret holds at most 1 MiB (${MAX_SECRET_BYTES} bytes).`
    );
  }
  return data;
}
