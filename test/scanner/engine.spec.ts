/**
 * scanText as callers use it: offsets and positions, options, suppression
 * comments, placeholders and references, overlaps and previews.
 * pragma: allowlist secret
 */
import {
  InvalidAllowlistError,
  RULES,
  RULE_SET,
  Scanner,
  redact,
  scanText
} from '../../src/scanner';
import { RULE_EXAMPLES } from './examples';

const OPENAI =
  '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';
const AWS_KEY_ID = 'AKIACSRIB4G2NZMJVCL5';
const GENERIC = '7P3xeQmTheNfJIPXeIcreANwhtg0vL3llLBICZmG';

describe('scanText', () => {
  it('reports the range of the secret itself, with 1-based line and column', () => {
    const text = `import openai\nopenai.api_key = "${OPENAI}"\n`;
    const [finding, ...rest] = scanText(text);
    expect(rest).toEqual([]);
    expect(finding.ruleId).toBe('openai-api-key');
    expect(text.slice(finding.start, finding.end)).toBe(OPENAI);
    expect(finding.line).toBe(2);
    expect(finding.column).toBe('openai.api_key = "'.length + 1);
    expect(finding.confidence).toBe('high');
    expect(finding.message).toBe('OpenAI API key');
  });

  it('counts offsets and columns in UTF-16 code units', () => {
    const text = `# 🔑 clé\napi_token = "${GENERIC}"`;
    const [finding] = scanText(text);
    expect(text.slice(finding.start, finding.end)).toBe(GENERIC);
    expect(finding.line).toBe(2);
    expect(finding.column).toBe(14);
    const emojiFirst = `🔑🔑 API_TOKEN="${GENERIC}"`;
    const [onFirstLine] = scanText(emojiFirst);
    expect(onFirstLine.start).toBe(emojiFirst.indexOf(GENERIC));
    expect(onFirstLine.column).toBe(emojiFirst.indexOf(GENERIC) + 1);
  });

  it('reports each secret once, by the most specific rule', () => {
    // Both the vendor rule and the generic assignment rule match this value.
    const findings = scanText(`OPENAI_API_KEY = "${OPENAI}"`);
    expect(findings.map(f => f.ruleId)).toEqual(['openai-api-key']);
  });

  it('finds several secrets, in order', () => {
    const text = [
      `aws_access_key_id = ${AWS_KEY_ID}`,
      'aws_secret_access_key = WRV+3Rw/ZBXEd6Y1FCKmY8bYtB6YsoAtOpZqEka3',
      `token = "${GENERIC}"`
    ].join('\n');
    expect(scanText(text).map(f => [f.ruleId, f.line])).toEqual([
      ['aws-access-key-id', 1],
      ['aws-secret-access-key', 2],
      ['generic-credential', 3]
    ]);
  });

  it('returns nothing for an empty or clean text', () => {
    expect(scanText('')).toEqual([]);
    expect(
      scanText('import pandas as pd\ndf = pd.read_csv("data.csv")\n')
    ).toEqual([]);
  });

  describe('previews', () => {
    it('never contain the whole value', () => {
      const text = `a = "${OPENAI}"\nb: ${AWS_KEY_ID}\nc_token = "${GENERIC}"`;
      for (const finding of scanText(text)) {
        expect(finding.preview).not.toContain(
          text.slice(finding.start, finding.end)
        );
        expect(
          finding.preview.startsWith(
            text.slice(finding.start, finding.start + 2)
          )
        ).toBe(true);
      }
    });

    it('show at most four characters and at most a quarter of the value', () => {
      expect(redact(OPENAI)).toBe('sk-p********');
      expect(redact('abcdefgh')).toBe('ab********');
      expect(redact('abc')).toBe('********');
      expect(redact('')).toBe('********');
      for (const value of [
        'x',
        'xy',
        'p4ssw0rd',
        'correct horse battery staple'
      ]) {
        expect(redact(value)).not.toContain(value);
      }
    });

    it('do not cut a surrogate pair', () => {
      expect(redact('🔑🔑🔑🔑🔑🔑🔑🔑')).toBe('🔑🔑********');
      // Four code units would end inside the second emoji: three are shown.
      expect(redact(`a${'🔑'.repeat(8)}`)).toBe('a🔑********');
    });
  });

  describe('options', () => {
    it('skips disabled rules', () => {
      const text = `key = "${OPENAI}"`;
      const findings = scanText(text, { disabledRules: ['openai-api-key'] });
      // The generic rule still sees the assignment.
      expect(findings.map(f => f.ruleId)).toEqual(['generic-credential']);
      expect(
        scanText(text, {
          disabledRules: ['openai-api-key', 'generic-credential']
        })
      ).toEqual([]);
    });

    it('ignores secrets matching a user allowlist', () => {
      const text = `token = "${GENERIC}"\nother_token = "Zq81mNx0Lw7pKc4vRt2yB9sD"`;
      const findings = scanText(text, { allowlist: ['^7P3x'] });
      expect(findings.map(f => text.slice(f.start, f.end))).toEqual([
        'Zq81mNx0Lw7pKc4vRt2yB9sD'
      ]);
    });

    it('rejects an invalid allowlist entry with a clear error', () => {
      expect(() => scanText('x', { allowlist: ['ok', '(unclosed'] })).toThrow(
        InvalidAllowlistError
      );
      expect(() => scanText('x', { allowlist: ['(unclosed'] })).toThrow(
        /allowlist entry 1 is not a valid regular expression/
      );
    });

    it('prepares a scan function once for many texts', () => {
      const scan = new Scanner().prepare({
        disabledRules: ['generic-credential']
      });
      expect(scan(`key = "${GENERIC}"`)).toEqual([]);
      expect(scan(`key = "${OPENAI}"`).map(f => f.ruleId)).toEqual([
        'openai-api-key'
      ]);
    });
  });

  describe('signed URLs', () => {
    const url =
      'https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAKHG34MX5YP3ZIKFS%2F20240312%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240312T101522Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=7615e9b806c40f556617e570e1068a2dee775d78a0390c2196eb3f7561523a35';
    const signedAt = Date.UTC(2024, 2, 12, 10, 15, 22);

    it('report the signature while the URL is valid, never the credential parameter', () => {
      const findings = scanText(url, { now: signedAt + 3599 * 1000 });
      expect(findings.map(f => url.slice(f.start, f.end))).toEqual([
        '7615e9b806c40f556617e570e1068a2dee775d78a0390c2196eb3f7561523a35'
      ]);
    });

    it('report nothing once it expired', () => {
      expect(scanText(url, { now: signedAt + 3601 * 1000 })).toEqual([]);
      expect(scanText(url)).toEqual([]); // by the clock: 2024 is past
    });

    it('report the signature when the date does not exist', () => {
      const bad = url.replace('20240312T', '20240230T');
      expect(scanText(bad).map(f => f.ruleId)).toEqual([
        'signed-url-signature'
      ]);
    });
  });

  describe('expiry of Azure SAS URLs and JWTs', () => {
    // se= comes before sv=, outside the part the rule matches: the URL around it counts.
    const sas =
      'https://labstore.blob.core.windows.net/out/r.csv?sp=r&st=2031-03-01T08:00:00Z&se=2031-03-08T17%3A30%3A00Z&spr=https&sv=2022-11-02&sr=b&sig=rUDDT4uL55o5IJ46uPmZn3EsiKp44NuAdHYaYm73rlM%3D';
    const sasEnd = Date.UTC(2031, 2, 8, 17, 30, 0);

    it('report a SAS signature until se, then nothing', () => {
      expect(scanText(sas, { now: sasEnd - 1000 }).map(f => f.ruleId)).toEqual([
        'azure-sas-token'
      ]);
      expect(scanText(sas, { now: sasEnd + 1000 })).toEqual([]);
    });

    it('read a date-only se as midnight UTC, and ignore one that does not exist', () => {
      const day = sas.replace('se=2031-03-08T17%3A30%3A00Z', 'se=2031-03-08');
      expect(scanText(day, { now: Date.UTC(2031, 2, 8, 0, 0, 1) })).toEqual([]);
      const bad = sas.replace('se=2031-03-08', 'se=2031-02-30');
      expect(scanText(bad, { now: sasEnd + 1000 })).toHaveLength(1);
    });

    const expired =
      'eyJhbGciOiAiUlMyNTYiLCAidHlwIjogIkpXVCIsICJraWQiOiAiMDAyZGQxY2VkOWZiZGNkNiJ9.eyJzdWIiOiAiNTlmZjJlNzVhMzQxIiwgImlzcyI6ICJodHRwczovL2xvZ2luLmludGVybmFsLnRlc3QvcmVhbG1zL2xhYiIsICJleHAiOiAxNjAyNzIwMDAwLCAiaWF0IjogMTYwMjcxOTEwMH0.sDl0hqsEyXywX0ILqsHDpBWZxo__LpZorXpjrUADot9wWpDBsPy6exGBMcH2qorSJSHPaWolBciDHsWfhcs9Ug';
    const live =
      'eyJhbGciOiAiUlMyNTYiLCAidHlwIjogIkpXVCIsICJraWQiOiAiMDAyZGQxY2VkOWZiZGNkNiJ9.eyJzdWIiOiAiM2MyM2MyMjgwOGM2IiwgImlzcyI6ICJodHRwczovL2xvZ2luLmludGVybmFsLnRlc3QvcmVhbG1zL2xhYiIsICJleHAiOiA0MTAyNDQ0ODAwLCAiaWF0IjogNDEwMjQ0MzkwMH0.5Aya-6UZiD-ullNohIGjjnhDxiPjtcAzEhIXcIxxcDa1vgJqGqmNV3OtzUX9ZgQp3Yq0b9AYwD0UFMQdAOdh_g';

    // Unlike a signed URL, a token with a past exp stays a finding: the labelled corpus counts
    // such tokens as credentials (refresh flows, clock skew, and the habit of pasting tokens).
    it('report a JWT whether its exp is past or to come', () => {
      for (const token of [expired, live]) {
        expect(
          scanText(`access_token = "${token}"`).map(f => f.ruleId)
        ).toEqual(['jwt']);
      }
    });
  });

  describe('suppression comments on the same line', () => {
    it.each([
      ['# pragma: allowlist secret'],
      ['# gitleaks:allow'],
      ['// secretlint-disable-line'],
      ['# secret-mounts:ignore'],
      ['# PRAGMA: ALLOWLIST SECRET']
    ])('%s', marker => {
      const text = `token = "${GENERIC}"  ${marker}\nother = "${OPENAI}"`;
      const findings = scanText(text);
      expect(findings.map(f => f.ruleId)).toEqual(['openai-api-key']);
      expect(findings[0].line).toBe(2);
    });

    it('count for nothing when the scan is told not to honour them', () => {
      const scan = new Scanner().prepare({ suppressions: false });
      const text = `token = "${GENERIC}"  # secret-mounts:ignore`;
      expect(scan(text).map(f => f.ruleId)).toEqual(['generic-credential']);
      expect(new Scanner().prepare()(text)).toEqual([]);
    });

    it('only on the line of the finding', () => {
      const text = `# pragma: allowlist secret\ntoken = "${GENERIC}"`;
      expect(scanText(text)).toHaveLength(1);
    });

    it('on the first line of a multi-line private key', () => {
      const key = [
        'pk = """-----BEGIN RSA PRIVATE KEY-----  # pragma: allowlist secret',
        'MIIEowIBAAKCAQEAzkeiyvYuUfQTOWZO3at9u/AOOr8rGJvAJ2ZLOh1jIYCf9wlq',
        'tFV4J10IV6CMkCSGbo6XRo6UzZY77QDC7B1cBcTy9QyqXT3hbCA9j46idYAacOfJ',
        '-----END RSA PRIVATE KEY-----"""'
      ].join('\n');
      expect(scanText(key)).toEqual([]);
      expect(
        scanText(key.replace('  # pragma: allowlist secret', ''))
      ).toHaveLength(1);
    });
  });

  // What the rules are not fooled by (placeholders, references to the
  // environment or a file, documented examples, redacted values...) are the
  // negative examples of each rule in src/scanner/rule-examples.json.

  it('runs all rules in a reasonable order: vendor rules before generic ones', () => {
    const ids = RULES.map(rule => rule.id);
    expect(ids.indexOf('openai-api-key')).toBeLessThan(
      ids.indexOf('generic-credential')
    );
    expect(ids.indexOf('jwt')).toBeLessThan(
      ids.indexOf('authorization-header')
    );
  });
});

