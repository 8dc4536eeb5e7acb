/**
 * Every rule: its data is valid and portable, it reports its positive
 * examples (src/scanner/rule-examples.json, with the exact secret) and none
 * of the negative ones, and Python's `re` reads it the same way. That every
 * pattern runs in linear time is proved in redos.spec.ts;
 * bench/adversarial.mjs times adversarial inputs.
 */
import { spawnSync } from 'child_process';
import { join } from 'path';
import ruleData from '../../src/scanner/rules.json';
import { RULES, RULE_SET, Scanner, parseRuleSet } from '../../src/scanner';
import { RULE_EXAMPLES } from './examples';

const scanner = new Scanner();
const allRules = scanner.prepare();
const ruleIds = RULES.map(rule => rule.id);

/** A scan with only one rule enabled. */
function only(id: string) {
  return scanner.prepare({
    disabledRules: ruleIds.filter(other => other !== id)
  });
}

describe('rules.json', () => {
  it('is valid rule data', () => {
    expect(() => parseRuleSet(ruleData)).not.toThrow();
    expect(RULES.length).toBeGreaterThan(80);
  });

  it('rejects malformed rule data with a message naming the rule', () => {
    const broken = JSON.parse(JSON.stringify(ruleData));
    broken.rules.find(
      (rule: { id: string }) => rule.id === 'gcp-api-key'
    ).pattern = '(unclosed';
    expect(() => parseRuleSet(broken)).toThrow(
      /rule gcp-api-key: invalid regular expression/
    );
    const badFlags = JSON.parse(JSON.stringify(ruleData));
    badFlags.rules[0].flags = 'g';
    expect(() => parseRuleSet(badFlags)).toThrow(
      /flags may only use i, m and s/
    );
    const badGroup = JSON.parse(JSON.stringify(ruleData));
    badGroup.rules[1].secretGroup = 9;
    expect(() => parseRuleSet(badGroup)).toThrow(
      /secretGroup must name one of/
    );
    const badPassphrases = JSON.parse(JSON.stringify(ruleData));
    badPassphrases.rules[2].passphrases = 'yes';
    expect(() => parseRuleSet(badPassphrases)).toThrow(
      /passphrases must be true or false/
    );
    const badShared = JSON.parse(JSON.stringify(ruleData));
    badShared.rules[2].sharedAllowlists = ['no-such-list'];
    expect(() => parseRuleSet(badShared)).toThrow(/sharedAllowlists must name/);
    const badSharedNames = JSON.parse(JSON.stringify(ruleData));
    badSharedNames.rules[2].sharedNameAllowlists = 'names';
    expect(() => parseRuleSet(badSharedNames)).toThrow(
      /sharedNameAllowlists must name/
    );
    const badNames = JSON.parse(JSON.stringify(ruleData));
    badNames.rules[2].passphraseNames = ['(unclosed'];
    expect(() => parseRuleSet(badNames)).toThrow(/passphraseNames/);
  });

  it('gives a rule the entries of the shared allowlists it names, then its own', () => {
    const generic = RULES.find(rule => rule.id === 'generic-credential')!;
    const raw = ruleData.rules.find(rule => rule.id === 'generic-credential')!;
    expect(raw.sharedAllowlists).toEqual(['values']);
    expect(generic.allowlist).toEqual([
      ...ruleData.allowlists.values,
      ...(raw.allowlist ?? [])
    ]);
    expect(generic.allowlist).toContain('^arn:aws[a-z-]*:');
  });

  it('gives the rules naming the shared name list the same name allowlist', () => {
    const naming = ruleData.rules.filter(rule =>
      rule.sharedNameAllowlists?.includes('names')
    );
    expect(naming.map(rule => rule.id)).toEqual(
      expect.arrayContaining(['generic-credential', 'generic-credential-xml'])
    );
    for (const { id } of naming) {
      const parsed = RULES.find(rule => rule.id === id)!;
      expect(parsed.nameAllowlist).toEqual(ruleData.allowlists.names);
    }
  });

  it('covers the credential families the issue names', () => {
    for (const id of [
      'aws-access-key-id',
      'aws-secret-access-key',
      'gcp-api-key',
      'azure-storage-account-key',
      'github-token',
      'gitlab-token',
      'atlassian-token',
      'slack-token',
      'stripe-secret-key',
      'twilio-auth-token',
      'sendgrid-api-key',
      'openai-api-key',
      'anthropic-api-key',
      'huggingface-token',
      'npm-token',
      'pypi-token',
      'private-key',
      'jwt',
      'url-credentials',
      'authorization-header',
      'generic-credential'
    ]) {
      expect(ruleIds).toContain(id);
    }
  });

  /** Strips character classes and escapes, leaving the regex syntax around them. */
  function outsideClasses(source: string): string {
    return source.replace(/\\./g, 'E').replace(/\[(?:[^\]\\]|\\.)*\]/g, 'C');
  }

  it.each(RULES.map(rule => [rule.id, rule.pattern] as const))(
    '%s stays in the JavaScript/Python common subset',
    (_id, pattern) => {
      // Constructs whose meaning differs between the engines, or that only one has.
      expect(pattern).not.toMatch(/\\[wWdDsSbBpPkA-Z]/);
      const syntax = outsideClasses(pattern);
      expect(syntax).not.toMatch(/\(\?<[A-Za-z]/); // named groups
      expect(syntax).not.toMatch(/\(\?[>|]|[*+?}][+]/); // atomic, branch reset, possessive
      expect(syntax).not.toMatch(/\(\?[imsxu-]+[:)]/); // inline flags
      expect(syntax).not.toMatch(/[.^$]/); // dot and anchors (newline semantics differ)
      expect(syntax).not.toMatch(/[*+](?!\?)/); // unbounded repetition: use {m,n}
      // Lookbehinds have fixed width: no quantifier or alternation of other lengths inside.
      for (const [, body] of syntax.matchAll(
        /\(\?<[!=]((?:[^()]|\([^()]*\))*)\)/g
      )) {
        expect(body).not.toMatch(/[{*+?]/);
      }
    }
  );

  it('lets n, r, t before a match only as a backslash escape (\\n, \\r, \\t in a string)', () => {
    const ESCAPE = '(?<![^\\\\][nrt])';
    for (const rule of RULES) {
      const cls = /^\(\?<!\[([^\]]*)\]\)/.exec(rule.pattern)?.[1];
      const word = cls === undefined ? null : new RegExp(`^[${cls}]$`);
      if (word === null || !word.test('a') || word.test('n')) {
        continue; // no leading lookbehind of letters, or n is still refused
      }
      expect([
        rule.id,
        rule.pattern.slice(cls!.length + 7).startsWith(ESCAPE)
      ]).toEqual([rule.id, true]);
      expect([rule.id, ['N', 'R', 'T'].some(ch => word.test(ch))]).toEqual([
        rule.id,
        !(rule.flags ?? '').includes('i')
      ]);
    }
  });

  it('has keywords that occur in every positive match (the pre-filter never hides one)', () => {
    for (const rule of RULES) {
      for (const { text, secret } of RULE_EXAMPLES[rule.id].positive) {
        const regex = new RegExp(rule.pattern, `g${rule.flags ?? ''}`);
        for (const match of text.matchAll(regex)) {
          if (secret !== null && match[rule.secretGroup] !== secret) {
            continue;
          }
          const lower = match[0].toLowerCase();
          expect(rule.keywords.some(keyword => lower.includes(keyword))).toBe(
            true
          );
        }
      }
    }
  });
});

