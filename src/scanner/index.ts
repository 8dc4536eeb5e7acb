/**
 * The credential scanner: pure TypeScript (no DOM, JupyterLab or Node
 * imports), shared by the notebook guard, the CLI and, through
 * `rules.json`, the server's Python port.
 */
export type {
  IRule,
  IRuleSet,
  IScanFinding,
  IScanOptions,
  INotebookFinding,
  INotebookPlace,
  NotebookPart,
  Confidence
} from './types';
export { RULES, RULE_SET, RuleSetError, parseRuleSet } from './rules';
export { InvalidAllowlistError, Scanner, scanText } from './engine';
export type { TextScan } from './engine';
export type { INotebookText, IOutputText } from './notebook';
export {
  NotebookParseError,
  isTextMime,
  jsonText,
  notebookTexts,
  outputTexts,
  scanNotebook,
  scanNotebookTexts,
  withoutTerminalCodes
} from './notebook';
export { redact } from './redact';
export {
  decodeBase64Text,
  hasNonLetter,
  isCamelIdentifier,
  isHexWords,
  isRepetitive,
  isSequential,
  isWordLike,
  shannonEntropy
} from './heuristics';
