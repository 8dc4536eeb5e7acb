import {
  isKey,
  isSecretName,
  nameBefore,
  nextName,
  suggestNames
} from '../../src/secrets/names';

function at(source: string, value: string) {
  return source.indexOf(value);
}

describe('suggestNames', () => {
  it.each([
    ['GITHUB_TOKEN = "ghp_x"', 'github-token', 'token'],
    ["api_key: str = 'k_x'", 'api-key', 'key'],
    ['dbPassword = "p_x"', 'db-password', 'password'],
    ['client(token="t_x")', 'token', 'token'],
    ['cfg = {"aws_secret_access_key": "a_x"}', 'aws-secret-access-key', 'key'],
    ['x <- "r_x"', 'x', 'x'],
    ['export SLACK_WEBHOOK="s_x"', 'slack-webhook', 'webhook'],
    ['token = r"raw_x"', 'token', 'token']
  ])('%s -> Secret %s, key %s', (source, secretName, key) => {
    // The value is the last quoted string of the line.
    const quoted = [...source.matchAll(/"([^"]+)"|'([^']+)'/g)].pop()!;
    const start = source.lastIndexOf(quoted[1] ?? quoted[2]);
    expect(suggestNames(source, start, 'generic')).toEqual({ secretName, key });
  });

  it('falls back to the rule that found the value', () => {
    const source = 'requests.get(url, auth=("u", "ghp_x"))';
    expect(suggestNames(source, at(source, 'ghp_x'), 'github-pat')).toEqual({
      secretName: 'github-pat',
      key: 'token'
    });
    expect(nameBefore(source, at(source, 'ghp_x'))).toBeNull();
  });

  it('only suggests names Kubernetes accepts', () => {
    const source = `${'A_'.repeat(60)}KEY = "v_x"`;
    const names = suggestNames(source, at(source, 'v_x'), 'r');
    expect(isSecretName(names.secretName)).toBe(true);
    expect(isKey(names.key)).toBe(true);
  });
});

describe('names Kubernetes accepts', () => {
  it('checks Secret names and keys as the API server does', () => {
    expect(isSecretName('db-creds.v2')).toBe(true);
    expect(isSecretName('DB')).toBe(false);
    expect(isSecretName('-db')).toBe(false);
    expect(isSecretName('a'.repeat(254))).toBe(false);
    expect(isKey('tls.crt')).toBe(true);
    expect(isKey('API_TOKEN')).toBe(true);
    expect(isKey('a/b')).toBe(false);
    expect(isKey('..')).toBe(false);
  });

  it('offers the next name when one is taken', () => {
    expect(nextName('db')).toBe('db-2');
    expect(nextName('db-2')).toBe('db-3');
    expect(nextName('backup-2024')).toBe('backup-2024-2');
  });
});
