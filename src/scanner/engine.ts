import {
  HEURISTIC_SPAN,
  base64Forms,
  decodeBase64Text,
  entropyFloor,
  hasNonLetter,
  isHexWords,
  isRepetitive,
  isSequential,
  valueProfile
} from './heuristics';
import { charCodeAt } from './char-code';
import { IKeywordHits, KeywordIndex } from './keywords';
import {
  isAnchored,
  keywordStartsMatch,
  leadingChars,
  leadingWordChars,
  precedingChars,
  secretPlace
} from './regexshape';
import { redact } from './redact';
import { textNearby } from './nearby';
import { signedUrlExpired, urlAround } from './signedurl';
import { RULE_SET } from './rules';
import { IRule, IRuleSet, IScanFinding, IScanOptions } from './types';

/** Thrown when `IScanOptions.allowlist` holds an invalid regular expression. */
export class InvalidAllowlistError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAllowlistError';
  }
}

type Test = (value: string) => boolean;

/** A match of a regular expression with the `d` flag (ES2022). */
type IndexedMatch = RegExpExecArray & {
  indices?: ([number, number] | undefined)[];
};

/**
 * One test for a list of patterns: true when any of them matches. Patterns
 * anchored at the start share one anchored alternation (a single attempt at
 * position 0); the others stay separate, since V8 runs a few small
 * expressions faster than one big unanchored alternation.
 */
function anyOf(
  sources: readonly string[] | undefined,
  flags: string
): Test | null {
  if (!sources || sources.length === 0) {
    return null;
  }
  const anchored = sources.filter(isAnchored);
  const each = sources
    .filter(source => !isAnchored(source))
    .map(source => new RegExp(source, flags));
  if (anchored.length > 0) {
    each.unshift(
      new RegExp(`^(?:${anchored.map(s => s.slice(1)).join('|')})`, flags)
    );
  }
  if (each.length === 1) {
    const [regex] = each;
    return value => regex.test(value);
  }
  return value => {
    for (const regex of each) {
      if (regex.test(value)) {
        return true;
      }
    }
    return false;
  };
}

interface ICompiledRule {
  rule: IRule;
  /** Position in the rule list: lower wins overlapping findings. */
  priority: number;
  /** The pattern, sticky: it is tried at anchor positions only. */
  regex: RegExp;
  /** Where the secret sits (see `secretPlace`); no `d` flag on `regex` when known. */
  offsetGroups: number[] | null;
  fromEnd: boolean;
  /** The rule's groups and entropy floor, kept here so that one object shape serves every rule. */
  secretGroup: number;
  nameGroup: number;
  entropy: number;
  /** The secret is the whole match: `regex.test` and a slice find it. */
  wholeMatch: boolean;
  /** ASCII characters of the "word" a match starts with (from the leading lookbehind). */
  wordChars: Uint8Array;
  /** Every match starts with a keyword (see `keywordStartsMatch`). */
  keywordFirst: boolean;
  /** The characters a match can start with, when the pattern says so plainly. */
  firstChars: Uint8Array | null;
  /** The characters a match must follow, when a leading lookbehind says so. */
  beforeChars: Uint8Array | null;
  /**
   * The rule's allowlist and the placeholder patterns anchored at the
   * value's start, sharing one anchored expression: a single attempt.
   */
  allow: Test | null;
  nameAllow: Test | null;
  passphraseName: Test | null;
  passphrases: boolean;
  matchAllow: Test | null;
  signedUrlExpiry: boolean;
  /** One of these occurs near every finding (`IRule.nearby`). */
  nearby: Test | null;
  /** None of these occurs near a finding (`IRule.notNearby`). */
  notNearby: Test | null;
}

interface ICandidate {
  rule: ICompiledRule;
  /** Start of the whole match (for suppression comments). */
  matchStart: number;
  start: number;
  end: number;
}

/** A scan function with its options already compiled. */
export type TextScan = (text: string) => IScanFinding[];

/** Placeholder patterns, split by how the engine runs them. */
interface IPlaceholderTests {
  /** Whole values that are placeholders (lower case), and the longest one's length. */
  words: ReadonlySet<string>;
  longestWord: number;
  /** The patterns anchored at the value's start: one cheap attempt. */
  anchored: Test | null;
  /** The others: each searched through the value. */
  anywhere: Test | null;
  /** Whether `placeholderKeywords` may gate `anywhere` (see rules.json). */
  gated: boolean;
}

