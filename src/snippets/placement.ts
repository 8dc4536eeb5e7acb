/**
 * Where a multi-line snippet goes in existing source text. Pure: no DOM.
 */

/** An edit: replace `source[start, end)` with `text`, then put the cursor at `cursor`. */
export interface IPlacement {
  start: number;
  end: number;
  text: string;
  /** Offset of the cursor in the source after the edit. */
  cursor: number;
}

/**
 * Place a snippet at a selection (or cursor, `start === end`) so that it stands on lines of
 * its own: code before the cursor on the same line ends the line first, code after it moves
 * to the next line. Lines after the first get the current line's indentation, so a snippet
 * typed inside an indented block stays inside it.
 */
export function placeSnippet(
  source: string,
  selectionStart: number,
  selectionEnd: number,
  snippet: string
): IPlacement {
  const start = Math.max(0, Math.min(selectionStart, selectionEnd));
  const end = Math.min(source.length, Math.max(selectionStart, selectionEnd));
  const lineStart = source.lastIndexOf('\n', start - 1) + 1;
  const newline = source.indexOf('\n', end);
  const lineEnd = newline === -1 ? source.length : newline;
  const before = source.slice(lineStart, start);
  const after = source.slice(end, lineEnd);
  const indent = /^[ \t]*/.exec(source.slice(lineStart))![0];

  const lines = snippet.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
  const body = lines
    .map((line, i) => (i === 0 || line === '' ? line : indent + line))
    .join('\n');

  // Text before the cursor on this line: start a new line (indented like this one).
  // Only blanks: complete the indentation (the cursor may sit inside it).
  const head = before.trim() ? '\n' + indent : indent.slice(before.length);
  // Text after the cursor on this line: move it to its own line, dropping its leading blanks.
  const trailing = after.trim() ? after.length - after.trimStart().length : 0;
  const tail = after.trim() ? '\n' + indent : '';
  const text = head + body + tail;
  return {
    start,
    end: end + trailing,
    text,
    cursor: start + head.length + body.length
  };
}
