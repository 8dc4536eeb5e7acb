/**
 * Shapes of credentials found missing or wrongly reported by the blind probe
 * blind-nb-D, each tested on text of its own kind (not the probe's): Fernet
 * keys, PEM blocks escaped twice, word-and-number passwords that look like
 * dotted names, key/value table rows, V2 signed URLs, and documented or
 * made-up values in their other forms.
 * pragma: allowlist secret
 */
import { scanText } from '../../src/scanner';

/** The rule and text of each finding. */
function found(text: string, now?: number): [string, string][] {
  return scanText(text, { now }).map(f => [
    f.ruleId,
    text.slice(f.start, f.end)
  ]);
}

const FERNET = 'IW3hpEI2zIkEw4_NMdyXDcuDw4lZbfmmGO3iQeQeAE4=';
const OTHER_FERNET = '4YYWK-yRkqSckNzm-nby_ZSO0fxgbQI29gHaETU8FuI=';

describe('Fernet keys', () => {
  it('are reported as the argument of Fernet(), MultiFernet lists included', () => {
    const text = `ring = MultiFernet([Fernet(u'${FERNET}'), Fernet(rb"${OTHER_FERNET}")])`;
    expect(found(text)).toEqual([
      ['fernet-key', FERNET],
      ['fernet-key', OTHER_FERNET]
    ]);
  });

  it('are not read off a value that cannot be 32 bytes (its last character carries unused bits)', () => {
    // 43 characters carry 258 bits: the last two must be zero ("E", not "F").
    const notAKey = `${FERNET.slice(0, 42)}F=`;
    expect(found(`box = Fernet("${notAKey}")`)).toEqual([]);
  });

  it('are reported under a Fernet name in a name/value env pair, the value on the next line', () => {
    const text = `containers:\n  - env:\n      - name: DAGSTER_FERNET_KEY\n        value: ${FERNET}\n`;
    expect(found(text)).toEqual([['name-value-credential', FERNET]]);
  });
});

describe('PEM private keys escaped twice (a Python string inside raw notebook JSON)', () => {
  const body = [
    '1SwRbEHs4VBKLm9fVpC56TJwQIq6fRiziOfvFQpK1osT0H1jEFDzV8uRmVXX',
    '+Jyks5D0rPy1fqzgrf+MySu/H2KJwjpLuCWduCvHkTSa0Sl51YLvl7Ep94lP'
  ];
  it.each([
    ['doubled', '\\\\n'],
    ['quadrupled', '\\\\\\\\n'],
    ['doubled CRLF', '\\\\r\\\\n']
  ])('are reported with %s newline escapes', (_, newline) => {
    const pem = `-----BEGIN RSA PRIVATE KEY-----${newline}${body.join(newline)}${newline}-----END RSA PRIVATE KEY-----`;
    const text = `   "KEY = \\"${pem}\\"\\n",`;
    expect(found(text).map(([rule]) => rule)).toEqual(['private-key']);
  });
});

describe('passwords shaped like a dotted name', () => {
  it('are reported when a segment ends in a number of four or more digits', () => {
    const text =
      'conn <- dbConnect(odbc::odbc(), UID = "etl", password = "Cobalt.meadow7731")';
    expect(found(text)).toEqual([['generic-credential', 'Cobalt.meadow7731']]);
  });

  it('still leave file names and member paths alone', () => {
    for (const value of [
      'model.h264',
      'tiles.m3u8',
      'cfg.db_pass2',
      'Vault.read'
    ]) {
      expect(found(`password = "${value}"`)).toEqual([]);
    }
  });
});

describe('key/value table rows', () => {
  it('report the value beside a credential name in a Markdown row', () => {
    const text =
      '| field | value |\n| --- | --- |\n| broker | mq.lab |\n| client_secret | lhVY1AlHnIor6h4luEk1bD |\n';
    expect(found(text)).toEqual([
      ['markdown-table-credential', 'lhVY1AlHnIor6h4luEk1bD']
    ]);
  });

  it('report the value beside a credential name in an HTML row (pandas Series or dict output)', () => {
    const text =
      '<table>\n  <tr>\n    <th>refresh_token</th>\n    <td>4JD0QEj7QxJmaERFhOIobLsTYh</td>\n  </tr>\n</table>';
    expect(found(text)).toEqual([
      ['html-table-credential', '4JD0QEj7QxJmaERFhOIobLsTYh']
    ]);
  });

  it('leave documentation tables alone: types, prose, placeholders, token counts', () => {
    const text = [
      '| argument | meaning |',
      '| --- | --- |',
      '| api_key | `str`, read from `OPENAI_API_KEY` when omitted |',
      '| password | optional |',
      '| token | <your-token> |',
      '<tr><th>max_tokens</th><td>1024</td></tr>',
      '<tr><td>secret_key</td><td>SECRET_KEY_FROM_ENV</td></tr>'
    ].join('\n');
    expect(found(text)).toEqual([]);
  });
});

describe('V2 signed URLs (Expires in seconds since the epoch)', () => {
  const signature = 'Ig6SviDOe4pu6QQzYr0TmSEgCGg%3D';
  const s3 = `https://b.s3.amazonaws.com/k.csv?AWSAccessKeyId=AKIAW4RZ7QOVJLBXE2MA&Signature=${signature}&Expires=1893456000`;
  const gcs = `https://storage.googleapis.com/b/k.csv?GoogleAccessId=sa%40p.iam.gserviceaccount.com&Expires=1893456000&Signature=${signature}`;
  const before = 1893456000 * 1000 - 1000;
  const after = 1893456000 * 1000 + 1000;

  it.each([
    ['S3', s3],
    ['Cloud Storage', gcs]
  ])(
    'report the %s signature while Expires is ahead, never the key id',
    (_, url) => {
      expect(found(url, before)).toEqual([
        ['signed-url-v2-signature', signature]
      ]);
    }
  );

  it.each([
    ['S3', s3],
    ['Cloud Storage', gcs]
  ])('report nothing once the %s URL expired', (_, url) => {
    expect(found(url, after)).toEqual([]);
  });
});

describe('documented and made-up values in their other forms', () => {
  it('RFC 6749 example tokens are documented examples', () => {
    const text =
      '{"access_token": "2YotnFZFEjr1zCsicMWpAA", "refresh_token": "tGzv3JOkF0XG5Qx2TlKWIA"}\nclient_secret = "7Fjfp0ZBr1KtDRbnfVdmIw"';
    expect(found(text)).toEqual([]);
  });

  it('base64 of a sequence or a repetition is a placeholder, as the plain value is', () => {
    // "654321fedcba", "zzzzzzzzzz", "svc:abcd1234"
    const text =
      'data:\n  token: NjU0MzIxZmVkY2Jh\n  secret: enp6enp6enp6eg==\n  auth: c3ZjOmFiY2QxMjM0\n';
    expect(found(text)).toEqual([]);
  });

  it('base64 of a random value is still reported', () => {
    const text = 'data:\n  password: V3E4clRuM3ZMcA==\n';
    expect(found(text)).toEqual([['generic-credential', 'V3E4clRuM3ZMcA==']]);
  });
});
