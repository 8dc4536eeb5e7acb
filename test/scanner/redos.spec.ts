/**
 * Every regular expression of the rule set runs in time linear in its input: proved by static
 * analysis with recheck (https://makenowjust-labs.github.io/recheck/), not timed. The timings of
 * adversarial 1 MB inputs are a benchmark (bench/adversarial.mjs).
 *
 * recheck's automaton checker decides the question exactly. A pattern with no unbounded
 * repetition reads at most a fixed number of characters from each start, so it is linear and the
 * checker says so at once; otherwise it builds the automaton and looks for the ambiguity that
 * makes backtracking blow up. It cannot build automata for look-around or back-references in
 * patterns with unbounded repetition: those few go to recheck's fuzzer, with its wall-clock limits
 * switched off so that its verdict depends only on its fixed seed and step limits, never on how
 * busy the machine is. (recheck's default `auto` mode sends every pattern with large repetition
 * counts to the fuzzer, which reports bounded repetitions as polynomial: its small test strings
 * stay below the bounds.)
 *
 * JavaScript and Python's `re` (the server's port) backtrack the same way, so the verdicts hold
 * for both engines. The engine tries the rule patterns only at keyword positions, fewer starts
 * than the unanchored search analysed here.
 */
import { check, Diagnostics, Parameters } from 'recheck';

import { RULE_SET } from '../../src/scanner';

interface IExpression {
  /** Where the expression comes from, for messages. */
  where: string;
  source: string;
  /** The flags the engine compiles it with (besides `y` and `d`, which do not add work). */
  flags: string;
}

/** Every regular expression the engine compiles from the rule set, each (source, flags) once. */
function ruleSetExpressions(): IExpression[] {
  const all: IExpression[] = RULE_SET.placeholders.map((source, i) => ({
    where: `placeholders[${i}]`,
    source,
    flags: ''
  }));
  for (const rule of RULE_SET.rules) {
    all.push({
      where: `rule ${rule.id}`,
      source: rule.pattern,
      flags: rule.flags ?? ''
    });
    const lists = [
      ['allowlist', rule.allowlist, ''],
      ['nameAllowlist', rule.nameAllowlist, 'i'],
      ['passphraseNames', rule.passphraseNames, 'i'],
      ['matchAllowlist', rule.matchAllowlist, ''],
      ['nearby', rule.nearby, 'i'],
      ['notNearby', rule.notNearby, 'i']
    ] as const;
    for (const [key, sources, flags] of lists) {
      (sources ?? []).forEach((source, i) =>
        all.push({ where: `rule ${rule.id} ${key}[${i}]`, source, flags })
      );
    }
  }
  const seen = new Set<string>();
  return all.filter(({ source, flags }) => {
    const key = `${flags}/${source}`;
    return !seen.has(key) && Boolean(seen.add(key));
  });
}

/** No wall-clock limit anywhere: the same verdict on an idle and on a busy machine. */
const NO_TIME_LIMITS: Parameters = {
  timeout: null,
  attackTimeout: null,
  incubationTimeout: null,
  seedingTimeout: null
};

async function analyse({ source, flags }: IExpression): Promise<Diagnostics> {
  const exact = await check(source, flags, {
    ...NO_TIME_LIMITS,
    checker: 'automaton'
  });
  if (exact.status === 'unknown' && exact.error.kind === 'unsupported') {
    return check(source, flags, { ...NO_TIME_LIMITS, checker: 'fuzz' });
  }
  return exact;
}

/** What a reader needs to fix a pattern, or the whole verdict when it is safe. */
function verdict(diagnostics: Diagnostics): string {
  switch (diagnostics.status) {
    case 'safe':
      return `safe (${diagnostics.checker})`;
    case 'vulnerable':
      return `vulnerable: ${diagnostics.complexity.summary}, attack ${diagnostics.attack.pattern}`;
    default:
      return `unknown: ${JSON.stringify(diagnostics.error)}`;
  }
}

const EXPRESSIONS = ruleSetExpressions();

describe('every regular expression of the rule set', () => {
  it('is listed: rule patterns, allowlists and placeholders', () => {
    const rules = EXPRESSIONS.filter(e => /^rule [a-z0-9-]+$/.test(e.where));
    expect(rules).toHaveLength(RULE_SET.rules.length);
    expect(EXPRESSIONS.some(e => e.where.includes('allowlist'))).toBe(true);
    expect(EXPRESSIONS.some(e => e.where.startsWith('placeholders'))).toBe(
      true
    );
  });

  it.each(EXPRESSIONS.map(e => [e.where, e] as const))(
    '%s matches in linear time (recheck)',
    async (where, expression) => {
      const diagnostics = await analyse(expression);
      expect(`${where}: ${verdict(diagnostics)}`).toMatch(/: safe \(/);
    },
    // recheck's own run time is not what is tested; a busy machine only makes it slower.
    30 * 60 * 1000
  );
});

describe('the analysis', () => {
  // The checker rejects what it must, so that a broken analysis cannot pass the tests above.
  it.each([
    ['an exponential pattern', '^(?:a|a)*$', 'automaton'],
    ['a polynomial pattern', '\\s*[0-9]+\\s*=$', 'automaton'],
    ['a nested repetition behind a look-behind', '(?<![a-z])(?:a+)+b', 'fuzz']
  ])('rejects %s (%s)', async (_, source, checker) => {
    const diagnostics = await analyse({ where: 'test', source, flags: '' });
    expect([diagnostics.status, diagnostics.checker]).toEqual([
      'vulnerable',
      checker
    ]);
  });
});
