/**
 * Value heuristics that regular expressions cannot express: randomness,
 * keyboard/alphabet sequences, repetition, and placeholders hidden in base64.
 * The Python port implements the same functions (see README.md).
 *
 * Each looks at most at the first `HEURISTIC_SPAN` (128) characters:
 * placeholders are short, and a long value (a key body) is judged by its start.
 */

/** Characters of a value the heuristics look at. */
export const HEURISTIC_SPAN = 128;

/** Character counts for the ASCII fast path of `shannonEntropy`, reset after each use. */
const asciiCounts = new Int32Array(128);

/**
 * The entropy a value of `length` characters (at most `HEURISTIC_SPAN`)
 * must reach under a rule's floor. A value of n characters has at most
 * log2(n) bits per character (8 characters: 3), so a short value is held to
 * half a bit below that instead: a short password is not dropped for being
 * short.
 */
export function entropyFloor(ruleFloor: number, length: number): number {
  return Math.min(ruleFloor, Math.log2(length) - 0.5);
}

/** Shannon entropy in bits per character (UTF-16 code units). */
export function shannonEntropy(value: string): number {
  const length = Math.min(value.length, HEURISTIC_SPAN);
  if (length === 0) {
    return 0;
  }
  let other: Map<number, number> | null = null;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c < 128) {
      asciiCounts[c]++;
    } else {
      other ??= new Map();
      other.set(c, (other.get(c) ?? 0) + 1);
    }
  }
  // H = log2(n) - (1/n) * sum(count * log2(count))
  let weighted = 0;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c < 128 && asciiCounts[c] > 0) {
      weighted += asciiCounts[c] * Math.log2(asciiCounts[c]);
      asciiCounts[c] = 0;
    }
  }
  for (const count of other?.values() ?? []) {
    weighted += count * Math.log2(count);
  }
  return Math.log2(length) - weighted / length;
}

/** Position of a character in its run alphabet: digits 0-9, letters 10-35, else -1. */
function rank(c: number): number {
  if (c >= 48 && c <= 57) {
    return c - 48;
  }
  if (c >= 97 && c <= 122) {
    return c - 87;
  }
  if (c >= 65 && c <= 90) {
    return c - 55;
  }
  return -1;
}

/** True when `b` follows `a` in the same alphabet in `direction` (+1 or -1). */
function follows(a: number, b: number, direction: number): boolean {
  if (a < 0 || b < 0 || a < 10 !== b < 10) {
    return false;
  }
  if (b - a === direction) {
    return true;
  }
  // Digits wrap around: "7890", "3210987".
  return a < 10 && (direction === 1 ? a === 9 && b === 0 : a === 0 && b === 9);
}

/**
 * Whether a value is made of alphabet or digit runs ("12345678",
 * "aBcDeF", "9876543210"), the hallmark of hand-typed placeholders.
 * Runs are read case-insensitively after collapsing doubled letters.
 */
export function isSequential(value: string): boolean {
  let units = 0; // characters, after collapsing doubled letters
  let longest = 0;
  let covered = 0; // characters in runs of four or more
  let run = 0;
  let direction = 0; // +1 or -1 once the current run has two characters
  let previous = -1;
  const length = Math.min(value.length, HEURISTIC_SPAN);
  for (let i = 0; i < length; i++) {
    const r = rank(value.charCodeAt(i));
    if (r >= 0 && r === previous) {
      continue; // "aAbB" reads as "ab"
    }
    units++;
    if (run === 1 && follows(previous, r, 1)) {
      run = 2;
      direction = 1;
    } else if (run === 1 && follows(previous, r, -1)) {
      run = 2;
      direction = -1;
    } else if (run >= 2 && follows(previous, r, direction)) {
      run++;
    } else {
      // The run ends; this character starts the next one.
      covered += run >= 4 ? run : 0;
      longest = Math.max(longest, run);
      run = 1;
      direction = 0;
    }
    previous = r;
  }
  covered += run >= 4 ? run : 0;
  longest = Math.max(longest, run);
  return runsAreSequential(longest, units ? covered / units : 0);
}

