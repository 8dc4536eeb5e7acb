/**
 * Adversarial inputs (run with `node bench/adversarial.mjs [RULE_ID...]`).
 *
 * For each rule, five inputs built from its own keywords and positive cases (every position a
 * keyword; one start followed by a long run of body characters; almost-matches back to back; many
 * starts that fail late; long values after the keyword), 256 KiB and 1 MiB long. Timed two ways:
 * a full search with the rule's pattern (what a port does) and the engine's scan with only that
 * rule enabled. The growth is the 1 MiB time over the 256 KiB time: about 4 when linear, 16 when
 * quadratic. That every pattern is linear is proved in test/scanner/redos.spec.ts; this shows the
 * constant factors, and that the proof holds in practice. Wall-clock times on this machine, small
 * and large runs interleaved so both see the same load. Nothing is asserted.
 */
import { RULES, Scanner } from '../src/scanner';
import { RULE_EXAMPLES } from '../test/scanner/examples';

const SMALL = 256 * 1024;
const LARGE = 1024 * 1024;
const KINDS = [
  'keywords',
  'one long run',
  'almost-matches',
  'late failures',
  'long values'
];

const scanner = new Scanner();
const ruleIds = RULES.map(rule => rule.id);

/** The inputs of one kind, for a rule, `size` characters long. */
function adversarial(id: string, size: number): string[] {
  const rule = RULES.find(r => r.id === id)!;
  const example = RULE_EXAMPLES[id].positive[0];
  const secret = example.secret ?? example.text;
  const fill = (unit: string) =>
    unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  const keyword = rule.keywords[0];
  return [
    fill(keyword),
    keyword + fill(secret.slice(0, 40) || 'a'),
    fill(example.text.slice(0, -1)),
    fill(`${keyword}${secret.slice(0, -3)} `),
    fill(`${keyword}=${'aZ9'.repeat(200)}`)
  ];
}

/** The fastest run, in ms, of runs repeated for at least 2 ms. */
function time(work: () => void): number {
  let best = Infinity;
  let total = 0;
  do {
    const start = process.hrtime.bigint();
    work();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    best = Math.min(best, ms);
    total += ms;
  } while (total < 2);
  return best;
}

/** Fastest small and large times, runs interleaved. */
function measure(
  work: (text: string) => void,
  small: string,
  large: string
): { largeMs: number; growth: number } {
  let smallBest = Infinity;
  let largeBest = Infinity;
  for (let i = 0; i < 3; i++) {
    smallBest = Math.min(
      smallBest,
      time(() => work(small))
    );
    largeBest = Math.min(
      largeBest,
      time(() => work(large))
    );
  }
  return { largeMs: largeBest, growth: largeBest / smallBest };
}

interface IRow {
  id: string;
  kind: string;
  searchMs: number;
  searchGrowth: number;
  scanMs: number;
  scanGrowth: number;
}

/** Every input kind of a rule. */
function measureRule(id: string): IRow[] {
  const rule = RULES.find(r => r.id === id)!;
  const search = new RegExp(rule.pattern, `g${rule.flags ?? ''}`);
  const scan = scanner.prepare({
    disabledRules: ruleIds.filter(other => other !== id)
  });
  const searchAll = (text: string) => {
    for (const _ of text.matchAll(search)) {
      // consume the matches
    }
  };
  const small = adversarial(id, SMALL);
  return adversarial(id, LARGE).map((large, k) => {
    const full = measure(searchAll, small[k], large);
    const engine = measure(scan, small[k], large);
    return {
      id,
      kind: KINDS[k],
      searchMs: full.largeMs,
      searchGrowth: full.growth,
      scanMs: engine.largeMs,
      scanGrowth: engine.growth
    };
  });
}

test('adversarial inputs', () => {
  const wanted = (process.env.ADVERSARIAL_RULES ?? '').split(',');
  const ids = wanted[0] ? ruleIds.filter(id => wanted.includes(id)) : ruleIds;
  const all = ids.map(measureRule);
  // Each rule at its worst input: the slowest one-MiB search.
  const rows = all.map(kinds =>
    kinds.reduce((a, b) => (b.searchMs > a.searchMs ? b : a))
  );
  rows.sort((a, b) => b.searchMs - a.searchMs);
  const largest = (key: 'searchGrowth' | 'scanGrowth') =>
    Math.max(...all.flat().map(r => r[key])).toFixed(1);
  const pad = (s: string, n: number) => s.padEnd(n);
  const num = (x: number, n: number) => x.toFixed(1).padStart(n);
  const out = [
    'Adversarial 1 MiB inputs, each rule at its worst input kind (slowest first).',
    'growth = time(1 MiB) / time(256 KiB): about 4 when linear, 16 when quadratic.',
    '',
    `${pad('rule', 34)}${pad('worst input', 16)}${'search ms'.padStart(10)}${'growth'.padStart(8)}${'scan ms'.padStart(10)}${'growth'.padStart(8)}`,
    ...rows.map(
      r =>
        `${pad(r.id, 34)}${pad(r.kind, 16)}${num(r.searchMs, 10)}${num(r.searchGrowth, 8)}${num(r.scanMs, 10)}${num(r.scanGrowth, 8)}`
    ),
    '',
    `largest growth of any rule and input: search ${largest('searchGrowth')}, scan ${largest('scanGrowth')}`
  ];
  process.stdout.write(`\n${out.join('\n')}\n\n`);
});
