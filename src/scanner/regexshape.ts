/**
 * What the engine reads off a rule's pattern to do less work: where matches
 * may start, what they start with, and where the secret sits in them. Each
 * reading errs on the safe side (null or false when unsure), so a result it
 * feeds is never different from a plain search.
 */

/**
 * Calls `visit` with each character of a pattern that is regex syntax: not
 * inside a character class and not escaped. Stops when `visit` returns true
 * and returns that index, else -1.
 */
function syntax(
  source: string,
  from: number,
  visit: (ch: string, at: number) => boolean
): number {
  let inClass = false;
  for (let i = from; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      i++;
    } else if (inClass) {
      inClass = ch !== ']';
    } else if (ch === '[') {
      inClass = true;
    } else if (visit(ch, i)) {
      return i;
    }
  }
  return -1;
}

/**
 * The capture groups of a valid pattern, numbered or named, read off its
 * text: running it (to count the groups of a match) would compile it, at
 * every start, for each of the rules.
 */
export function captureGroups(pattern: string): number {
  let count = 0;
  syntax(pattern, 0, (ch, at) => {
    if (ch === '(') {
      const after = pattern.slice(at + 1, at + 4);
      const named = after.startsWith('?<') && !/^\?<[=!]/.test(after);
      count += !after.startsWith('?') || named ? 1 : 0;
    }
    return false;
  });
  return count;
}

/** The top-level alternatives of a pattern. */
function branches(source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  syntax(source, 0, (ch, at) => {
    depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
    if (ch === '|' && depth === 0) {
      parts.push(source.slice(from, at));
      from = at + 1;
    }
    return false;
  });
  parts.push(source.slice(from));
  return parts;
}

/** Whether a pattern has a `|` outside any group or class. */
function hasTopLevelAlternation(source: string): boolean {
  return branches(source).length > 1;
}

/** Whether a pattern only matches at the start of the text. */
export function isAnchored(source: string): boolean {
  return (
    source.startsWith('^') &&
    !hasTopLevelAlternation(source) &&
    !/\\[1-9]/.test(source)
  );
}

/** The index just past the group opening at `open` (a `(`), or -1. */
function groupEnd(source: string, open: number): number {
  let depth = 0;
  const close = syntax(source, open, ch => {
    depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
    return ch === ')' && depth === 0;
  });
  return close < 0 ? -1 : close + 1;
}

/** The number of capture groups a pattern opens. */
function countCaptureGroups(source: string): number {
  let count = 0;
  syntax(source, 0, (ch, at) => {
    count += ch === '(' && source[at + 1] !== '?' ? 1 : 0;
    return false;
  });
  return count;
}

