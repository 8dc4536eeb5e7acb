/**
 * Variable names derived from a folder and key name: `db-creds` + `password` gives
 * `db_creds_password` (`DB_CREDS_PASSWORD` in shells). Pure: no DOM, no JupyterLab imports.
 */

/** Naming rules of a target language. */
export type IdentifierStyle = 'python' | 'r' | 'julia' | 'shell';

/** Prefix for names that would otherwise start with a digit (or be empty). */
const PREFIX = 'secret';
/** Suffix for names that would otherwise be a keyword or shadow something the snippet uses. */
const SUFFIX = 'value';

const PYTHON_RESERVED = new Set([
  // Keywords (names are lower case, so `True` and friends cannot occur), soft keywords.
  'and', 'as', 'assert', 'async', 'await', 'break', 'class',
  'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global',
  'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return',
  'try', 'while', 'with', 'yield', 'match', 'case', 'type',
  // Names the default snippets use, and common builtins a secret must not shadow.
  'json', 'pathlib', 'open', 'print', 'len', 'id', 'input', 'str', 'bytes', 'dict', 'list',
  'set', 'object', 'file', 'dir', 'hash', 'format', 'vars', 'exec', 'eval', 'help', 'map',
  'filter', 'min', 'max', 'sum', 'all', 'any', 'iter', 'next', 'range', 'repr', 'round',
  'sorted', 'super', 'tuple', 'zip', 'int', 'float', 'bool', 'get_ipython'
]); // prettier-ignore

const R_RESERVED = new Set([
  // Reserved words (names are lower case, so `TRUE`, `NULL`, `NA` and friends cannot occur).
  'if', 'else', 'repeat', 'while', 'function', 'for', 'in', 'next', 'break',
  // Functions the default snippets call, and a few that code relies on everywhere.
  'c', 't', 'q', 'paste', 'file', 'jsonlite', 'print', 'length', 'names', 'list', 'data',
  'sum', 'mean'
]); // prettier-ignore

const JULIA_RESERVED = new Set([
  'baremodule', 'begin', 'break', 'catch', 'const', 'continue', 'do', 'else', 'elseif',
  'end', 'export', 'false', 'finally', 'for', 'function', 'global', 'if', 'import', 'let',
  'local', 'macro', 'module', 'quote', 'return', 'struct', 'true', 'try', 'using', 'while',
  'in', 'isa', 'where', 'outer', 'public', 'abstract', 'mutable', 'primitive', 'type',
  // Names the default snippets use, and common functions.
  'ans', 'read', 'chomp', 'print', 'println', 'length', 'open', 'string'
]); // prettier-ignore

/** Shell variables with a meaning to the shell or to programs it starts. */
const SHELL_RESERVED = new Set([
  'PATH', 'HOME', 'IFS', 'PWD', 'OLDPWD', 'SHELL', 'USER', 'LOGNAME', 'LANG', 'TERM',
  'PS1', 'PS2', 'PS4', 'CDPATH', 'ENV', 'BASH_ENV', 'HOSTNAME', 'RANDOM', 'SECONDS',
  'LINENO', 'OPTIND', 'OPTARG', 'UID', 'EUID', 'PPID', 'TMPDIR', 'MAIL', 'LD_PRELOAD',
  'LD_LIBRARY_PATH', 'PYTHONPATH', 'JUPYTER_TOKEN', 'KUBECONFIG'
]); // prettier-ignore

const RESERVED: Record<IdentifierStyle, Set<string>> = {
  python: PYTHON_RESERVED,
  r: R_RESERVED,
  julia: JULIA_RESERVED,
  shell: SHELL_RESERVED
};

/**
 * Turn any text into `snake_case` ASCII words: accents are dropped (`pässword` gives
 * `password`), every other run of characters that are not letters or digits becomes `_`.
 */
function words(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * A valid, non-reserved variable name for a key of a folder, in the naming style of a
 * language: lower snake case, upper snake case for shells.
 */
export function variableName(
  folder: string,
  key: string,
  style: IdentifierStyle
): string {
  let name = [words(folder), words(key)].filter(Boolean).join('_');
  name = style === 'shell' ? name.toUpperCase() : name.toLowerCase();
  const prefix = style === 'shell' ? PREFIX.toUpperCase() : PREFIX;
  if (name === '') {
    name = prefix;
  } else if (/^[0-9]/.test(name)) {
    name = `${prefix}_${name}`;
  }
  if (RESERVED[style].has(name)) {
    name = `${name}_${style === 'shell' ? SUFFIX.toUpperCase() : SUFFIX}`;
  }
  return name;
}