describe('rule-examples.json', () => {
  it('names rules that exist', () => {
    expect(
      Object.keys(RULE_EXAMPLES).filter(id => !ruleIds.includes(id))
    ).toEqual([]);
  });
});

describe.each(RULES.map(rule => [rule.id] as const))('rule %s', id => {
  const cases = RULE_EXAMPLES[id];

  it('has a positive example at least, in rule-examples.json', () => {
    expect(cases).toBeDefined();
    expect(cases.positive.length).toBeGreaterThan(0);
  });

  it('reports the secret in each positive case', () => {
    const scan = only(id);
    for (const { text, secret } of cases.positive) {
      const findings = scan(text);
      const found = findings.map(f => text.slice(f.start, f.end));
      if (secret === null) {
        expect(findings.map(f => f.ruleId)).toContain(id);
      } else {
        expect(found).toContain(secret);
      }
      for (const finding of findings) {
        expect(finding.preview).not.toContain(
          text.slice(finding.start, finding.end)
        );
      }
    }
  });

  it('reports nothing in the negative cases (with every rule on)', () => {
    for (const text of cases.negative) {
      expect(allRules(text).map(f => `${f.ruleId}: ${f.preview}`)).toEqual([]);
    }
  });
});

describe('anchored matching equals a full search', () => {
  type Indexed = RegExpMatchArray & {
    indices: ([number, number] | undefined)[];
  };

  /** The characters of a pattern's leading negative lookbehind, as a test. */
  function wordChar(pattern: string): (ch: string) => boolean {
    const lookbehind = /^\(\?<!\[((?:\\.|[^\]\\])+)\]\)/.exec(pattern);
    if (!lookbehind) {
      return () => false;
    }
    const cls = new RegExp(`^[${lookbehind[1]}]$`);
    return ch => cls.test(ch);
  }

  const texts = (id: string) => [
    ...RULE_EXAMPLES[id].positive.map(c => c.text),
    ...RULE_EXAMPLES[id].negative
  ];

  /**
   * Secret spans of the matches found the engine's way: at the start of the
   * run of word characters holding each keyword (see src/scanner/README.md).
   */
  function anchoredSpans(text: string, id: string): string[] {
    const rule = RULES.find(r => r.id === id)!;
    const inWord = wordChar(rule.pattern);
    const lower = text.toLowerCase();
    const regex = new RegExp(rule.pattern, `yd${rule.flags ?? ''}`);
    const spans: string[] = [];
    for (const keyword of rule.keywords) {
      for (
        let at = lower.indexOf(keyword);
        at >= 0;
        at = lower.indexOf(keyword, at + 1)
      ) {
        let anchor = at;
        while (anchor > 0 && inWord(text[anchor - 1])) {
          anchor--;
        }
        regex.lastIndex = anchor;
        const span = (regex.exec(text) as Indexed | null)?.indices[
          rule.secretGroup
        ];
        if (span) {
          spans.push(`${span[0]}-${span[1]}`);
        }
      }
    }
    return spans;
  }

  it.each(ruleIds.map(id => [id] as const))(
    '%s: every search match is also found at a keyword anchor',
    id => {
      // A port may search the whole text; the engine only tries keyword
      // anchors. Both must see the same secrets.
      const rule = RULES.find(r => r.id === id)!;
      for (const text of texts(id)) {
        const regex = new RegExp(rule.pattern, `gd${rule.flags ?? ''}`);
        const anchored = anchoredSpans(text, id);
        for (const match of text.matchAll(regex)) {
          const span = (match as Indexed).indices[rule.secretGroup];
          if (span) {
            expect(anchored).toContain(`${span[0]}-${span[1]}`);
          }
        }
      }
    }
  );

  it.each(ruleIds.map(id => [id] as const))(
    '%s: every finding is a search match',
    id => {
      const rule = RULES.find(r => r.id === id)!;
      const scan = only(id);
      for (const text of texts(id)) {
        const regex = new RegExp(rule.pattern, `gd${rule.flags ?? ''}`);
        const searched = [...text.matchAll(regex)]
          .map(m => (m as Indexed).indices[rule.secretGroup])
          .filter((span): span is [number, number] => span !== undefined)
          .map(([start, end]) => `${start}-${end}`);
        for (const finding of scan(text)) {
          expect(searched).toContain(`${finding.start}-${finding.end}`);
        }
      }
    }
  );
});