/** Whether a quantifier follows `at` in a pattern. */
function quantified(pattern: string, at: number): boolean {
  return /^[?*+{]/.test(pattern.slice(at, at + 1));
}

/** Where a rule's secret sits in its matches, as far as the pattern tells. */
export interface ISecretPlace {
  /**
   * The capture groups whose lengths place the secret in the match: they
   * precede it (its offset from the match's start) or, with `fromEnd`,
   * follow it (back from the match's end). null when the pattern does not
   * say (the `d` flag tells instead).
   */
  offsetGroups: number[] | null;
  fromEnd: boolean;
  /** The secret is the whole match (nothing but lookarounds around it). */
  wholeMatch: boolean;
}

const UNKNOWN_PLACE: ISecretPlace = {
  offsetGroups: null,
  fromEnd: false,
  wholeMatch: false
};

/** Whether the group opening at `at` is a lookaround (no width). */
function isLookaround(pattern: string, at: number): boolean {
  return /^\(\?<?[=!]/.test(pattern.slice(at, at + 4));
}

/**
 * Reads a pattern as lookarounds and capture groups (none repeated or
 * optional) up to the secret group, or from it to the end. The secret's
 * offsets then follow from the match's, and the rule's expression needs
 * neither the slower `d` (indices) flag nor, for a whole-match secret, a
 * match array.
 */
export function secretPlace(
  pattern: string,
  secretGroup: number
): ISecretPlace {
  if (secretGroup === 0) {
    return { offsetGroups: [], fromEnd: false, wholeMatch: true };
  }
  if (hasTopLevelAlternation(pattern)) {
    return UNKNOWN_PLACE;
  }
  return (
    placeFromStart(pattern, secretGroup) ??
    placeFromEnd(pattern, secretGroup) ??
    UNKNOWN_PLACE
  );
}

/** The secret group after nothing but lookarounds and capture groups. */
function placeFromStart(
  pattern: string,
  secretGroup: number
): ISecretPlace | null {
  const before: number[] = [];
  let group = 0; // capture groups opened so far
  let at = 0;
  while (at < pattern.length && pattern[at] === '(') {
    const end = groupEnd(pattern, at);
    if (end < 0 || quantified(pattern, end)) {
      return null;
    }
    if (isLookaround(pattern, at)) {
      at = end; // no width
      continue;
    }
    if (pattern[at + 1] === '?') {
      return null; // a non-capturing group: width unknown
    }
    group++;
    if (group === secretGroup) {
      return {
        offsetGroups: before,
        fromEnd: false,
        wholeMatch:
          before.length === 0 && trailingGroups(pattern, end)?.length === 0
      };
    }
    before.push(group);
    // Groups nested in this one count too.
    group += countCaptureGroups(pattern.slice(at + 1, end - 1));
    at = end;
  }
  return null;
}

/** The secret group at the top level, before nothing but lookarounds and capture groups. */
function placeFromEnd(
  pattern: string,
  secretGroup: number
): ISecretPlace | null {
  let depth = 0;
  let group = 0;
  const open = syntax(pattern, 0, (ch, at) => {
    if (ch === ')') {
      depth--;
    } else if (ch === '(') {
      depth++;
      if (pattern[at + 1] !== '?') {
        group++;
        return group === secretGroup && depth === 1;
      }
    }
    return false;
  });
  const end = open < 0 ? -1 : groupEnd(pattern, open);
  if (end < 0 || quantified(pattern, end)) {
    return null;
  }
  const after = trailingGroups(pattern, end);
  return after && { offsetGroups: after, fromEnd: true, wholeMatch: false };
}

/**
 * The capture groups from `from` to the pattern's end, when nothing else
 * (lookarounds aside) follows and none is repeated or optional; else null.
 */
function trailingGroups(pattern: string, from: number): number[] | null {
  const groups: number[] = [];
  for (let at = from; at < pattern.length;) {
    const end = pattern[at] === '(' ? groupEnd(pattern, at) : -1;
    if (end < 0 || quantified(pattern, end)) {
      return null;
    }
    if (!isLookaround(pattern, at)) {
      if (pattern[at + 1] === '?') {
        return null; // a non-capturing group: width unknown
      }
      groups.push(countCaptureGroups(pattern.slice(0, at)) + 1);
    }
    at = end;
  }
  return groups;
}

/** A lookbehind with one character class, as patterns start with. */
const LEADING_LOOKBEHIND = /^\(\?<([!=])\[((?:\\.|[^\]\\])+)\]\)/;

/** A one-class lookbehind: `(?<![chars])` or `(?<=[chars])`. */
interface ILookbehind {
  negative: boolean;
  /** The class's contents, as written. */
  chars: string;
}

/**
 * The one-class lookbehinds a pattern starts with, and the pattern after all
 * its leading lookbehinds. Others (`(?<![^\\][nrt])`) are skipped unread:
 * they match no characters and only narrow where a match may start.
 */
function leadingLookbehinds(source: string): {
  lookbehinds: ILookbehind[];
  rest: string;
} {
  const lookbehinds: ILookbehind[] = [];
  let rest = source;
  for (;;) {
    const found = LEADING_LOOKBEHIND.exec(rest);
    if (found) {
      lookbehinds.push({ negative: found[1] === '!', chars: found[2] });
      rest = rest.slice(found[0].length);
      continue;
    }
    const end = /^\(\?<[=!]/.test(rest) ? groupEnd(rest, 0) : -1;
    if (end < 0 || quantified(rest, end)) {
      return { lookbehinds, rest };
    }
    rest = rest.slice(end);
  }
}

/** The ASCII characters of a class's contents, as a table (shared: read only). */
function classTable(chars: string): Uint8Array {
  return asciiTable(`[${chars}]`, '');
}

/**
 * How matches open: pieces of pattern, one per alternative a match can start
 * with (leading lookbehinds dropped, groups at the start opened, their
 * branches followed). Null when a match could start some other way: a
 * lookahead, an optional or repeated group first.
 */
function openings(source: string): string[] | null {
  // Lookbehinds take no width: a match opens with what follows them.
  const { rest } = leadingLookbehinds(source);
  const alternatives = branches(rest);
  if (alternatives.length > 1) {
    const all = alternatives.map(openings);
    return all.some(opening => opening === null)
      ? null
      : (all.flat() as string[]);
  }
  if (!rest.startsWith('(')) {
    return [rest];
  }
  const end = groupEnd(rest, 0);
  if (end < 0 || quantified(rest, end) || /^\(\?[^:]/.test(rest)) {
    return null; // a lookaround, or a group that may be skipped or repeated
  }
  return openings(rest.slice(rest.startsWith('(?:') ? 3 : 1, end - 1));
}

/** A plain first token: a character class, an escape or a literal character. */
const FIRST_TOKEN =
  /^(?:\[(?:\\.|[^\]\\])+\]|\\x[0-9a-fA-F]{2}|\\[^dDsSwWbBux0-9]|[^\\^$.|?*+()[\]{}])/;

/**
 * Tables already computed: rules share most of their classes, and each
 * table costs 128 tests of a regular expression, at every start.
 */
const tables = new Map<string, Uint8Array>();

/**
 * The ASCII characters one token of a pattern (a class, an escape, a
 * character) accepts, as a table (shared: read only).
 */
function asciiTable(token: string, flags: string): Uint8Array {
  const key = `${flags}/${token}`;
  let table = tables.get(key);
  if (table === undefined) {
    const regex = new RegExp(`^${token}$`, flags);
    table = new Uint8Array(128);
    for (let c = 0; c < 128; c++) {
      table[c] = regex.test(String.fromCharCode(c)) ? 1 : 0;
    }
    tables.set(key, table);
  }
  return table;
}

/** The ASCII characters one token of a pattern accepts, as a list. */
function asciiChars(token: string): string[] {
  if (token.length === 1 && token.charCodeAt(0) < 128) {
    return [token]; // a literal character
  }
  const chars: string[] = [];
  asciiTable(token, '').forEach((accepted, c) => {
    if (accepted) {
      chars.push(String.fromCharCode(c));
    }
  });
  return chars;
}

/**
 * The characters a match can start with, when each way a match opens begins
 * with a plain, required token (a literal character or a class); else null.
 * Lets the engine skip anchors without calling the regular expression.
 */
export function leadingChars(
  pattern: string,
  flags: string
): Uint8Array | null {
  const union = new Uint8Array(128);
  for (const opening of openings(pattern) ?? [null]) {
    const token = opening === null ? null : FIRST_TOKEN.exec(opening);
    if (token === null || quantified(opening!, token[0].length)) {
      return null; // no plain first token, or it is optional
    }
    const first = asciiTable(token[0], flags.includes('i') ? 'i' : '');
    first.forEach((accepted, c) => (union[c] |= accepted));
  }
  return union;
}

/**
 * The characters a match must be preceded by, from a leading lookbehind of
 * one class (`(?<=[?&])`), for ASCII ones; else null. Another filter that
 * spares the regular expression.
 */
export function precedingChars(pattern: string): Uint8Array | null {
  if (hasTopLevelAlternation(pattern)) {
    return null; // the lookbehind belongs to the first branch only
  }
  const positive = leadingLookbehinds(pattern).lookbehinds.find(
    lookbehind => !lookbehind.negative
  );
  return positive ? classTable(positive.chars) : null;
}

/** One character a pattern spells out: a literal, an escaped symbol or `\xHH`. */
const LITERAL_CHAR =
  /^(?:[^\\^$.|?*+()[\]{}]|\\[^A-Za-z0-9]|\\x[0-9a-fA-F]{2})/;

/**
 * A character class of ASCII characters only: not negated, no escape such
 * as `\s` that stands for characters outside ASCII.
 */
const SMALL_CLASS =
  /^\[(?!\^)(?:\\[^A-Za-z0-9]|\\x[0-9a-fA-F]{2}|[^\]\\\x80-\uffff])+\]/;

/** Expansions above this many are not followed: a reading may say "unsure". */
const MAX_PREFIXES = 64;

/**
 * The texts every match of `opening` starts with, `length` characters long
 * (or shorter where the opening stops being plain text): literal characters,
 * escaped symbols, classes of a few characters (`[12]`, `[.]`) each
 * expanded, and exact repetitions (`A{22}`). A token that may be left out
 * (`?`, `*`, `{0,n}`) ends them before it, one that repeats (`+`, `{2,}`)
 * after its required copies. Shorter when longer ones would be too many.
 */
function literalPrefixes(opening: string, length: number): string[] {
  let prefixes = [''];
  let at = 0;
  while (at < opening.length && prefixes[0].length < length) {
    const rest = opening.slice(at);
    const token = LITERAL_CHAR.exec(rest) ?? SMALL_CLASS.exec(rest);
    if (token === null) {
      break;
    }
    const chars = asciiChars(token[0]);
    at += token[0].length;
    const repeat = /^(?:\{(\d+)(,\d*)?\}|[?*+])/.exec(opening.slice(at));
    const copies =
      repeat === null ? 1 : Number(repeat[1] ?? (repeat[0] === '+' ? 1 : 0));
    for (let k = 0; k < copies && prefixes[0].length < length; k++) {
      if (chars.length === 0 || prefixes.length * chars.length > MAX_PREFIXES) {
        return prefixes; // a shorter reading, still true of every match
      }
      prefixes = prefixes.flatMap(prefix => chars.map(ch => prefix + ch));
    }
    if (
      repeat !== null &&
      (copies === 0 || repeat[0] === '+' || repeat[2] !== undefined)
    ) {
      break; // the copies that may follow make the text after them vary
    }
    at += repeat === null ? 0 : repeat[0].length;
  }
  return prefixes;
}

/**
 * Whether every match starts with one of the rule's keywords: each way a
 * match opens is plain text beginning with one (see `literalPrefixes`).
 * Such a rule's matches start where a keyword does, so only keywords at the
 * start of a word are anchors, and no walk back to the word's start is
 * needed.
 */
export function keywordStartsMatch(
  pattern: string,
  keywords: readonly string[]
): boolean {
  const all = openings(pattern);
  const longest = Math.max(0, ...keywords.map(keyword => keyword.length));
  return (
    all !== null &&
    all.every(opening => {
      const prefixes = literalPrefixes(opening, longest);
      return prefixes.every(prefix =>
        keywords.some(keyword => prefix.toLowerCase().startsWith(keyword))
      );
    })
  );
}

/**
 * The characters a rule's matches cannot be preceded by, read from the
 * pattern's leading negative lookbehind (`(?<![A-Za-z0-9_-])...`). A match
 * then starts at the beginning of a run of such characters, which lets the
 * engine try the pattern only at the start of the runs that hold a keyword.
 */
export function leadingWordChars(pattern: string): Uint8Array {
  const [first] = leadingLookbehinds(pattern).lookbehinds;
  return first?.negative ? classTable(first.chars) : new Uint8Array(128);
}
