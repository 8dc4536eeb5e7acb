/**
 * What the engine reads off a pattern to do less work (src/scanner/regexshape.ts):
 * each reading on small patterns, and each checked against every rule's
 * matches on its own cases, since a wrong reading would hide findings.
 * pragma: allowlist secret
 */
import { RULES } from '../../src/scanner';
import {
  keywordStartsMatch,
  leadingChars,
  precedingChars,
  secretPlace
} from '../../src/scanner/regexshape';
import { RULE_EXAMPLES } from './examples';

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
        fromEnd: false,
        wholeMatch: whole
      });
    }
  );

  it.each([
    ['x = (b)', 1, []],
    ['x[0-9]+ ?([a-z]{8})(?![a-z])', 1, []],
    ['(a)+:(b)(c)(?=d)', 2, [3]],
    ['(?:a|b)=((c)d)((e)f)', 1, [3]], // the group after holds one more: it is group 3
    ['(a)?(b)', 2, []]
  ])(
    '%s, group %d: offset back from the end, groups %j',
    (pattern, group, offsets) => {
      expect(secretPlace(pattern, group)).toEqual({
        offsetGroups: offsets,
        fromEnd: true,
        wholeMatch: false
      });
    }
  );

  it.each([
    ['x(b)y', 1], // literals on both sides: widths not read
    ['(a)?(b)c', 2], // an optional group before, a literal after
    ['(?:a|bc)(d)e', 1], // a non-capturing group before, a literal after
    ['x(?:(d))', 1], // the secret group nested, not at the top level
    ['x(d)(?:e)', 1], // a non-capturing group after it
    ['x(d)(e)?', 1], // an optional group after it
    ['(a|b)(c)|(d)', 2]
  ])('%s, group %d: unknown, the d flag tells', (pattern, group) => {
    expect(secretPlace(pattern, group)).toEqual({
      offsetGroups: null,
      fromEnd: false,
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

  it('joins the branches of an alternation, inside groups too', () => {
    // The notion-token shape: each branch of the secret group starts differently.
    expect(
      leadingChars('(?<![a-z])(ntn_[0-9]{4}|secret_[a-z]{4})', '')
    ).toEqual(table('ns'));
    expect(leadingChars('((?:AKIA|A3T[0-9]|ZZ)[0-9]{4})', '')).toEqual(
      table('AZ')
    );
  });

  it('says nothing when a match may start otherwise', () => {
    expect(leadingChars('a?b', '')).toBeNull();
    expect(leadingChars('(?:ab)?cd', '')).toBeNull();
    expect(leadingChars('(?:ab|)cd', '')).toBeNull();
    expect(leadingChars('(?=[0-9])[0-9a-f]{4}', '')).toBeNull();
  });
});

describe('precedingChars', () => {
  it('reads a leading lookbehind of one class', () => {
    expect(precedingChars('(?<![a-z])(?<=[?&])key=')).toEqual(table('?&'));
    expect(precedingChars('(?<![a-z])key=')).toBeNull();
    // In an alternation the lookbehind holds for the first branch only.
    expect(precedingChars('(?<=[?&])key=|token=')).toBeNull();
  });
});

describe('keywordStartsMatch', () => {
  it('holds when literal text starting with a keyword opens every match', () => {
    expect(keywordStartsMatch('(?<![a-z])(npm_[a-z]{3})', ['npm_'])).toBe(true);
    expect(keywordStartsMatch('(?<![a-z])AC[0-9]', ['ac'])).toBe(true);
    expect(keywordStartsMatch('(?:-u|--user)[ =]', ['-u', '--user'])).toBe(
      true
    );
  });

  it('reads small classes, escapes, exact repetitions and every lookbehind', () => {
    expect(
      keywordStartsMatch('(?<![a-z])(fm[12]_[a-z]{4})', ['fm1', 'fm2'])
    ).toBe(true);
    expect(keywordStartsMatch('(t1[.][a-z]+|ya29\\.x)', ['t1.', 'ya29.'])).toBe(
      true
    );
    expect(
      keywordStartsMatch('(A{22}[a-z]{8})', ['aaaaaaaaaaaaaaaaaaaaaa'])
    ).toBe(true);
    expect(
      keywordStartsMatch('(?<![a-z])(?<!X-Y=)(AKIA[A-Z]{4})', ['akia'])
    ).toBe(true);
  });

  it('fails where one way a match opens has no keyword first', () => {
    expect(keywordStartsMatch('(ntn_[0-9]|secret_[a-z])', ['ntn_'])).toBe(
      false
    );
    expect(
      keywordStartsMatch('(?:sk|rk)_live_', ['sk_live_', 'rk_live_'])
    ).toBe(false);
    expect(keywordStartsMatch('ab?c', ['ab'])).toBe(false);
    expect(keywordStartsMatch('[0-9]{32}-us', ['-us'])).toBe(false);
    expect(keywordStartsMatch('fm[123]_', ['fm1', 'fm2'])).toBe(false);
    expect(keywordStartsMatch('A{2,}B', ['aab'])).toBe(false);
    expect(keywordStartsMatch('a[bé]c', ['abc'])).toBe(false);
    expect(keywordStartsMatch('a[^x]c', ['abc'])).toBe(false);
    expect(keywordStartsMatch('a[\\s]c', ['a c'])).toBe(false);
  });
});

describe('lookbehinds of more than one class', () => {
  // The escape lookbehind of prefixed tokens: `\n` before a token ends a word.
  const ESCAPE = '(?<![A-Za-mo-qsu-z0-9_])(?<![^\\\\][nrt])';

  it('are skipped when reading how a match opens', () => {
    expect(keywordStartsMatch(`${ESCAPE}(dapi[0-9a-f]{4})`, ['dapi'])).toBe(
      true
    );
    expect(leadingChars(`${ESCAPE}(dapi[0-9a-f]{4})`, '')).toEqual(table('d'));
    expect(
      keywordStartsMatch('(?<![a-z])(?<!X-Amz-Credential=)(AKIA[A-Z]{4})', [
        'akia'
      ])
    ).toBe(true);
  });

  it('are never read as the characters a match must follow', () => {
    expect(precedingChars(`${ESCAPE}dapi`)).toBeNull();
  });
});

describe('every reading agrees with the rules’ own matches', () => {
  const texts = (id: string) => [
    ...RULE_EXAMPLES[id].positive.map(c => c.text),
    ...RULE_EXAMPLES[id].negative
  ];

  it.each(RULES.map(rule => [rule.id, rule] as const))('%s', (id, rule) => {
    const place = secretPlace(rule.pattern, rule.secretGroup);
    const first = leadingChars(rule.pattern, rule.flags ?? '');
    const keywordFirst = keywordStartsMatch(rule.pattern, rule.keywords);
    const before = precedingChars(rule.pattern);
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
          const start = place.fromEnd
            ? match.index! + match[0].length - offset - span[1] + span[0]
            : match.index! + offset;
          expect(start).toBe(span[0]);
        }
        if (place.wholeMatch) {
          expect(match[rule.secretGroup]).toBe(match[0]);
        }
        if (first !== null) {
          expect(first[match[0].charCodeAt(0)]).toBe(1);
        }
        if (before !== null && match.index! > 0) {
          const c = text.charCodeAt(match.index! - 1);
          expect(c >= 128 || before[c] === 1).toBe(true);
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
