/**
 * Every rule's examples, kept beside the rules in
 * src/scanner/rule-examples.json (as gitleaks keeps `tps`/`fps` per rule):
 * texts that must be reported, with the secret they hold (null when only
 * the rule matters, as for multi-line keys), and texts that must not be
 * reported with every rule on. The Python engine's tests read the same file.
 */
import examples from '../../src/scanner/rule-examples.json';

export interface IPositiveExample {
  text: string;
  secret: string | null;
}

export interface IRuleExamples {
  positive: IPositiveExample[];
  negative: string[];
}

export const RULE_EXAMPLES: Readonly<Record<string, IRuleExamples>> = examples;
