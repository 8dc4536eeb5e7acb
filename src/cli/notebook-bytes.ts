/**
 * A notebook's texts, read from its bytes with as little work as the
 * scanner allows. Base64 images are most of a real notebook's bytes (half
 * of a sample of 571 public notebooks) and are never scanned, so they are
 * stepped over in the raw bytes, with the native `indexOf`, instead of being
 * decoded to a string and parsed; and text outside ASCII is decoded string
 * by string, after parsing, only where it occurs.
 */
import { isAscii } from 'node:buffer';
import { INotebookText, isTextMime, notebookTexts } from '../scanner';

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
 * The bytes of a notebook with every `"image/...": <string or list of
 * strings>` member's value replaced by `""`, and the MIME types left out.
 *
 * In valid JSON an unescaped quote followed by `image/...` and a closing
 * quote, then a colon, can only open an object key, so no text a person wrote
 * (a cell source quoting such JSON has its quotes escaped) is ever removed.
 */
function withoutImages(bytes: Buffer): {
  slim: Buffer;
  skipped: ReadonlySet<string>;
} {
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
    return { slim: bytes, skipped };
  }
  kept.push(bytes.subarray(copied));
  return { slim: Buffer.concat(kept), skipped };
}

/** A `\uXXXX` escape of a character outside ASCII. */
const NON_ASCII_ESCAPE = /\\u(?!00[0-7])[0-9A-Fa-f]{4}/;

/**
 * Whether the JSON text can be read from its bytes as Latin-1, one
 * character per byte, and each string decoded from UTF-8 afterwards. JSON's
 * syntax is ASCII and no byte of a multi-byte UTF-8 sequence is, so the
 * structure parses the same; V8 decodes Latin-1 several times faster than
 * UTF-8 outside ASCII. Not when an escape such as `\u00e9` also puts
 * non-ASCII characters into the strings: those must not be decoded again.
 */
function readableAsLatin1(bytes: Buffer): boolean {
  const escape = bytes.indexOf('\\u');
  return escape < 0 || !NON_ASCII_ESCAPE.test(bytes.toString('latin1', escape));
}

/** Characters that are UTF-8 bytes still to be decoded. */
const UNDECODED = /[\x80-\xff]/;

function decoded(text: string): string {
  return UNDECODED.test(text)
    ? Buffer.from(text, 'latin1').toString('utf8')
    : text;
}

/**
 * The texts of a notebook the scanner looks at (see `notebookTexts`), read
 * from its bytes without decoding or parsing its image payloads. Throws
 * `NotebookParseError` on malformed input.
 */
export function notebookTextsOf(bytes: Buffer): INotebookText[] {
  const { slim, skipped } = withoutImages(bytes);
  const latin1 = !isAscii(slim) && readableAsLatin1(slim);
  let texts: INotebookText[];
  try {
    texts = notebookTexts(slim.toString(latin1 ? 'latin1' : 'utf8'));
  } catch (error) {
    if (skipped.size === 0 && !latin1) {
      throw error;
    }
    // Let the whole text say what is wrong with it.
    return notebookTexts(bytes.toString('utf8'));
  }
  // A left-out key inside a text scanned as JSON (metadata, JSON data, a
  // part of the wrong shape; `jsonText` writes a member so): scan what it
  // really holds.
  const keys = [...skipped].map(mime => `"${mime}": ""`);
  if (
    keys.length > 0 &&
    texts.some(place => keys.some(key => place.text.includes(key)))
  ) {
    return notebookTexts(bytes.toString('utf8'));
  }
  if (latin1) {
    for (const place of texts) {
      place.text = decoded(place.text);
      for (const field of ['cellId', 'mimeType', 'attachment'] as const) {
        const value = place[field];
        if (value !== undefined) {
          place[field] = decoded(value);
        }
      }
    }
  }
  return texts;
}