/** A credential field of a JSON document (a Docker config's `auths` entry), its value in group 1. */
const CREDENTIAL_FIELD =
  /"(?:auth|password|identitytoken|registrytoken)"[ \t\r\n]{0,8}:[ \t\r\n]{0,8}"([^"\\]{0,128})"/g;

/** The suppression markers of a scan that does not honour them. */
const NO_MARKERS = new Int32Array(0);

/**
 * Runs a rule set over texts. Build one per rule set and reuse it: building
 * compiles every pattern and the keyword automaton.
 */
export class Scanner {
  constructor(ruleSet: IRuleSet = RULE_SET) {
    const anchoredPlaceholders = ruleSet.placeholders.filter(isAnchored);
    const placeholderStart = anyOf(anchoredPlaceholders, '');
    this._rules = ruleSet.rules.map((rule, priority) => {
      const { offsetGroups, fromEnd, wholeMatch } = secretPlace(
        rule.pattern,
        rule.secretGroup
      );
      return {
        rule,
        priority,
        regex: new RegExp(
          rule.pattern,
          `${offsetGroups ? 'y' : 'yd'}${rule.flags ?? ''}`
        ),
        offsetGroups,
        fromEnd,
        wholeMatch,
        secretGroup: rule.secretGroup,
        nameGroup: rule.nameGroup ?? -1,
        entropy: rule.entropy ?? 0,
        wordChars: leadingWordChars(rule.pattern),
        keywordFirst: keywordStartsMatch(rule.pattern, rule.keywords),
        firstChars: leadingChars(rule.pattern, rule.flags ?? ''),
        beforeChars: precedingChars(rule.pattern),
        // One expression per rule only where the rule has an allowlist.
        allow: rule.allowlist?.length
          ? anyOf([...anchoredPlaceholders, ...rule.allowlist], '')
          : placeholderStart,
        nameAllow: anyOf(rule.nameAllowlist, 'i'),
        passphraseName: anyOf(rule.passphraseNames, 'i'),
        passphrases: rule.passphrases ?? false,
        matchAllow: anyOf(rule.matchAllowlist, ''),
        signedUrlExpiry: rule.signedUrlExpiry ?? false,
        nearby: anyOf(rule.nearby, 'i'),
        notNearby: anyOf(rule.notNearby, 'i')
      };
    });
    // Suppression markers and placeholder keywords ride along as two more
    // keyword lists, after the rules.
    const placeholderKeywords = ruleSet.placeholderKeywords ?? [];
    this._markerList = ruleSet.rules.length;
    this._placeholderList = ruleSet.rules.length + 1;
    this._keywords = new KeywordIndex([
      ...ruleSet.rules.map(rule => rule.keywords),
      ruleSet.suppressions.map(marker => marker.toLowerCase()),
      placeholderKeywords
    ]);
    const words = new Set(
      ruleSet.placeholderWords.map(word => word.toLowerCase())
    );
    this._placeholders = {
      words,
      longestWord: Math.max(0, ...[...words].map(word => word.length)),
      anchored: placeholderStart,
      anywhere: anyOf(
        ruleSet.placeholders.filter(source => !isAnchored(source)),
        ''
      ),
      gated: placeholderKeywords.length > 0
    };
    // An example is one in its base64 forms too (a Secret's data, a Basic header).
    this._examples = new Set(
      ruleSet.documentedExamples.flatMap(example => [
        example,
        ...base64Forms(example)
      ])
    );
    this._exampleLengths = new Set(
      [...this._examples].map(example => example.length)
    );
  }

  /** The rules this scanner runs, in priority order. */
  get rules(): readonly IRule[] {
    return this._rules.map(compiled => compiled.rule);
  }