/**
 * The verdict on a value's alphabet runs: its longest run, and the share of
 * its units in runs of four or more.
 */
function runsAreSequential(longest: number, share: number): boolean {
  return (
    longest >= 8 ||
    (longest >= 5 && share >= 0.25) ||
    (longest >= 4 && share >= 0.5)
  );
}

/** Whether a value is one short unit repeated ("abcd1234abcd1234..."). */
export function isRepetitive(value: string): boolean {
  const length = Math.min(value.length, HEURISTIC_SPAN);
  if (length < 8) {
    return false;
  }
  const maxUnit = Math.min(16, Math.floor(length / 3));
  for (let unit = 1; unit <= maxUnit; unit++) {
    // At most 10% of the positions may differ from the one a unit earlier.
    let budget = Math.floor(0.1 * (length - unit));
    let i = 0;
    for (; i + unit < length; i++) {
      if (value.charCodeAt(i) !== value.charCodeAt(i + unit) && --budget < 0) {
        break;
      }
    }
    if (i + unit >= length) {
      return true;
    }
  }
  return false;
}

/**
 * Whether a value reads as words in camel or Pascal case ("AgencyIdentificationCode",
 * "componentDidMount"), as code identifiers and prose do and random credentials do not. A word
 * is an upper-case letter and 3+ lower-case ones, or 4+ lower-case letters that start the value
 * (or follow a non-letter) and run into an upper-case letter (a camel-case head). Either could
 * be pronounced: with a vowel (a, e, i, o, u) and no five consonants in a row, so the "Tsprvu"
 * and "Rdyj" of random values do not count.
 */
export function isWordLike(value: string): boolean {
  const length = Math.min(value.length, HEURISTIC_SPAN);
  let covered = 0;
  let i = 0;
  while (i < length) {
    const c = value.charCodeAt(i);
    const upper = c >= 65 && c <= 90;
    if (
      upper ||
      (isLower(c) && (i === 0 || !isLetter(value.charCodeAt(i - 1))))
    ) {
      let j = i + 1;
      while (j < length && isLower(value.charCodeAt(j))) {
        j++;
      }
      const endsWord = upper || (j < length && isUpper(value.charCodeAt(j)));
      if (j - i >= 4 && endsWord && isPronounceable(value, i, j)) {
        covered += j - i;
      }
      i = j;
    } else {
      i++;
    }
  }
  return covered >= 0.6 * length || isCamelIdentifier(value);
}

/**
 * Whether a value is one camel- or Pascal-case identifier of three or more short words
 * ("setMinLevelToZero", "_getNewTargetNode"), as method names in minified JavaScript are:
 * letters only after at most two `_` or `$`, each word an upper-case letter (the first word's
 * may be lower case) and one or more lower-case letters that could be pronounced. Random letters
 * almost never split so: they have two capitals in a row or a word without a vowel.
 */
export function isCamelIdentifier(value: string): boolean {
  if (value.length > HEURISTIC_SPAN) {
    return false;
  }
  let i = 0;
  while (i < 2 && (value[i] === '_' || value[i] === '$')) {
    i++;
  }
  let words = 0;
  while (i < value.length) {
    const start = i;
    if (
      isUpper(value.charCodeAt(i)) ||
      (words === 0 && isLower(value.charCodeAt(i)))
    ) {
      i++;
    }
    while (i < value.length && isLower(value.charCodeAt(i))) {
      i++;
    }
    if (i - start < 2 || !isPronounceable(value, start, i)) {
      return false; // a lone capital, a non-letter, or an unpronounceable word
    }
    words++;
  }
  return words >= 3;
}

/** Hex digits read as the letters they stand for in hexspeak. */
const HEXSPEAK: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't'
};

