/**
 * Reads whole files into one buffer kept between reads, one per thread.
 * `readFileSync` gives each file fresh memory, which the kernel must map
 * and zero page by page: reading 172 MB of notebooks that way took about
 * twice the CPU of reading them into a buffer used again (bench/README.md).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** A buffer above this size is let go after use, not kept for the next file. */
const KEPT_BYTES = 64 * 1024 * 1024;

let scratch = Buffer.allocUnsafeSlow(1024 * 1024);

/**
 * The bytes of a file. They live in a buffer the next call overwrites: use
 * them (and anything viewing them) before reading another file.
 */
export function readFileBytes(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    // One byte more than the size, to notice a file that grew meanwhile.
    let size = fstatSync(fd).size + 1;
    let read = 0;
    for (;;) {
      if (scratch.length < size) {
        const grown = Buffer.allocUnsafeSlow(
          Math.max(size, 2 * scratch.length)
        );
        scratch.copy(grown, 0, 0, read);
        scratch = grown;
      }
      const got = readSync(fd, scratch, read, scratch.length - read, null);
      if (got === 0) {
        break;
      }
      read += got;
      if (read === scratch.length) {
        size = 2 * scratch.length; // still more: make room
      }
    }
    return scratch.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** Lets go of a buffer grown for a large file, once its bytes are used. */
export function releaseFileBytes(): void {
  if (scratch.length > KEPT_BYTES) {
    scratch = Buffer.allocUnsafeSlow(1024 * 1024);
  }
}
