/**
 * Shapes of the credential scanner: rules (data, shared with the server's
 * Python port through `rules.json`) and findings.
 */

/** How sure a rule is that what it matched is a live credential. */
export type Confidence = 'high' | 'medium' | 'low';

/** One detection rule. Rules are data: see `rules.json` and `README.md`. */
export interface IRule {
  /** Stable identifier, used in findings, suppressions and settings. */
  id: string;
  /** Human description, also the finding message. */
  description: string;
  /**
   * Regular expression source in the common subset of JavaScript and Python
   * `re` (numbered groups, fixed-width lookbehind, ASCII classes only).
   */
  pattern: string;
  /** Flags from `i`, `m`, `s` only. */
  flags?: string;
  /**
   * Lowercase ASCII strings, one of which occurs (case-insensitively) in the
   * first word of every match: a rule is only tried where one occurs.
   */
  keywords: string[];
  /** Minimum Shannon entropy (bits per character) of the secret. */
  entropy?: number;
  /** Capture group holding the secret (0 = the whole match). */
  secretGroup: number;
  /** Capture group holding the name the secret is assigned to, if any. */
  nameGroup?: number;
  /**
   * Secrets matching any of these (case-sensitive) are not findings. In a
   * parsed rule set this also holds the entries of `sharedAllowlists`.
   */
  allowlist?: string[];
  /** Names of rule-set `allowlists` whose entries join `allowlist`. */
  sharedAllowlists?: string[];
  /**
   * Names matching any of these (case-insensitive) are not findings. In a
   * parsed rule set this also holds the entries of `sharedNameAllowlists`.
   */
  nameAllowlist?: string[];
  /** Names of rule-set `allowlists` whose entries join `nameAllowlist`. */
  sharedNameAllowlists?: string[];
  /**
   * Names (case-insensitive) of values people choose, such as passwords: under
   * them a value of words with a digit or symbol ("MarbleEmber#2546") is still
   * a finding, where elsewhere words read as an identifier.
   */
  passphraseNames?: string[];
  /**
   * The secret is a password people choose, whatever the name (the password
   * of a URL, of `-p`): word-like values with a digit or symbol are findings.
   */
  passphrases?: boolean;
  /** Whole matches matching any of these (case-sensitive) are not findings. */
  matchAllowlist?: string[];
  /**
   * The match is a signed URL's query: when it holds `X-Amz-Date=` or
   * `X-Goog-Date=` (YYYYMMDDTHHMMSSZ) and `X-Amz-Expires=` or
   * `X-Goog-Expires=` (seconds) and that time has passed, it is not a finding
   * (an expired signature grants nothing).
   */
  signedUrlExpiry?: boolean;
  /**
   * Case-insensitive patterns, one of which must occur near the match (from
   * `NEARBY_REACH` code units before it to as many after it) for it to be a
   * finding: a value that is a key only in some context (an `appid` sent to
   * a service whose app ids are keys).
   */
  nearby?: string[];
  /**
   * Case-insensitive patterns none of which may occur near the match: one
   * that does marks the value public there (a Firebase web config's API
   * key), and no later rule reports a secret starting where it starts.
   */
  notNearby?: string[];
  confidence: Confidence;
}

/** The contents of `rules.json`. */
export interface IRuleSet {
  version: number;
  /** Markers that suppress findings on the line they appear on. */
  suppressions: string[];
  /** Patterns (case-sensitive) of placeholder, reference and redacted values. */
  placeholders: string[];
  /** Whole values (compared case-insensitively) that are placeholders. */
  placeholderWords: string[];
  /**
   * Lower-case strings, one of which occurs (ASCII case-insensitively) in
   * every match of the `placeholders` patterns not anchored with `^`: the
   * engine only runs those where one occurs. Empty or absent: always run.
   */
  placeholderKeywords?: string[];
  /** Published example credentials; a secret containing one is not a finding. */
  documentedExamples: string[];
  /**
   * Named allowlists that rules share, naming them in `sharedAllowlists` or
   * `sharedNameAllowlists`.
   */
  allowlists?: Record<string, string[]>;
  rules: IRule[];
}

/** A credential-like string found in a text. Never holds the whole value. */
export interface IScanFinding {
  ruleId: string;
  /** Human message (the rule's description). */
  message: string;
  /** UTF-16 offsets of the secret itself (not the whole assignment). */
  start: number;
  end: number;
  /** 1-based line and column (in UTF-16 code units) of `start`. */
  line: number;
  column: number;
  confidence: Confidence;
  /** Redacted preview; never contains the whole value. */
  preview: string;
}

export interface IScanOptions {
  /** Rule ids to skip. */
  disabledRules?: string[];
  /** Extra regular expression sources; secrets matching any are ignored. */
  allowlist?: string[];
  /** Whether inline suppression markers drop findings on their line (default true). */
  suppressions?: boolean;
  /**
   * The time signed URLs' expiry is judged against, in milliseconds since the
   * epoch (`IRule.signedUrlExpiry`); by default, the time of the scan.
   */
  now?: number;
}

/**
 * Where a notebook text comes from: a cell's source; an output's text; the
 * metadata of the notebook, a cell or an output; an attachment's name or its
 * text data.
 */
export type NotebookPart = 'source' | 'output' | 'metadata' | 'attachment';

/** A place in a notebook (see `spec/README.md`). */
export interface INotebookPlace {
  /** 0-based index of the cell; absent for the notebook's own metadata. */
  cellIndex?: number;
  /** nbformat cell id, when the notebook has one. */
  cellId?: string;
  part: NotebookPart;
  /** 0-based index of the output (its text, or its metadata). */
  outputIndex?: number;
  /** The MIME type of output or attachment data (`text/plain`, ...); `stream` or `error` for those outputs. */
  mimeType?: string;
  /** The name of the attachment. */
  attachment?: string;
}

/** Where in a notebook a finding was seen. */
export interface INotebookFinding extends IScanFinding, INotebookPlace {}
