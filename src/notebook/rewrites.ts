/**
 * Text rewrites behind the guard's quick fixes. Pure: no DOM, no JupyterLab imports.
 * Each function returns the edit to make (a range of the cell source and its
 * replacement), or null when the fix does not apply.
 */
import { Language } from '../snippets/languages';
import {
  juliaString,
  pythonString,
  rString,
  shellWord
} from '../snippets/quote';

/** A replacement of `text.slice(from, to)` by `insert`. */
export interface ITextEdit {
  from: number;
  to: number;
  insert: string;
}

/** The inline suppression marker the scanner honours (with any comment syntax). */
export const IGNORE_MARKER = 'secret-mounts:ignore';

/** Apply an edit to a text (what the editor does with it). */
export function applyEdit(text: string, edit: ITextEdit): string {
  return text.slice(0, edit.from) + edit.insert + text.slice(edit.to);
}

/**
 * A language expression that evaluates to the text in the file at `path`, with
 * surrounding whitespace stripped: the form of a mounted value the server
 * matches (files written with `echo` end in a newline nobody pastes).
 * Reading happens in the kernel; the value never enters the notebook.
 */
export function readExpression(language: Language, path: string): string {
  switch (language) {
    case 'python':
      return `open(${pythonString(path)}, encoding='utf-8').read().strip()`;
    case 'r':
      return `trimws(paste(readLines(${rString(path)}, warn = FALSE, encoding = "UTF-8"), collapse = "\\n"))`;
    case 'julia':
      return `String(strip(read(${juliaString(path)}, String)))`;
    case 'bash':
      // `$(...)` drops trailing newlines; the double quotes keep it one word.
      return `"$(cat ${shellWord(path)})"`;
  }
}

/** A string literal whose content is exactly a given range. */
export interface IStringLiteral {
  /** Bounds of the literal, prefix and quotes included. */
  from: number;
  to: number;
  /** Python string prefix letters (`r`, `b`, `f`, ...), lower-cased. */
  prefix: string;
}

const QUOTES = ['"""', "'''", '"', "'"];

/**
 * The string literal whose content starts at `start` and ends at `end`, when
 * the range sits directly between a pair of matching quotes (triple quotes
 * included), with Python's prefix letters before the opening quote.
 */
export function literalAround(
  text: string,
  start: number,
  end: number
): IStringLiteral | null {
  for (const quote of QUOTES) {
    const open = start - quote.length;
    if (
      open >= 0 &&
      text.startsWith(quote, open) &&
      text.startsWith(quote, end) &&
      // A `"` right after the range could be the first of a closing `"""`.
      !(
        quote.length === 1 &&
        text[end + 1] === quote &&
        text[end + 2] === quote
      )
    ) {
      let from = open;
      while (from > 0 && /[rRbBuUfF]/.test(text[from - 1]) && open - from < 2) {
        from--;
      }
      if (from > 0 && /[\w.]/.test(text[from - 1])) {
        from = open; // letters belong to an identifier, not a prefix
      }
      return {
        from,
        to: end + quote.length,
        prefix: text.slice(from, open).toLowerCase()
      };
    }
  }
  return null;
}

/**
 * "Replace with secret reference": the literal holding exactly the value, quotes
 * included, becomes an expression reading the mounted file. Only when the code
 * keeps meaning the same thing: the whole literal is the value, and it is a
 * plain text string (not bytes, not a Python f-string with placeholders).
 * In a shell, a bare word is replaced too.
 */
export function replaceWithReference(
  text: string,
  range: { start: number; end: number },
  language: Language,
  path: string
): ITextEdit | null {
  const expression = readExpression(language, path);
  const literal = literalAround(text, range.start, range.end);
  if (literal) {
    if (literal.prefix.includes('b')) {
      return null; // bytes: a text expression would change the type
    }
    if (
      literal.prefix.includes('f') &&
      /[{}]/.test(text.slice(range.start, range.end))
    ) {
      return null;
    }
    return { from: literal.from, to: literal.to, insert: expression };
  }
  if (language === 'bash') {
    // `TOKEN=value` or `--token value`: a whole unquoted word.
    const before = text[range.start - 1] ?? ' ';
    const after = text[range.end] ?? ' ';
    if (/[\s=:]/.test(before) && /[\s;|&)]/.test(after)) {
      return { from: range.start, to: range.end, insert: expression };
    }
  }
  return null;
}

/** Line comment syntax of a language. */
const LINE_COMMENT: Record<Language, string> = {
  python: '#',
  r: '#',
  julia: '#',
  bash: '#'
};

/**
 * "Ignore on this line": append the suppression marker as a comment at the end
 * of the line holding `offset`. Null where a comment would change the code:
 * inside a Python triple-quoted string that goes on past the line.
 * `language` null means a Markdown cell (an HTML comment).
 */
export function ignoreOnLine(
  text: string,
  offset: number,
  language: Language | null
): ITextEdit | null {
  const lineEnd = (() => {
    const i = text.indexOf('\n', offset);
    return i < 0 ? text.length : i;
  })();
  const lineStart = text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
  const line = text.slice(lineStart, lineEnd);
  if (line.includes(IGNORE_MARKER)) {
    return null; // already there
  }
  if (language === null) {
    return { from: lineEnd, to: lineEnd, insert: ` <!-- ${IGNORE_MARKER} -->` };
  }
  if (language === 'python' && insideTripleQuotes(text.slice(0, lineEnd))) {
    return null;
  }
  const separator = line.trimEnd().length < line.length ? '' : '  ';
  return {
    from: lineEnd,
    to: lineEnd,
    insert: `${separator}${LINE_COMMENT[language]} ${IGNORE_MARKER}`
  };
}

/** Whether the end of `text` is inside a Python triple-quoted string (rough, by counting). */
function insideTripleQuotes(text: string): boolean {
  let open: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const three = text.slice(i, i + 3);
    if (open === null && (three === '"""' || three === "'''")) {
      open = three;
      i += 2;
    } else if (open !== null && three === open && text[i - 1] !== '\\') {
      open = null;
      i += 2;
    }
  }
  return open !== null;
}
