import { execFileSync } from 'child_process';

import { IdentifierStyle, variableName } from '../../src/snippets/identifier';
import { AWKWARD_NAMES } from './awkward';

const STYLES: IdentifierStyle[] = ['python', 'r', 'julia', 'shell'];

/** Identifier grammar of each language (ASCII subset, which is what names use). */
const VALID: Record<IdentifierStyle, RegExp> = {
  python: /^[A-Za-z_][A-Za-z0-9_]*$/,
  // R: a letter (or a dot not followed by a digit) first; never an underscore first.
  r: /^([A-Za-z]|\.(?![0-9]))[A-Za-z0-9._]*$/,
  julia: /^[A-Za-z_][A-Za-z0-9_!]*$/,
  shell: /^[A-Za-z_][A-Za-z0-9_]*$/
};

describe('variableName', () => {
  it('joins folder and key in snake case', () => {
    expect(variableName('db-creds', 'password', 'python')).toBe(
      'db_creds_password'
    );
    expect(variableName('db-creds', 'password', 'shell')).toBe(
      'DB_CREDS_PASSWORD'
    );
    expect(variableName('tls', 'certs/ca.crt', 'julia')).toBe(
      'tls_certs_ca_crt'
    );
    expect(variableName('aws', 'AWS_ACCESS_KEY_ID', 'r')).toBe(
      'aws_aws_access_key_id'
    );
  });

  it('drops accents rather than whole letters', () => {
    expect(variableName('crédits', 'pässwört', 'python')).toBe(
      'credits_passwort'
    );
  });

  it('never starts with a digit or an underscore, never is empty', () => {
    expect(variableName('2fa', '1password', 'python')).toBe(
      'secret_2fa_1password'
    );
    expect(variableName('..', '_x', 'r')).toBe('x');
    expect(variableName('ключ', '鍵', 'python')).toBe('secret');
    expect(variableName('', '', 'shell')).toBe('SECRET');
  });

  it('never is a keyword or a name the snippet itself needs', () => {
    expect(variableName('', 'import', 'python')).toBe('import_value');
    expect(variableName('', 'json', 'python')).toBe('json_value');
    expect(variableName('', 'function', 'r')).toBe('function_value');
    expect(variableName('', 'end', 'julia')).toBe('end_value');
    expect(variableName('', 'path', 'shell')).toBe('PATH_VALUE');
    expect(variableName('', 'ifs', 'shell')).toBe('IFS_VALUE');
  });

  it.each(STYLES)('is a valid %s identifier for awkward names', style => {
    for (const folder of AWKWARD_NAMES) {
      for (const key of ['password', '0', '.dot', 'a-b_c.d']) {
        expect(variableName(folder, key, style)).toMatch(VALID[style]);
      }
    }
  });

  it('is a name Python accepts as an assignment target', () => {
    const names = AWKWARD_NAMES.flatMap(folder => [
      variableName(folder, 'key', 'python'),
      variableName('', folder, 'python')
    ]);
    const out = execFileSync(
      'python3',
      [
        '-c',
        'import json, keyword, sys\n' +
          'names = json.load(sys.stdin)\n' +
          'print(all(n.isidentifier() and not keyword.iskeyword(n) for n in names))'
      ],
      { input: JSON.stringify(names), encoding: 'utf8' }
    );
    expect(out.trim()).toBe('True');
  });
});