describe("Python's re", () => {
  const python = process.env.PYTHON ?? 'python3';
  let result: {
    errors: string[];
    groups: Record<string, number>;
    secrets: Record<string, (string | null)[][]>;
  };

  beforeAll(() => {
    const script = `
import json, re, sys
data = json.load(open(sys.argv[1]))
cases = json.load(open(sys.argv[2]))
flag_bits = {'i': re.IGNORECASE, 'm': re.MULTILINE, 's': re.DOTALL}
errors, groups, secrets = [], {}, {}
for source in data['placeholders'] + [s for l in data.get('allowlists', {}).values() for s in l]:
    try: re.compile(source)
    except re.error as e: errors.append('placeholder or shared allowlist %r: %s' % (source, e))
for rule in data['rules']:
    flags = 0
    for f in rule.get('flags', ''): flags |= flag_bits[f]
    try:
        regex = re.compile(rule['pattern'], flags)
    except re.error as e:
        errors.append('%s: %s' % (rule['id'], e)); continue
    for key in ('allowlist', 'matchAllowlist', 'nameAllowlist', 'passphraseNames'):
        for source in rule.get(key, []):
            try: re.compile(source, re.IGNORECASE if key in ('nameAllowlist', 'passphraseNames') else 0)
            except re.error as e: errors.append('%s %s: %s' % (rule['id'], key, e))
    groups[rule['id']] = regex.groups
    secrets[rule['id']] = [[m.group(rule['secretGroup']) for m in regex.finditer(c['text'])]
                           for c in cases[rule['id']]['positive']]
print(json.dumps({'errors': errors, 'groups': groups, 'secrets': secrets}))
`;
    const run = spawnSync(
      python,
      [
        '-c',
        script,
        join(__dirname, '../../src/scanner/rules.json'),
        join(__dirname, '../../src/scanner/rule-examples.json')
      ],
      { encoding: 'utf8' }
    );
    if (run.status !== 0) {
      throw new Error(`${python} failed: ${run.stderr || run.error}`);
    }
    result = JSON.parse(run.stdout);
  });

  it('compiles every pattern and allowlist', () => {
    expect(result.errors).toEqual([]);
  });

  it('sees the same capture groups', () => {
    for (const rule of RULES) {
      const jsGroups = new RegExp(`(?:${rule.pattern})|`).exec('')!.length - 1;
      expect([rule.id, result.groups[rule.id]]).toEqual([rule.id, jsGroups]);
    }
  });

  it('finds the same secrets in the positive cases', () => {
    for (const rule of RULES) {
      RULE_EXAMPLES[rule.id].positive.forEach(({ text }, i) => {
        const regex = new RegExp(rule.pattern, `g${rule.flags ?? ''}`);
        const js = [...text.matchAll(regex)].map(
          m => m[rule.secretGroup] ?? null
        );
        expect([rule.id, result.secrets[rule.id][i]]).toEqual([rule.id, js]);
      });
    }
  });
});

describe('RULE_SET', () => {
  it('lists the four suppression markers', () => {
    expect(RULE_SET.suppressions).toEqual([
      'pragma: allowlist secret',
      'gitleaks:allow',
      'secretlint-disable-line',
      'secret-mounts:ignore'
    ]);
  });
});
