/**
 * Which files `scan` reads: the files named on the command line, and the
 * files under the folders named there, skipping version-control and
 * dependency folders, symbolic links inside folders, and binary files.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** Folders never walked into. */
export const SKIPPED_FOLDERS: ReadonlySet<string> = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  '__pycache__',
  '.ipynb_checkpoints'
]);

/** Bytes looked at to tell binary files (a NUL byte) from text. */
const SNIFF_BYTES = 8000;

/** A path that could not be read, with a message fit to print. */
export interface IFileError {
  path: string;
  message: string;
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a folder';
    default:
      return code ? `cannot be read (${code})` : 'cannot be read';
  }
}

/**
 * The files to scan, in a stable order (folders sorted by name); paths that
 * cannot be read are passed to `onError` and skipped.
 */
export async function* inputFiles(
  paths: readonly string[],
  onError: (error: IFileError) => void
): AsyncGenerator<string> {
  for (const given of paths) {
    let stat;
    try {
      stat = await fs.stat(given);
    } catch (error) {
      onError({ path: given, message: describe(error) });
      continue;
    }
    if (stat.isDirectory()) {
      yield* walk(given, onError);
    } else if (stat.isFile()) {
      yield given;
    } else {
      onError({ path: given, message: 'is not a regular file or folder' });
    }
  }
}

async function* walk(
  folder: string,
  onError: (error: IFileError) => void
): AsyncGenerator<string> {
  let entries;
  try {
    entries = await fs.readdir(folder, { withFileTypes: true });
  } catch (error) {
    onError({ path: folder, message: describe(error) });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const child = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) {
        yield* walk(child, onError);
      }
    } else if (entry.isFile()) {
      yield child;
    }
    // Symbolic links and special files inside folders are not followed.
  }
}

/** Whether a file's bytes look binary: a NUL byte near the start. */
export function isBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, SNIFF_BYTES).includes(0);
}

export { describe as describeFileError };