describe('base64 of a JSON document (a Docker config)', () => {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  const secrets = (text: string) =>
    scanText(text).map(f => text.slice(f.start, f.end));
  const config = (fields: string) =>
    `  .dockerconfigjson: ${b64(`{"auths":{"r.corp.io":{${fields}}}}`)}`;

  it('is judged by its credential fields, not by their names', () => {
    // "password" is a placeholder word as a value; as a field name it says nothing.
    const text = config('"username":"ci","password":"Xk29fLqpWz"');
    expect(secrets(text)).toEqual([text.slice(text.indexOf('eyJ'))]);
  });

  it('hides a placeholder when every credential field holds one', () => {
    expect(secrets(config('"username":"ci","password":"changeme"'))).toEqual(
      []
    );
    // An `auth` field is base64 of user:password itself.
    expect(secrets(config(`"auth":"${b64('ci:changeme')}"`))).toEqual([]);
    expect(
      secrets(config(`"auth":"${b64('ci:Xk29fLqpWz')}","password":"changeme"`))
    ).toHaveLength(1);
  });
});

describe('a backslash escape before a vendor-prefixed token', () => {
  const DATABRICKS = 'dapi3e8c1f7a9b2d45e6c0f1a8b7d4e29c53';
  const GITHUB = 'ghp_Zt4kQ9wLx2Rm7Vb5Np8Js3Hd6Fg1Yc0Ea2Ku';

  it('ends the word: \\n, \\r and \\t in a string literal', () => {
    for (const escape of ['\\n', '\\r', '\\t']) {
      for (const token of [DATABRICKS, GITHUB, AWS_KEY_ID]) {
        const text = `echo -e "host${escape}${token}" | tool configure`;
        expect(scanText(text).map(f => text.slice(f.start, f.end))).toEqual([
          token
        ]);
      }
    }
  });

  it('is needed: the same letters without the backslash are part of a word', () => {
    for (const token of [DATABRICKS, GITHUB, AWS_KEY_ID]) {
      expect(scanText(`id = "run${token}"`)).toEqual([]);
    }
  });
});