  /**
   * A scan function for the given options. Throws `InvalidAllowlistError`
   * when an allowlist entry is not a valid regular expression.
   */
  prepare(options: IScanOptions = {}): TextScan {
    const disabled = new Set(options.disabledRules ?? []);
    const allowSources = options.allowlist ?? [];
    allowSources.forEach((source, i) => {
      try {
        new RegExp(source);
      } catch (error) {
        throw new InvalidAllowlistError(
          `allowlist entry ${i + 1} is not a valid regular expression: ${(error as Error).message}`
        );
      }
    });
    const userAllow = anyOf(allowSources, '');
    const rules = this._rules.filter(
      compiled => !disabled.has(compiled.rule.id)
    );
    const suppressions = options.suppressions ?? true;
    return text =>
      this._scan(text, rules, userAllow, suppressions, options.now);
  }

  /** Scans one text. */
  scan(text: string, options?: IScanOptions): IScanFinding[] {
    return this.prepare(options)(text);
  }

  private _scan(
    text: string,
    rules: readonly ICompiledRule[],
    userAllow: Test | null,
    suppressions: boolean,
    now: number | undefined
  ): IScanFinding[] {
    if (text.length === 0) {
      return [];
    }
    const hits = this._keywords.hits(text);
    const markers = suppressions
      ? sortedList(hits, this._markerList)
      : NO_MARKERS;
    const placeholderHits = sortedList(hits, this._placeholderList);
    const candidates: ICandidate[] = [];
    const taken = new PositionSet(text.length); // secret starts already reported
    for (const compiled of rules) {
      const list = compiled.priority;
      if (hits.bounds[list] < hits.bounds[list + 1]) {
        const count = anchors(text, sortedList(hits, list), compiled);
        this._matchAt(compiled, text, count, {
          userAllow,
          now,
          taken,
          placeholderHits,
          out: candidates
        });
      }
    }
    const findings = this._findings(text, resolveOverlaps(candidates), markers);
    this._keywords.trim();
    if (anchorBuffer.length > KEPT_ANCHORS) {
      anchorBuffer = new Int32Array(256);
    }
    return findings;
  }

  /**
   * Tries one rule at each anchor (`anchorBuffer[0..count)`, increasing),
   * keeping the matches that pass its filters. Like a left-to-right search,
   * a match is not looked for inside the previous match.
   */
  private _matchAt(
    compiled: ICompiledRule,
    text: string,
    count: number,
    scan: IScanState
  ): void {
    const { firstChars, beforeChars } = compiled;
    const positions = anchorBuffer;
    let searchFrom = 0;
    for (let k = 0; k < count; k++) {
      const position = positions[k];
      if (position < searchFrom) {
        continue;
      }
      if (firstChars !== null) {
        const c = charCodeAt.call(text, position);
        if (c >= 128 || firstChars[c] === 0) {
          continue;
        }
      }
      if (beforeChars !== null) {
        // Outside ASCII the table does not say: let the expression decide.
        const c = position > 0 ? charCodeAt.call(text, position - 1) : 0;
        if (c < 128 && beforeChars[c] === 0) {
          continue;
        }
      }
      searchFrom = this._tryAnchor(compiled, text, position, scan, searchFrom);
    }
  }

