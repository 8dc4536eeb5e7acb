import ruleData from './rules.json';
import { captureGroups } from './regexshape';
import { Confidence, IRule, IRuleSet } from './types';

const CONFIDENCES: readonly Confidence[] = ['high', 'medium', 'low'];

/** Thrown when rule data is malformed. */
export class RuleSetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleSetError';
  }
}

function fail(where: string, what: string): never {
  throw new RuleSetError(`${where}: ${what}`);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(v => typeof v === 'string');
}

function checkRegex(where: string, source: string, flags = ''): void {
  try {
    new RegExp(source, flags);
  } catch (error) {
    fail(where, `invalid regular expression (${(error as Error).message})`);
  }
}

function checkRule(
  raw: unknown,
  index: number,
  seen: Set<string>,
  allowlists: Readonly<Record<string, string[]>>
): IRule {
  if (typeof raw !== 'object' || raw === null) {
    fail(`rules[${index}]`, 'expected an object');
  }
  const rule = raw as Record<string, unknown>;
  const id = rule.id;
  if (typeof id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(id)) {
    fail(`rules[${index}]`, 'id must be a kebab-case string');
  }
  const where = `rule ${id}`;
  if (seen.has(id)) {
    fail(where, 'duplicate id');
  }
  seen.add(id);
  if (typeof rule.description !== 'string' || !rule.description) {
    fail(where, 'description is required');
  }
  if (typeof rule.pattern !== 'string') {
    fail(where, 'pattern must be a string');
  }
  const flags = rule.flags ?? '';
  if (typeof flags !== 'string' || !/^[ims]*$/.test(flags)) {
    fail(where, 'flags may only use i, m and s');
  }
  checkRegex(where, rule.pattern, flags);
  if (!isStringArray(rule.keywords) || rule.keywords.length === 0) {
    fail(where, 'keywords must be a non-empty list of strings');
  }
  for (const keyword of rule.keywords) {
    if (!/^[\x20-\x7e]+$/.test(keyword) || keyword !== keyword.toLowerCase()) {
      fail(where, `keyword "${keyword}" must be lowercase printable ASCII`);
    }
  }
  const groups = captureGroups(rule.pattern);
  for (const key of ['secretGroup', 'nameGroup'] as const) {
    const group = rule[key];
    if (group === undefined && key === 'nameGroup') {
      continue;
    }
    if (
      !Number.isInteger(group) ||
      (group as number) < 0 ||
      (group as number) > groups
    ) {
      fail(where, `${key} must name one of the ${groups} capture groups`);
    }
  }
  if (rule.entropy !== undefined && typeof rule.entropy !== 'number') {
    fail(where, 'entropy must be a number');
  }
  for (const key of ['passphrases', 'signedUrlExpiry'] as const) {
    if (rule[key] !== undefined && typeof rule[key] !== 'boolean') {
      fail(where, `${key} must be true or false`);
    }
  }
  if (!CONFIDENCES.includes(rule.confidence as Confidence)) {
    fail(where, `confidence must be one of ${CONFIDENCES.join(', ')}`);
  }
  for (const key of [
    'allowlist',
    'nameAllowlist',
    'passphraseNames',
    'matchAllowlist',
    'nearby',
    'notNearby'
  ] as const) {
    const list = rule[key];
    if (list === undefined) {
      continue;
    }
    if (!isStringArray(list)) {
      fail(where, `${key} must be a list of strings`);
    }
    list.forEach(source => checkRegex(`${where} ${key}`, source));
  }
  // Shared lists are resolved here: engines see one list of each kind per rule.
  const known = (name: string) =>
    Object.prototype.hasOwnProperty.call(allowlists, name);
  const resolved: Record<string, unknown> = { ...rule };
  for (const [sharedKey, key] of SHARED_LISTS) {
    const shared = rule[sharedKey] ?? [];
    if (!isStringArray(shared) || !shared.every(known)) {
      fail(where, `${sharedKey} must name lists of the rule set's allowlists`);
    }
    if (shared.length > 0) {
      const own = (rule[key] as string[] | undefined) ?? [];
      resolved[key] = [...shared.flatMap(name => allowlists[name]), ...own];
    }
  }
  return resolved as unknown as IRule;
}

/** Rule fields naming shared `allowlists`, and the field their entries join. */
const SHARED_LISTS = [
  ['sharedAllowlists', 'allowlist'],
  ['sharedNameAllowlists', 'nameAllowlist']
] as const;

/** Validates rule data (the shape of `rules.json`), throwing `RuleSetError`. */
export function parseRuleSet(data: unknown): IRuleSet {
  if (typeof data !== 'object' || data === null) {
    fail('rule set', 'expected an object');
  }
  const set = data as Record<string, unknown>;
  if (set.version !== 1) {
    fail('rule set', `unsupported version ${String(set.version)}`);
  }
  for (const key of [
    'suppressions',
    'placeholders',
    'placeholderWords',
    'documentedExamples'
  ] as const) {
    if (!isStringArray(set[key])) {
      fail('rule set', `${key} must be a list of strings`);
    }
  }
  (set.placeholders as string[]).forEach(source =>
    checkRegex('placeholders', source)
  );
  const placeholderKeywords = set.placeholderKeywords ?? [];
  if (
    !isStringArray(placeholderKeywords) ||
    placeholderKeywords.some(k => !k || k !== k.toLowerCase())
  ) {
    fail(
      'rule set',
      'placeholderKeywords must be non-empty lower-case strings'
    );
  }
  const rawAllowlists = set.allowlists ?? {};
  if (
    typeof rawAllowlists !== 'object' ||
    rawAllowlists === null ||
    !Object.values(rawAllowlists).every(isStringArray)
  ) {
    fail('rule set', 'allowlists must map names to lists of strings');
  }
  const allowlists = rawAllowlists as Record<string, string[]>;
  for (const [name, list] of Object.entries(allowlists)) {
    list.forEach(source => checkRegex(`allowlists ${name}`, source));
  }
  if (!Array.isArray(set.rules)) {
    fail('rule set', 'rules must be a list');
  }
  const seen = new Set<string>();
  const rules = set.rules.map((rule, index) =>
    checkRule(rule, index, seen, allowlists)
  );
  return {
    version: 1,
    suppressions: set.suppressions as string[],
    placeholders: set.placeholders as string[],
    placeholderWords: set.placeholderWords as string[],
    placeholderKeywords,
    documentedExamples: set.documentedExamples as string[],
    allowlists,
    rules
  };
}

/** The built-in rule set. */
export const RULE_SET: Readonly<IRuleSet> = parseRuleSet(ruleData);

/** The built-in rules, in priority order (earlier rules win overlapping findings). */
export const RULES: readonly IRule[] = RULE_SET.rules;
