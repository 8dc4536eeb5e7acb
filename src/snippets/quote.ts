/**
 * String literals per target language.
 *
 * Paths come from the server and may hold any character a file name can hold (quotes,
 * backslashes, `$`, spaces, non-ASCII). Each function returns source text that the
 * language reads back as exactly the given string. Pure: no DOM, no JupyterLab imports.
 */

/** Characters worth escaping even where a literal would be legal: controls, invisible
 * format characters (bidi overrides could make a path look like another), separators. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]|(?! )\p{Zs}/u;

/** Whether a string holds a lone UTF-16 surrogate (no language can spell it as a path). */
export function hasLoneSurrogate(value: string): boolean {
  return /\p{Cs}/u.test(value);
}

function hex(code: number, width: number): string {
  return code.toString(16).toUpperCase().padStart(width, '0');
}

/** Escape with a per-character table, then a fallback for invisible code points. */
function escapeWith(
  value: string,
  table: Record<string, string>,
  invisible: (code: number) => string
): string {
  let out = '';
  for (const char of value) {
    if (char in table) {
      out += table[char];
    } else if (INVISIBLE.test(char)) {
      out += invisible(char.codePointAt(0) as number);
    } else {
      out += char;
    }
  }
  return out;
}

const C_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t'
};

/** A Python `str` literal in single quotes, like `repr()` would write it. */
export function pythonString(value: string): string {
  const body = escapeWith(value, { ...C_ESCAPES, "'": "\\'" }, code =>
    code <= 0xff
      ? `\\x${hex(code, 2)}`
      : code <= 0xffff
        ? `\\u${hex(code, 4)}`
        : `\\U${hex(code, 8)}`
  );
  return `'${body}'`;
}

/** An R character literal in double quotes (braced `\u{...}` so digits that follow stay put). */
export function rString(value: string): string {
  const body = escapeWith(value, { ...C_ESCAPES, '"': '\\"' }, code =>
    code <= 0xffff ? `\\u{${hex(code, 4)}}` : `\\U{${hex(code, 8)}}`
  );
  return `"${body}"`;
}

/** A Julia `String` literal; `$` is escaped because Julia interpolates it. */
export function juliaString(value: string): string {
  const body = escapeWith(value, { ...C_ESCAPES, '"': '\\"', $: '\\$' }, code =>
    // Fixed-width forms: Julia stops reading hex digits at 4 (`\u`) and 8 (`\U`).
    code <= 0xffff ? `\\u${hex(code, 4)}` : `\\U${hex(code, 8)}`
  );
  return `"${body}"`;
}

/** Characters that need no quoting in a POSIX shell word. */
const SHELL_PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * A POSIX shell word (sh, dash, bash, zsh): bare when every character is plain, otherwise
 * in single quotes, where only `'` itself needs care (`'\''`: close, escaped quote, reopen).
 */
export function shellWord(value: string): string {
  if (SHELL_PLAIN.test(value)) {
    return value;
  }
  return `'${value.replace(/'/g, "'\\''")}'`;
}

/** Why a value cannot go into an IPython `!` line. */
export class UnsafeForIPythonShell extends Error {}

/**
 * A shell word for an IPython `!` line. IPython expands `$name` and `{expression}` in such
 * lines before the shell sees them, and whether a `$` is expanded depends on a count of `'`
 * characters around it; rather than guess, values holding `$` or `'` are refused (the
 * Python variant reads them fine). Braces are doubled, IPython's escape for a literal brace.
 */
export function ipythonShellWord(value: string): string {
  if (/[$']/.test(value)) {
    throw new UnsafeForIPythonShell(value);
  }
  return shellWord(value).replace(/[{}]/g, brace => brace + brace);
}