  /**
   * Tries one rule at one anchor; a match that passes the filters becomes a
   * candidate. Returns where the next match may start.
   */
  private _tryAnchor(
    compiled: ICompiledRule,
    text: string,
    position: number,
    scan: IScanState,
    searchFrom: number
  ): number {
    const { regex, offsetGroups, wholeMatch, secretGroup, nameGroup } =
      compiled;
    regex.lastIndex = position;
    let secret: string;
    let start = position;
    let name: string | undefined;
    let whole: string;
    if (wholeMatch) {
      // No match array to build: the match is the secret.
      if (!regex.test(text) || regex.lastIndex === position) {
        return searchFrom;
      }
      searchFrom = regex.lastIndex;
      secret = whole = text.slice(position, searchFrom);
    } else {
      const match = regex.exec(text) as IndexedMatch | null;
      if (match === null || match[0].length === 0) {
        return searchFrom;
      }
      whole = match[0];
      searchFrom = position + whole.length;
      secret = match[secretGroup];
      if (!secret) {
        return searchFrom;
      }
      if (offsetGroups === null) {
        const span = match.indices?.[secretGroup];
        if (!span) {
          return searchFrom;
        }
        start = span[0];
      } else {
        let offset = 0;
        for (const group of offsetGroups) {
          offset += match[group].length;
        }
        start = compiled.fromEnd
          ? searchFrom - offset - secret.length
          : position + offset;
      }
      name = nameGroup < 0 ? undefined : match[nameGroup];
    }
    if (scan.taken.has(start)) {
      return searchFrom; // an earlier (more specific) rule already reported this secret
    }
    const end = start + secret.length;
    if (
      this._isDocumentedExample(secret) ||
      this._isPlaceholderAt(secret, start, end, scan.placeholderHits) ||
      compiled.allow?.(secret) ||
      (name !== undefined && compiled.nameAllow?.(name)) ||
      compiled.matchAllow?.(whole) ||
      scan.userAllow?.(secret) ||
      !this._looksRandom(secret, compiled, name) ||
      this._hidesPlaceholder(secret) ||
      (compiled.signedUrlExpiry &&
        signedUrlExpired(
          urlAround(text, position, searchFrom),
          scan.now ?? Date.now()
        ))
    ) {
      return searchFrom;
    }
    if (compiled.nearby !== null || compiled.notNearby !== null) {
      const around = textNearby(text, position, searchFrom);
      if (compiled.notNearby?.(around)) {
        // Public by its context: no later (less specific) rule reports it either.
        scan.taken.add(start);
        return searchFrom;
      }
      if (compiled.nearby !== null && !compiled.nearby(around)) {
        return searchFrom;
      }
    }
    scan.taken.add(start);
    scan.out.push({ rule: compiled, matchStart: position, start, end });
    return searchFrom;
  }

  /** Whether a value is a published example credential. */
  private _isDocumentedExample(value: string): boolean {
    // The length first: hashing a value costs a pass over it.
    return this._exampleLengths.has(value.length) && this._examples.has(value);
  }

  /** Whether a whole value is a placeholder word ("changeme", "xxx"). */
  private _isPlaceholderWord(value: string): boolean {
    const tests = this._placeholders;
    return (
      value.length <= tests.longestWord && tests.words.has(value.toLowerCase())
    );
  }

  /** Whether a value is a placeholder, reference or redaction. */
  private _isPlaceholder(value: string): boolean {
    const tests = this._placeholders;
    return (
      this._isPlaceholderWord(value) ||
      (tests.anchored?.(value) ?? false) ||
      (tests.anywhere?.(value) ?? false)
    );
  }

  /**
   * `_isPlaceholder` for a secret at `[start, end)` of the scanned text,
   * without the anchored patterns (the rule's `allow` runs them): the
   * unanchored ones only run when a placeholder keyword starts there.
   */
  private _isPlaceholderAt(
    secret: string,
    start: number,
    end: number,
    keywordStarts: Int32Array
  ): boolean {
    const tests = this._placeholders;
    return (
      this._isPlaceholderWord(secret) ||
      ((!tests.gated || hasStartIn(keywordStarts, start, end)) &&
        (tests.anywhere?.(secret) ?? false))
    );
  }

  /** Entropy floor met, and not a sequence, a repetition, hexspeak or words (unless a passphrase). */
  private _looksRandom(
    secret: string,
    compiled: ICompiledRule,
    name: string | undefined
  ): boolean {
    const profile = valueProfile(secret);
    // A value repeating a unit of at most 16 characters (90% of it) has few
    // distinct characters: skip the repetition test when it has many.
    const span = Math.min(secret.length, HEURISTIC_SPAN);
    return (
      profile.entropy >= entropyFloor(compiled.entropy, span) &&
      !profile.sequential &&
      (!profile.wordLike || this._isPassphrase(secret, compiled, name)) &&
      (profile.distinct > 16 + span / 10 + 1 || !isRepetitive(secret)) &&
      !isHexWords(secret)
    );
  }

  /**
   * Words with a digit or symbol where people choose the value: the rule's
   * `passphrases`, or a name matching its `passphraseNames`.
   */
  private _isPassphrase(
    secret: string,
    compiled: ICompiledRule,
    name: string | undefined
  ): boolean {
    return (
      hasNonLetter(secret) &&
      (compiled.passphrases ||
        (name !== undefined && (compiled.passphraseName?.(name) ?? false)))
    );
  }