/**
 * Whether a value is hexspeak: English-looking words spelled in hex digits ("cafeb4b3:d3adb33f",
 * "deadbeefcafebabe"), a made-up value. It is hex, 8+ digits in parts of 4+ separated by `:`, `.`,
 * `_` or `-`; each part, its digits read as letters (0 o, 1 i, 3 e, 4 a, 5 s, 7 t; a 2, 6, 8 or 9
 * reads as none), is a third vowels (a, e, i, o) with neither three consonants nor three vowels
 * in a row. Random hex is so about once in 40 at 8 digits, once in 2,000 at 16.
 */
export function isHexWords(value: string): boolean {
  if (value.length > HEURISTIC_SPAN) {
    return false;
  }
  let digits = 0;
  let part = 0; // characters of the current part
  let vowels = 0;
  let run = 0; // consonants (> 0) or vowels (< 0) in a row
  for (let i = 0; i <= value.length; i++) {
    const ch = i < value.length ? value[i].toLowerCase() : ':';
    if (':._-'.includes(ch)) {
      if (part < 4 || 3 * vowels < part) {
        return false;
      }
      digits += part;
      part = vowels = run = 0;
      continue;
    }
    const letter = ch >= 'a' && ch <= 'f' ? ch : HEXSPEAK[ch];
    if (letter === undefined) {
      return false; // not hex, or a 2, 6, 8 or 9
    }
    part++;
    const vowel = 'aeio'.includes(letter);
    vowels += vowel ? 1 : 0;
    run = vowel ? Math.min(run, 0) - 1 : Math.max(run, 0) + 1;
    if (run === 3 || run === -3) {
      return false;
    }
  }
  return digits >= 8;
}

/** Whether a value has a character other than an ASCII letter (a digit, a symbol). */
export function hasNonLetter(value: string): boolean {
  const length = Math.min(value.length, HEURISTIC_SPAN);
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i) | 32; // folds upper case onto lower case
    if (c < 97 || c > 122) {
      return true;
    }
  }
  return false;
}

/** Vowels, by ASCII code; the letters of a word are tested case-insensitively. */
const VOWELS = Uint8Array.from({ length: 128 }, (_, c) =>
  'aeiouAEIOU'.includes(String.fromCharCode(c)) ? 1 : 0
);

/** Whether `value[start, end)` (letters) has a vowel and no five consonants in a row. */
function isPronounceable(value: string, start: number, end: number): boolean {
  let hasVowel = false;
  let consonants = 0;
  for (let i = start; i < end; i++) {
    if (VOWELS[value.charCodeAt(i)] === 1) {
      hasVowel = true;
      consonants = 0;
    } else if (++consonants === 5) {
      return false;
    }
  }
  return hasVowel;
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

function isLetter(c: number): boolean {
  return isLower(c) || isUpper(c);
}

function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}

/** Base64 digit values (standard and URL-safe alphabets), -1 for other characters. */
const SEXTETS = Int8Array.from({ length: 128 }, (_, c) => {
  const ch = String.fromCharCode(c);
  const standard =
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  return ch === '-' ? 62 : ch === '_' ? 63 : standard.indexOf(ch);
});

/**
 * The base64 forms of an ASCII text: standard and URL-safe alphabets, with
 * and without `=` padding (a Kubernetes Secret's `data:`, a Basic
 * Authorization header, a JWT segment).
 */
