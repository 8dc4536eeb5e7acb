/**
 * What the engine reads off a pattern to do less work (src/scanner/pattern.ts):
 * each reading on small patterns, and each checked against every rule's
 * matches on its own cases, since a wrong reading would hide findings.
 * pragma: allowlist secret
 */
import { RULES } from '../../src/scanner';
import {
  keywordStartsMatch,
  leadingChars,
  secretPlace
} from '../../src/scanner/pattern';
import { RULE_CASES } from './cases';

type Indexed = RegExpMatchArray & { indices: ([number, number] | undefined)[] };

const table = (chars: string): Uint8Array => {
  const t = new Uint8Array(128);
  for (const ch of chars) {
    t[ch.charCodeAt(0)] = 1;
  }
  return t;
};

describe('secretPlace', () => {
  it.each([
    ['(?<![a-z])abc', 0, [], true],
    ['(?<![a-z])(abc[0-9]{2})(?![a-z])', 1, [], true],
    ['(?<![a-z])(abc)["\']', 1, [], false],
    ['(?<!x)([a-z]{1,9})( = )([0-9]{8})"', 3, [1, 2], false],
    ['((a)(b))(c)', 4, [1], false], // nested groups are counted
    ['(?=x)(x)(?!y)', 1, [], true]
  ])(
    '%s, group %d: offset from groups %j, whole match %s',
    (pattern, group, offsets, whole) => {
      expect(secretPlace(pattern, group)).toEqual({
        offsetGroups: offsets,
        wholeMatch: whole
      });
    }
  );

  it.each([
    ['x(b)', 1], // a literal before the secret: width not read
    ['(a)?(b)', 2], // an optional group
    ['(?:a|bc)(d)', 1], // a non-capturing group
    ['(a|b)(c)|(d)', 2]
  ])('%s, group %d: unknown, the d flag tells', (pattern, group) => {
    expect(secretPlace(pattern, group)).toEqual({
      offsetGroups: null,
      wholeMatch: false
    });
  });
});

describe('leadingChars', () => {
  it('reads a literal or a class after the lookbehinds', () => {
    expect(leadingChars('(?<![A-Z])(AC[0-9]{4})', '')).toEqual(table('A'));
    expect(leadingChars('(?<![A-Z])[xy]z', '')).toEqual(table('xy'));
    expect(leadingChars('(?<![A-Z])(ac[0-9])', 'i')).toEqual(table('aA'));
  });

  it('says nothing when the start is optional or an alternation', () => {
    expect(leadingChars('a?b', '')).toBeNull();
    expect(leadingChars('(?:ab|cd)', '')).toBeNull();
    // Each branch of the secret group starts differently (the notion-token shape).
    expect(
      leadingChars('(?<![a-z])(ntn_[0-9]{4}|secret_[a-z]{4})', '')
    ).toBeNull();
  });
});

describe('keywordStartsMatch', () => {
  it('holds when literal text starting with a keyword opens every match', () => {
    expect(keywordStartsMatch('(?<![a-z])(npm_[a-z]{3})', ['npm_'])).toBe(true);
    expect(keywordStartsMatch('(?<![a-z])AC[0-9]', ['ac'])).toBe(true);
  });

  it('fails for alternations, optional starts and keywords further in', () => {
    expect(
      keywordStartsMatch('(ntn_[0-9]|secret_[a-z])', ['ntn_', 'secret_'])
    ).toBe(false);
    expect(keywordStartsMatch('ab?c', ['ab'])).toBe(false);
    expect(keywordStartsMatch('[0-9]{32}-us', ['-us'])).toBe(false);
  });
});

describe('every reading agrees with the rules’ own matches', () => {
  const texts = (id: string) => [
    ...RULE_CASES[id].positive.map(c => c.text),
    ...RULE_CASES[id].negative
  ];

  it.each(RULES.map(rule => [rule.id, rule] as const))('%s', (id, rule) => {
    const place = secretPlace(rule.pattern, rule.secretGroup);
    const first = leadingChars(rule.pattern, rule.flags ?? '');
    const keywordFirst = keywordStartsMatch(rule.pattern, rule.keywords);
    const regex = new RegExp(rule.pattern, `gd${rule.flags ?? ''}`);
    let matches = 0;
    for (const text of texts(id)) {
      for (const match of text.matchAll(regex) as IterableIterator<Indexed>) {
        matches++;
        const span = match.indices[rule.secretGroup];
        if (place.offsetGroups !== null && span) {
          const offset = place.offsetGroups.reduce(
            (sum, g) => sum + match[g].length,
            0
          );
          expect(match.index! + offset).toBe(span[0]);
        }
        if (place.wholeMatch) {
          expect(match[rule.secretGroup]).toBe(match[0]);
        }
        if (first !== null) {
          expect(first[match[0].charCodeAt(0)]).toBe(1);
        }
        if (keywordFirst) {
          const lower = match[0].toLowerCase();
          expect(rule.keywords.some(keyword => lower.startsWith(keyword))).toBe(
            true
          );
        }
      }
    }
    expect(matches).toBeGreaterThan(0);
  });
});