  /**
   * Base64 of a placeholder ("dummy ...", "123456789") or of `user:password`
   * with a placeholder or example password.
   */
  private _hidesPlaceholder(secret: string): boolean {
    const decoded = decodeBase64Text(secret);
    if (decoded === null) {
      return false;
    }
    if (decoded.startsWith('{')) {
      return this._documentHidesPlaceholder(decoded);
    }
    if (this._isMadeUp(decoded)) {
      return true;
    }
    const colon = decoded.indexOf(':');
    if (colon < 0) {
      return false;
    }
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    return (
      password.length < 4 ||
      password === user ||
      this._isMadeUp(password) ||
      this._isDocumentedExample(password)
    );
  }

  /**
   * A decoded value that is a placeholder by the tests a plain value gets: a
   * placeholder pattern, a sequence ("abcdef123456") or a repetition.
   */
  private _isMadeUp(value: string): boolean {
    return (
      this._isPlaceholder(value) || isSequential(value) || isRepetitive(value)
    );
  }

  /**
   * A decoded JSON object (a Docker config) is a document, not a value: its
   * field names ("password", "auth") say nothing about its values. It hides
   * a placeholder when it has credential fields and each one's value is made
   * up, an example, or base64 hiding one; one without such fields is tested
   * whole, as other decoded text.
   */
  private _documentHidesPlaceholder(document: string): boolean {
    let fields = 0;
    for (const field of document.matchAll(CREDENTIAL_FIELD)) {
      const value = field[1];
      fields++;
      if (
        !this._isMadeUp(value) &&
        !this._isDocumentedExample(value) &&
        !this._hidesPlaceholder(value)
      ) {
        return false;
      }
    }
    return fields > 0 || this._isMadeUp(document);
  }

  /** Drops suppressed candidates and adds lines, columns, messages and previews. */
  private _findings(
    text: string,
    candidates: ICandidate[],
    markers: Int32Array
  ): IScanFinding[] {
    const findings: IScanFinding[] = [];
    let line = 1;
    let lineStart = 0;
    let nextNewline = text.indexOf('\n');
    for (const candidate of candidates) {
      // Candidates are sorted by start: walk the lines once.
      while (nextNewline >= 0 && nextNewline < candidate.start) {
        line++;
        lineStart = nextNewline + 1;
        nextNewline = text.indexOf('\n', lineStart);
      }
      if (markers.length > 0) {
        // The lines from where the match starts to where the secret ends.
        const from =
          candidate.matchStart >= lineStart
            ? lineStart
            : text.lastIndexOf('\n', candidate.matchStart - 1) + 1;
        let to = nextNewline < 0 ? text.length : nextNewline;
        if (candidate.end > to) {
          const after = text.indexOf('\n', candidate.end);
          to = after < 0 ? text.length : after;
        }
        if (hasStartIn(markers, from, to)) {
          continue;
        }
      }
      const { rule } = candidate.rule;
      findings.push({
        ruleId: rule.id,
        message: rule.description,
        start: candidate.start,
        end: candidate.end,
        line,
        column: candidate.start - lineStart + 1,
        confidence: rule.confidence,
        preview: redact(text.slice(candidate.start, candidate.end))
      });
    }
    return findings;
  }

  private readonly _rules: ICompiledRule[];
  private readonly _keywords: KeywordIndex;
  /** Keyword lists of the suppression markers and of the placeholders. */
  private readonly _markerList: number;
  private readonly _placeholderList: number;
  private readonly _placeholders: IPlaceholderTests;
  private readonly _examples: ReadonlySet<string>;
  private readonly _exampleLengths: ReadonlySet<number>;
}

/** What the rules of one scan share. */
interface IScanState {
  userAllow: Test | null;
  /** `IScanOptions.now`. */
  now: number | undefined;
  /** Secret starts already reported by an earlier rule. */
  taken: PositionSet;
  /** Where placeholder keywords start in the text, sorted. */
  placeholderHits: Int32Array;
  out: ICandidate[];
}

/** A set of offsets in one text, as a bitmap: no objects for the collector to copy. */
class PositionSet {
  constructor(size: number) {
    this._bits = new Uint8Array((size >> 3) + 1);
  }

