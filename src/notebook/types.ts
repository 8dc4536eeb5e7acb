import { ILeakMatch } from '../mounts/types';

/**
 * What the pattern engine reports for one credential-like string
 * (the shape of `src/scanner`'s findings; repeated here so the guard
 * depends on the shape, not on the engine).
 */
export interface IPatternFinding {
  ruleId: string;
  /** Human message; never the whole value. */
  message: string;
  /** UTF-16 offsets of the secret in the scanned text. */
  start: number;
  end: number;
  /** 1-based line and column of `start`. */
  line: number;
  column: number;
  confidence: string | number;
  /** Redacted preview; never the whole value. */
  preview: string;
}

/** Scans one text with the pattern engine (rules and allowlists already applied). */
export type PatternScan = (text: string) => IPatternFinding[];

/**
 * Where in a cell a finding was seen: its source, or one of its outputs (a
 * text of the output's MIME type; no type for the output's metadata).
 */
export type FindingLocation =
  { kind: 'source' } | { kind: 'output'; index: number; mimeType?: string };

/** The rule id of findings that equal a mounted secret's value. */
export const MOUNTED_VALUE_RULE = 'mounted-secret-value';

/** One finding in a notebook cell, ready to show. It never holds a value. */
export interface IGuardFinding {
  /** Id of the cell (nbformat cell id). */
  cellId: string;
  location: FindingLocation;
  /** UTF-16 offsets in the source, or in the output text. */
  start: number;
  end: number;
  /** 1-based line and column of `start` in that text. */
  line: number;
  column: number;
  /** A pattern rule id, or `MOUNTED_VALUE_RULE`. */
  ruleId: string;
  /** Human message; never the value. */
  message: string;
  /** Redacted preview (pattern findings) or the folder/key (mounted values). */
  preview: string;
  /** Set when the text equals a mounted secret: which folder/key, in which form. */
  secret?: Pick<ILeakMatch, 'mount' | 'key' | 'encoding'>;
}

/** The findings of one cell, with the source text they refer to. */
export interface ICellFindings {
  /** The cell source the `source` findings' offsets refer to. */
  source: string;
  findings: readonly IGuardFinding[];
}

/** User settings of the guard (`schema/guard.json`). */
export interface IGuardSettings {
  enabled: boolean;
  disabledRules: string[];
  allowlist: string[];
  scanOutputs: boolean;
  maskOutputs: boolean;
  debounce: number;
}

export const DEFAULT_GUARD_SETTINGS: Readonly<IGuardSettings> = {
  enabled: true,
  disabledRules: [],
  allowlist: [],
  scanOutputs: true,
  maskOutputs: true,
  debounce: 300
};
