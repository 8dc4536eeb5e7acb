import { execFileSync } from 'child_process';
import { tmpdir } from 'os';

import {
  hasLoneSurrogate,
  ipythonShellWord,
  juliaString,
  pythonString,
  rString,
  shellWord,
  UnsafeForIPythonShell
} from '../../src/snippets/quote';
import { AWKWARD_NAMES } from './awkward';

describe('pythonString', () => {
  it('is read back by Python as exactly the same string', () => {
    const literals = AWKWARD_NAMES.map(pythonString);
    const out = execFileSync(
      'python3',
      [
        '-c',
        'import ast, json, sys\n' +
          'print(json.dumps([ast.literal_eval(s) for s in json.load(sys.stdin)]))'
      ],
      { input: JSON.stringify(literals), encoding: 'utf8' }
    );
    expect(JSON.parse(out)).toEqual(AWKWARD_NAMES);
  });

  it('writes escapes the way repr() would, and keeps readable Unicode', () => {
    expect(pythonString("it's")).toBe("'it\\'s'");
    expect(pythonString('a\\b')).toBe("'a\\\\b'");
    expect(pythonString('ключ')).toBe("'ключ'");
    // Invisible characters are spelled out, so a path cannot masquerade as another.
    expect(pythonString('a\u202eb')).toBe("'a\\u202Eb'");
    expect(pythonString('a\u0007')).toBe("'a\\x07'");
  });
});

describe('shellWord', () => {
  const shells = ['bash', 'sh'];
  it.each(shells)('is read back by %s as exactly the same word', shell => {
    const script = `printf '%s\\0' ${AWKWARD_NAMES.map(shellWord).join(' ')}`;
    const out = execFileSync(shell, ['-c', script], {
      encoding: 'utf8',
      cwd: tmpdir()
    });
    expect(out.split('\0').slice(0, -1)).toEqual(AWKWARD_NAMES);
  });

  it('leaves plain paths bare and quotes the rest', () => {
    expect(shellWord('/secrets/db-creds/password')).toBe(
      '/secrets/db-creds/password'
    );
    expect(shellWord("/secrets/it's")).toBe("'/secrets/it'\\''s'");
    expect(shellWord('/a b')).toBe("'/a b'");
  });
});

describe('ipythonShellWord', () => {
  it('doubles braces, which IPython would otherwise evaluate', () => {
    expect(ipythonShellWord('/secrets/{x}')).toBe("'/secrets/{{x}}'");
  });

  it('refuses $ and single quotes rather than guessing how IPython expands them', () => {
    expect(() => ipythonShellWord('/secrets/$HOME')).toThrow(
      UnsafeForIPythonShell
    );
    expect(() => ipythonShellWord("/secrets/it's")).toThrow(
      UnsafeForIPythonShell
    );
  });
});

/**
 * R and Julia are not installed here: decode their literals with the escape rules of each
 * language's reference (only the escapes a literal may contain) and compare.
 */
function decode(
  literal: string,
  escapes: Record<string, string>,
  unicode: RegExp,
  forbidden: RegExp
): string {
  // `unicode` matches a code point escape after the backslash; its first group that took
  // part in the match holds the hex digits.
  expect(literal.startsWith('"') && literal.endsWith('"')).toBe(true);
  const body = literal.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const char = body[i];
    expect(forbidden.test(char)).toBe(false);
    if (char !== '\\') {
      out += char;
      continue;
    }
    const rest = body.slice(i + 1);
    const match = unicode.exec(rest);
    if (match) {
      const digits = match.slice(1).find(group => group !== undefined)!;
      out += String.fromCodePoint(parseInt(digits, 16));
      i += match[0].length;
    } else {
      expect(escapes).toHaveProperty([rest[0]]);
      out += escapes[rest[0]];
      i += 1;
    }
  }
  return out;
}

describe('rString', () => {
  const escapes = { '\\': '\\', '"': '"', n: '\n', r: '\r', t: '\t' };
  it.each(AWKWARD_NAMES)('round-trips %j', name => {
    // R: \u{XXXX} and \U{XXXXXXXX}; an unescaped " would end the string.
    const unicode = /^[uU]\{([0-9A-F]{1,8})\}/;
    expect(decode(rString(name), escapes, unicode, /"/)).toBe(name);
  });

  it('needs no escape for $ and keeps readable Unicode', () => {
    expect(rString('a$b ключ')).toBe('"a$b ключ"');
    expect(rString('a\u202e1')).toBe('"a\\u{202E}1"');
  });
});

describe('juliaString', () => {
  const escapes = {
    '\\': '\\',
    '"': '"',
    $: '$',
    n: '\n',
    r: '\r',
    t: '\t'
  };
  it.each(AWKWARD_NAMES)('round-trips %j', name => {
    // Julia: \uXXXX (at most 4 digits) and \UXXXXXXXX (at most 8); a bare $ interpolates.
    const unicode = /^(?:u([0-9A-F]{4})|U([0-9A-F]{8}))/;
    expect(decode(juliaString(name), escapes, unicode, /["$]/)).toBe(name);
  });

  it('escapes $ so Julia does not interpolate', () => {
    expect(juliaString('$HOME')).toBe('"\\$HOME"');
    expect(juliaString('$(rm)')).toBe('"\\$(rm)"');
  });

  it('uses fixed-width escapes so following hex digits are not swallowed', () => {
    expect(juliaString('\u0007beef')).toBe('"\\u0007beef"');
  });
});

describe('hasLoneSurrogate', () => {
  it('finds unpaired surrogates only', () => {
    expect(hasLoneSurrogate('a\ud800b')).toBe(true);
    expect(hasLoneSurrogate('🔑')).toBe(false);
  });
});