export function base64Forms(text: string): string[] {
  const standard =
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let encoded = '';
  for (let i = 0; i < text.length; i += 3) {
    const a = text.charCodeAt(i) & 0xff;
    const b = i + 1 < text.length ? text.charCodeAt(i + 1) & 0xff : -1;
    const c = i + 2 < text.length ? text.charCodeAt(i + 2) & 0xff : -1;
    const bits = (a << 16) | (Math.max(b, 0) << 8) | Math.max(c, 0);
    encoded += standard[bits >> 18] + standard[(bits >> 12) & 63];
    encoded += b < 0 ? '=' : standard[(bits >> 6) & 63];
    encoded += c < 0 ? '=' : standard[bits & 63];
  }
  const unpadded = encoded.replace(/=+$/, '');
  const urlSafe = encoded.replace(/\+/g, '-').replace(/\//g, '_');
  return [...new Set([encoded, unpadded, urlSafe, urlSafe.replace(/=+$/, '')])];
}

/** Bytes decoded so far (scratch space). */
const decoded = new Uint8Array(HEURISTIC_SPAN);

/**
 * The text a base64 value decodes to, when the value is base64 (standard or
 * URL-safe, 8 to 128 characters, at most two `=` of padding) of printable
 * ASCII; otherwise `null`. Lets placeholder checks see through `ZHVtbXk...`
 * ("dummy ...") and Basic-auth `user:password` pairs. Random values fail at
 * their first unprintable byte, a few characters in.
 */
export function decodeBase64Text(value: string): string | null {
  let body = value.length;
  if (body > HEURISTIC_SPAN) {
    return null;
  }
  while (
    body > 0 &&
    value.length - body < 2 &&
    value.charCodeAt(body - 1) === 61
  ) {
    body--; // '=' padding
  }
  if (body < 8 || body % 4 === 1) {
    return null;
  }
  let bits = 0;
  let bitCount = 0;
  let length = 0;
  for (let i = 0; i < body; i++) {
    const c = value.charCodeAt(i);
    const v = c < 128 ? SEXTETS[c] : -1;
    if (v < 0) {
      return null;
    }
    bits = ((bits << 6) | v) & 0xffffff;
    bitCount += 6;
    if (bitCount >= 8) {
      bitCount -= 8;
      const byte = (bits >> bitCount) & 0xff;
      const printable =
        (byte >= 0x20 && byte < 0x7f) ||
        byte === 9 ||
        byte === 10 ||
        byte === 13;
      if (!printable) {
        return null;
      }
      decoded[length++] = byte;
    }
  }
  return length >= 4
    ? String.fromCharCode(...decoded.subarray(0, length))
    : null;
}

/** What the per-character heuristics say about a value. */
export interface IValueProfile {
  entropy: number;
  sequential: boolean;
  wordLike: boolean;
  /** Distinct characters among those looked at. */
  distinct: number;
}

/**
 * A code per ASCII character: `rank(c) + 1` (0 outside the alphabets) in the
 * low six bits, and above them 1 for upper-case letters, 2 for lower-case.
 */
const CHARACTER_CODES = Uint8Array.from({ length: 128 }, (_, c) => {
  const letterCase = c >= 65 && c <= 90 ? 1 : c >= 97 && c <= 122 ? 2 : 0;
  return (rank(c) + 1) | (letterCase << 6);
});

/** The codes of the value being profiled (scratch space; 0 for non-ASCII). */
const codes = new Uint8Array(HEURISTIC_SPAN);

/** Ranks plus one (0 for none) of two characters, mapped to a table index. */
const RANK_PAIRS = 37;

/** +1 or -1 when `b` follows `a` in that direction in one alphabet, else 0, by rank pair. */
const STEPS = Int8Array.from({ length: RANK_PAIRS * RANK_PAIRS }, (_, i) => {
  const a = Math.floor(i / RANK_PAIRS) - 1;
  const b = (i % RANK_PAIRS) - 1;
  if (follows(a, b, 1)) {
    return 1;
  }
  return follows(a, b, -1) ? -1 : 0;
});

/** Distinct ASCII characters of the value being profiled (scratch space). */
const seen = new Int32Array(128);

/** `n * log2(n)` for the counts a profile can see (the same numbers, looked up). */
const N_LOG_N = Float64Array.from({ length: HEURISTIC_SPAN + 1 }, (_, n) =>
  n === 0 ? 0 : n * Math.log2(n)
);

/**
 * `shannonEntropy`, `isSequential` and `isWordLike` of a value (the
 * engine's hot path; the separate functions define the semantics). Short
 * loops over a table of character codes run faster than one loop doing
 * everything, random values make branches unpredictable, so the loops lean
 * on tables and bit arithmetic, and the word and run loops only run when
 * the first one says they can find something.
 */
export function valueProfile(value: string): IValueProfile {
  const length = Math.min(value.length, HEURISTIC_SPAN);
  // Pass 1: character counts and codes, and cheap necessary conditions
  // that spare the other passes for most random values: a camel-case
  // identifier is letters but for two characters at most; Capitalized words
  // covering 60% hold 45% lower-case letters at least (a word of n letters
  // has n - 1 of them, n >= 4), and a run of 4 needs 3 equal steps in a row.
  let other: Map<number, number> | null = null;
  let distinct = 0;
  let lower = 0;
  let letters = 0;
  let streak = 0; // equal, non-zero steps in a row
  let longStreak = 0; // 1 once a streak reached 3
  let step = 0;
  let previousRank = 0;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    let code = 0;
    if (c < 128) {
      const count = asciiCounts[c];
      asciiCounts[c] = count + 1;
      seen[distinct] = c;
      distinct -= (count - 1) >> 31; // one more when count was 0
      code = CHARACTER_CODES[c];
    } else {
      other ??= new Map();
      other.set(c, (other.get(c) ?? 0) + 1);
    }
    codes[i] = code;
    lower += code >> 7;
    letters += ((code >> 6) + 1) >> 1; // code >> 6: 1 upper, 2 lower, 0 other
    const r = code & 63;
    if (r !== 0 && r === previousRank) {
      continue; // doubled letters collapse
    }
    const s = STEPS[previousRank * RANK_PAIRS + r];
    streak = (s & 1) * ((s === step ? streak : 0) + 1);
    longStreak |= (2 - streak) >>> 31;
    step = s;
    previousRank = r;
  }
  // Pass 2: the words of `isWordLike` before the vowel test: Capitalized runs
  // and camel-case heads of 4+ letters (codes >> 6: 1 upper, 2 lower, 0 other).
  let wordCovered = 0;
  if (20 * lower >= 9 * length) {
    let i = 0;
    while (i < length) {
      const letter = codes[i] >> 6;
      if (
        letter === 1 ||
        (letter === 2 && (i === 0 || codes[i - 1] >> 6 === 0))
      ) {
        let j = i + 1;
        while (j < length && codes[j] >> 6 === 2) {
          j++;
        }
        if (
          j - i >= 4 &&
          (letter === 1 || (j < length && codes[j] >> 6 === 1))
        ) {
          wordCovered += j - i;
        }
        i = j;
      } else {
        i++;
      }
    }
  }
  // Pass 3: alphabet runs, doubled letters collapsed.
  let units = 0;
  let longest = 0;
  let covered = 0;
  if (longStreak !== 0) {
    let run = 0;
    let direction = 0;
    let previous = 0; // rank + 1 of the previous unit
    for (let i = 0; i < length; i++) {
      const r = codes[i] & 63;
      if (r !== 0 && r === previous) {
        continue;
      }
      units++;
      const s = STEPS[previous * RANK_PAIRS + r];
      if (s !== 0 && (run === 1 || s === direction)) {
        direction = s;
        run++;
      } else {
        if (run >= 4) {
          covered += run;
        }
        if (run > longest) {
          longest = run;
        }
        run = 1;
        direction = 0;
      }
      previous = r;
    }
    covered += run >= 4 ? run : 0;
    longest = Math.max(longest, run);
  }
  let weighted = 0;
  for (let k = 0; k < distinct; k++) {
    weighted += N_LOG_N[asciiCounts[seen[k]]];
    asciiCounts[seen[k]] = 0;
  }
  for (const count of other?.values() ?? []) {
    weighted += N_LOG_N[count];
  }
  const share = units ? covered / units : 0;
  return {
    entropy: length ? Math.log2(length) - weighted / length : 0,
    sequential: runsAreSequential(longest, share),
    // Pass 2 can only overstate the coverage: confirm the rare values it passes.
    wordLike:
      (wordCovered >= 0.6 * length && isWordLike(value)) ||
      (length - letters <= 2 && isCamelIdentifier(value)),
    distinct: distinct + (other?.size ?? 0)
  };
}