  has(position: number): boolean {
    return ((this._bits[position >> 3] >> (position & 7)) & 1) === 1;
  }

  add(position: number): void {
    this._bits[position >> 3] |= 1 << (position & 7);
  }

  private readonly _bits: Uint8Array;
}

/** The hits of one keyword list, sorted in place. */
function sortedList(hits: IKeywordHits, list: number): Int32Array {
  const starts = hits.starts.subarray(hits.bounds[list], hits.bounds[list + 1]);
  return isSorted(starts) ? starts : starts.sort();
}

/** Anchors of the rule being tried (scratch space, reused for each rule). */
let anchorBuffer = new Int32Array(256);

/** Anchors kept room for between texts (a larger buffer is let go). */
const KEPT_ANCHORS = 1 << 16;

/**
 * Where a rule's matches may start: for each keyword occurrence (`starts`,
 * sorted), the start of the run of
 * the rule's word characters it sits in; for a rule whose matches start with
 * a keyword, just the occurrences at the start of a run. Written to
 * `anchorBuffer`, sorted and without duplicates; returns how many. Linear in
 * the text, since a run is walked once however many keywords it holds.
 */
function anchors(
  text: string,
  starts: Int32Array,
  { wordChars, keywordFirst }: ICompiledRule
): number {
  if (anchorBuffer.length < starts.length) {
    anchorBuffer = new Int32Array(
      Math.max(starts.length, 2 * anchorBuffer.length)
    );
  }
  const result = anchorBuffer;
  let count = 0;
  if (keywordFirst) {
    for (let k = 0; k < starts.length; k++) {
      const start = starts[k];
      const c = start > 0 ? charCodeAt.call(text, start - 1) : 128;
      if (
        (c >= 128 || wordChars[c] === 0) &&
        (count === 0 || start !== result[count - 1])
      ) {
        result[count++] = start;
      }
    }
    return count;
  }
  let previousStart = -1;
  let previousAnchor = -1;
  for (let k = 0; k < starts.length; k++) {
    const start = starts[k];
    let anchor = start;
    while (anchor > 0) {
      if (anchor === previousStart) {
        anchor = previousAnchor; // same run as the previous keyword
        break;
      }
      const c = charCodeAt.call(text, anchor - 1);
      if (c >= 128 || wordChars[c] === 0) {
        break;
      }
      anchor--;
    }
    previousStart = start;
    previousAnchor = anchor;
    // Keyword starts are sorted, so their runs' starts are too.
    if (count === 0 || anchor !== result[count - 1]) {
      result[count++] = anchor;
    }
  }
  return count;
}

function isSorted(values: Int32Array): boolean {
  for (let i = 1; i < values.length; i++) {
    if (values[i] < values[i - 1]) {
      return false;
    }
  }
  return true;
}

/** Whether one of the sorted positions lies in `[from, to)`. */
function hasStartIn(markers: Int32Array, from: number, to: number): boolean {
  let low = 0;
  let high = markers.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (markers[middle] < from) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low < markers.length && markers[low] < to;
}

/**
 * One finding per place: where candidates overlap, the earlier rule in the
 * rule list wins (vendor formats come before generic assignments).
 */
function resolveOverlaps(candidates: ICandidate[]): ICandidate[] {
  candidates.sort(
    (a, b) =>
      a.start - b.start || a.rule.priority - b.rule.priority || b.end - a.end
  );
  const kept: ICandidate[] = [];
  for (const candidate of candidates) {
    const last = kept[kept.length - 1];
    if (last && candidate.start < last.end) {
      if (candidate.rule.priority < last.rule.priority) {
        kept[kept.length - 1] = candidate;
      }
      continue;
    }
    kept.push(candidate);
  }
  return kept;
}

let defaultScanner: Scanner | null = null;

/** The scanner for the built-in rules, built on first use. */
export function defaultScannerInstance(): Scanner {
  defaultScanner ??= new Scanner();
  return defaultScanner;
}

/**
 * Finds credential-like strings in a text. Offsets are UTF-16 indices of the
 * secret itself; lines and columns are 1-based.
 */
export function scanText(text: string, options?: IScanOptions): IScanFinding[] {
  return defaultScannerInstance().scan(text, options);
}
