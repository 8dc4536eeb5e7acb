/**
 * A notebook's JSON text without its image payloads. Base64 images are most
 * of a real notebook's bytes (two thirds of a sample of 487 public notebooks)
 * and are never scanned, so they are stepped over in the raw bytes, with the
 * native `indexOf`, instead of being decoded to a string and parsed.
 */
import { isTextMime } from '../scanner';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_LIST = 0x5b;
const CLOSE_LIST = 0x5d;
const EMPTY_STRING = Buffer.from('""');

/** Where an object key naming an image MIME type may start. */
const IMAGE_KEY = Buffer.from('"image/');

/** A MIME type name: no escapes, nothing a JSON string would need to escape. */
const MIME = /^[a-z]+\/[-+.\w]+$/;

export interface INotebookJson {
  /** The JSON text, each image payload replaced by `""`. */
  json: string;
  /** The MIME types whose payloads were left out. */
  skipped: ReadonlySet<string>;
}

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function skipWhitespace(bytes: Buffer, at: number): number {
  while (at < bytes.length && isWhitespace(bytes[at])) {
    at++;
  }
  return at;
}

/** True when the quote at `at` is not escaped (an even run of backslashes before it). */
function isDelimiter(bytes: Buffer, at: number): boolean {
  let backslashes = 0;
  while (at - backslashes > 0 && bytes[at - backslashes - 1] === BACKSLASH) {
    backslashes++;
  }
  return backslashes % 2 === 0;
}

/** Just after the JSON string opening at `at`, or -1 when it never closes. */
function endOfString(bytes: Buffer, at: number): number {
  let from = at + 1;
  for (;;) {
    const quote = bytes.indexOf(QUOTE, from);
    if (quote < 0) {
      return -1;
    }
    if (isDelimiter(bytes, quote)) {
      return quote + 1;
    }
    from = quote + 1;
  }
}

/**
 * Just after the value at `at` when it is a string or a list of strings
 * (nbformat's two forms of MIME data), else -1.
 */
function endOfPayload(bytes: Buffer, at: number): number {
  if (bytes[at] === QUOTE) {
    return endOfString(bytes, at);
  }
  if (bytes[at] !== OPEN_LIST) {
    return -1;
  }
  let next = skipWhitespace(bytes, at + 1);
  if (bytes[next] === CLOSE_LIST) {
    return next + 1;
  }
  for (;;) {
    if (bytes[next] !== QUOTE) {
      return -1;
    }
    const end = endOfString(bytes, next);
    if (end < 0) {
      return -1;
    }
    next = skipWhitespace(bytes, end);
    if (bytes[next] === CLOSE_LIST) {
      return next + 1;
    }
    if (bytes[next] !== COMMA) {
      return -1;
    }
    next = skipWhitespace(bytes, next + 1);
  }
}

/**
 * The notebook's JSON text with every `"image/...": <string or list of
 * strings>` member's value replaced by `""`.
 *
 * In valid JSON an unescaped quote followed by `image/...` and a closing
 * quote, then a colon, can only open an object key, so no text a person wrote
 * (a cell source quoting such JSON has its quotes escaped) is ever removed.
 * Keys of that name inside JSON output data (`application/json` as an
 * object) are scanned text; `skipped` lets the caller see whether any
 * such key appears in what it scans and parse the full text instead.
 */
export function notebookJson(bytes: Buffer): INotebookJson {
  const kept: Buffer[] = [];
  const skipped = new Set<string>();
  let copied = 0;
  let from = 0;
  for (;;) {
    const key = bytes.indexOf(IMAGE_KEY, from);
    if (key < 0) {
      break;
    }
    from = key + 1;
    if (!isDelimiter(bytes, key)) {
      continue;
    }
    const keyEnd = bytes.indexOf(QUOTE, key + 1);
    const mime = bytes.toString('latin1', key + 1, keyEnd);
    if (!MIME.test(mime) || isTextMime(mime)) {
      continue;
    }
    const colon = skipWhitespace(bytes, keyEnd + 1);
    if (bytes[colon] !== COLON) {
      continue;
    }
    const value = skipWhitespace(bytes, colon + 1);
    const end = endOfPayload(bytes, value);
    if (end < 0) {
      continue;
    }
    kept.push(bytes.subarray(copied, value), EMPTY_STRING);
    skipped.add(mime);
    copied = from = end;
  }
  if (copied === 0) {
    return { json: bytes.toString('utf8'), skipped };
  }
  kept.push(bytes.subarray(copied));
  return { json: Buffer.concat(kept).toString('utf8'), skipped };
}