describe('placeholder keywords (the gate in front of the unanchored placeholder patterns)', () => {
  const caseTexts = Object.values(RULE_EXAMPLES).flatMap(cases => [
    ...cases.positive.map(c => c.text),
    ...cases.negative
  ]);
  // Each positive case's secret with placeholder-looking text inside it.
  const marked = Object.values(RULE_EXAMPLES).flatMap(cases =>
    cases.positive
      .filter(c => c.secret !== null && c.secret.length > 12)
      .flatMap(c => {
        const secret = c.secret!;
        const middle = secret.length >> 1;
        return [
          'XXXX',
          'REDACTED',
          'your',
          'Example',
          '${',
          '...',
          '…',
          '••••',
          'ChangeMe',
          'Paste_Here',
          'TODO',
          'PASSWORD'
        ].map(word =>
          c.text.replace(
            secret,
            secret.slice(0, middle) + word + secret.slice(middle)
          )
        );
      })
  );

  it('occur in every match of every unanchored placeholder pattern', () => {
    const keywords = RULE_SET.placeholderKeywords!;
    for (const source of RULE_SET.placeholders.filter(
      p => !p.startsWith('^')
    )) {
      const regex = new RegExp(source, 'g');
      for (const text of [...caseTexts, ...marked]) {
        for (const match of text.matchAll(regex)) {
          const lower = match[0].toLowerCase();
          expect(keywords.some(keyword => lower.includes(keyword))).toBe(true);
        }
      }
    }
  });

  it('change no finding: the same results as running every pattern on every secret', () => {
    const gated = new Scanner().prepare();
    const ungated = new Scanner({
      ...RULE_SET,
      placeholderKeywords: []
    }).prepare();
    let placeholders = 0;
    for (const text of [...caseTexts, ...marked]) {
      const expected = ungated(text);
      expect(gated(text)).toEqual(expected);
      placeholders += expected.length === 0 ? 1 : 0;
    }
    // The marked secrets are placeholders now: the gate had work to do.
    expect(placeholders).toBeGreaterThan(marked.length / 2);
  });
});
