/** The value heuristics that regular expressions cannot express. */
import {
  decodeBase64Text,
  isCamelIdentifier,
  isHexWords,
  isRepetitive,
  isSequential,
  isWordLike,
  shannonEntropy
} from '../../src/scanner';
import { valueProfile } from '../../src/scanner/heuristics';

describe('shannonEntropy', () => {
  it('is 0 for one repeated character and log2(n) for n distinct ones', () => {
    expect(shannonEntropy('')).toBe(0);
    expect(shannonEntropy('aaaaaaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBeCloseTo(2);
    expect(shannonEntropy('0123456789abcdef')).toBeCloseTo(4);
  });

  it('counts characters outside ASCII', () => {
    expect(shannonEntropy('ééàà')).toBeCloseTo(1);
  });
});

describe('isSequential', () => {
  it.each([
    '12345678-ABCD-ABCD-ABCD-1234567890AB',
    'dapiFEDCBA9876543210FEDCBA9876543210',
    'ntn_12345678901aBcDeFgHiJkLmNoPqRsT1234567890abcde',
    'cf_aAbBcCdDeEfFgGhHiIjJkKlLmMnNoOpPqQrRsStT03fa099b',
    'sq0atp-812erere3wewew45678901',
    'abcd1234abcd1234abcd1234'
  ])('flags %s', value => {
    expect(isSequential(value)).toBe(true);
  });

  it.each([
    'xuc7853jtk90i1wglyzkwvze0yzr21',
    'kWnqTdNZnRbWwJwkmApVURSJNnuDfqfAZJ',
    '7P3xeQmTheNfJIPXeIcreANwhtg0vL3llLBICZmG',
    // One short run in a long token is chance, not a placeholder.
    'ghs_12345_eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3NDU1NjgwMDAsImV4cCI6MTc0NTU2ODM2MH0'
  ])('passes %s', value => {
    expect(isSequential(value)).toBe(false);
  });
});

describe('isRepetitive', () => {
  it('flags a short unit repeated', () => {
    expect(isRepetitive('abcd1234'.repeat(8))).toBe(true);
    expect(isRepetitive('xyxyxyxyxyxy')).toBe(true);
    expect(isRepetitive('a'.repeat(20))).toBe(true);
  });

  it('passes random values and short ones', () => {
    expect(isRepetitive('7P3xeQmTheNfJIPXeIcreANwhtg0vL3llLBICZmG')).toBe(
      false
    );
    expect(isRepetitive('abab')).toBe(false);
  });
});

describe('isWordLike', () => {
  it('flags Capitalized words, as in code and prose', () => {
    expect(isWordLike('AgencyIdentificationCodeContentType')).toBe(true);
    expect(isWordLike('clm84837:AgencyIdentificationCodeContentType')).toBe(
      true
    );
  });

  it('flags camel-case identifiers, their lower-case head included', () => {
    expect(isWordLike('componentDidMount')).toBe(true);
    expect(isWordLike('_calculateSpringForce')).toBe(true);
    expect(isWordLike('levenshteinDistance')).toBe(true);
    // A lower-case run is a word only when it runs into a capital.
    expect(isWordLike('thisisnotcamel')).toBe(false);
    expect(isWordLike('nZasSfGzac_mgTApAqrZd_Yqty9I4HOXKyj8qeNKdYg')).toBe(
      false
    );
  });

  it('flags camel-case identifiers of three or more shorter words', () => {
    expect(isWordLike('setMinLevelToZero')).toBe(true);
    expect(isWordLike('_getNewTargetNode')).toBe(true);
    expect(isWordLike('$OnePieceAtTime')).toBe(true);
    // Two words, a lone capital, a digit or a word without a vowel: not one of them.
    expect(isCamelIdentifier('setLevel')).toBe(false);
    expect(isCamelIdentifier('setMinLevelTZero')).toBe(false);
    expect(isCamelIdentifier('setMin2LevelToZero')).toBe(false);
    expect(isCamelIdentifier('setMinLvlToZero')).toBe(false);
    expect(isCamelIdentifier('___setMinLevelToZero')).toBe(false);
  });

  it('passes random mixed-case values', () => {
    expect(isWordLike('kWnqTdNZnRbWwJwkmApVURSJNnuDfqfAZJ')).toBe(false);
    expect(isWordLike('YhRaTmOkCbEw')).toBe(false);
    expect(isWordLike('mySecret2024')).toBe(false);
  });

  it('counts only words that could be pronounced', () => {
    // "Tsprvu" has five consonants in a row and "Rdyj" no vowel: random letters.
    expect(isWordLike('Tsprvu5Ifijo')).toBe(false);
    expect(isWordLike('Pebble70+Rdyj')).toBe(false);
    // The same shapes with real words are still words.
    expect(isWordLike('Sprout5Fiji')).toBe(true);
    expect(isWordLike('Pebble70+Ruby')).toBe(true);
  });
});

describe('isHexWords', () => {
  it('flags words spelled in hex digits, leetspeak digits read as letters', () => {
    expect(isHexWords('cafeb4b3:d3adb33f')).toBe(true);
    expect(isHexWords('deadbeef')).toBe(true);
    expect(isHexWords('C0FFEE-FACE-B0A7')).toBe(true);
    expect(isHexWords('f00d_face')).toBe(true);
  });

  it('passes random hex, other characters and short values', () => {
    expect(isHexWords('d56d3bf2:29862dc3')).toBe(false);
    expect(isHexWords('8d0f3c92')).toBe(false);
    expect(isHexWords('cafebabe:deadbeeg')).toBe(false);
    expect(isHexWords('cafe')).toBe(false);
    expect(isHexWords('cafebabe::deadbeef')).toBe(false);
    // Three consonants or three vowels in a row do not spell.
    expect(isHexWords('cafbdbabe')).toBe(false);
    expect(isHexWords('caeaebabe')).toBe(false);
  });
});

describe('decodeBase64Text', () => {
  it('decodes base64 of printable text', () => {
    expect(decodeBase64Text('ZHVtbXkgdGV4dCBkYXRhIGRhdGEgZGF0YQ==')).toBe(
      'dummy text data data data'
    );
    expect(decodeBase64Text('c3ZjX3JlcG9ydDpPcmJpdDk5MSFsdW9w')).toBe(
      'svc_report:Orbit991!luop'
    );
  });

  it('returns null for binary data, non-base64 and short values', () => {
    expect(decodeBase64Text('/9j/4AAQSkZJRgABAQAAAQABAAD')).toBeNull();
    expect(decodeBase64Text('not base64!')).toBeNull();
    expect(decodeBase64Text('YWJj')).toBeNull();
    // At most two '=' of padding, and only at the end.
    expect(
      decodeBase64Text('ZHVtbXkgdGV4dCBkYXRhIGRhdGEgZGF0YQ===')
    ).toBeNull();
    expect(decodeBase64Text('ZHVtbXkgdGV4dCBk=YXRhIGRhdGEgZGF0YQ')).toBeNull();
  });

  it("agrees with Node's base64 decoder on generated values (padding, URL-safe, bad characters)", () => {
    const reference = (value: string): string | null => {
      if (value.length > 128 || !/^[A-Za-z0-9+/_-]{12,}={0,2}$/.test(value)) {
        return null;
      }
      const body = value.replace(/=+$/, '');
      if (body.length % 4 === 1) {
        return null;
      }
      const bytes = Buffer.from(
        body.replace(/-/g, '+').replace(/_/g, '/'),
        'base64'
      );
      const printable = [...bytes].every(
        b => (b >= 0x20 && b < 0x7f) || b === 9 || b === 10 || b === 13
      );
      return printable && bytes.length >= 4 ? bytes.toString('latin1') : null;
    };
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const texts = ['user:password', 'dummy text', 'svc:Orbit991!', 'a\tb\nc~'];
    const values: string[] = [];
    for (let n = 0; n < 3000; n++) {
      const text = texts[next(texts.length)].repeat(1 + next(8));
      let encoded = Buffer.from(text).toString('base64');
      if (next(3) === 0) {
        encoded = encoded.replace(/=+$/, '');
      }
      if (next(3) === 0) {
        encoded = encoded.replace(/\+/g, '-').replace(/\//g, '_');
      }
      const at = next(encoded.length + 1);
      const edits = ['', '', '=', '==', '!', 'é', '\u0001', 'Q'];
      values.push(
        encoded.slice(0, at) + edits[next(edits.length)] + encoded.slice(at)
      );
    }
    let decodedCount = 0;
    for (const value of values) {
      const expected = reference(value);
      expect(decodeBase64Text(value)).toBe(expected);
      decodedCount += expected === null ? 0 : 1;
    }
    expect(decodedCount).toBeGreaterThan(values.length / 4);
  });
});

describe('valueProfile', () => {
  it('agrees with the separate heuristics', () => {
    const values = [
      '',
      'aaaa',
      '12345678-ABCD-ABCD-ABCD-1234567890AB',
      'AgencyIdentificationCodeContentType',
      'xuc7853jtk90i1wglyzkwvze0yzr21',
      'Ünïcödé-tëxt-1234',
      'sq0atp-812erere3wewew45678901',
      'x'.repeat(400) + 'abcdefgh',
      // At the edges: words covering exactly 60%, runs of exactly 4.
      'AbcdAbcdAbcd12345678',
      'AbcdAbcdAbc123456789',
      'abcdQ9xZ2kP7mR4tW8vB',
      'aAbBcCdD19zK7qW3',
      'componentDidMount',
      'abcdEfgh9xyzwQrst',
      'q9abcdEfgh'
    ];
    for (const value of values) {
      const profile = valueProfile(value);
      expect(profile.entropy).toBeCloseTo(shannonEntropy(value), 10);
      expect(profile.sequential).toBe(isSequential(value));
      expect(profile.wordLike).toBe(isWordLike(value));
    }
  });

  it('agrees with them on many generated values (runs, words, repeats, non-ASCII)', () => {
    // A fixed linear congruential generator: the same values on every run.
    let seed = 12345;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pieces = [
      'abcdefghijklmnopqrstuvwxyz',
      'ZYXWVUTSRQPONMLKJIHGFEDCBA',
      '0123456789',
      '9876543210',
      'Agency',
      'Token',
      'Tsprvu',
      'Rdyj',
      'aAbBcC',
      '-_./+=~',
      'é…ü🔑',
      'x7Qk2mZp'
    ];
    for (let n = 0; n < 5000; n++) {
      let value = '';
      const parts = 1 + next(12);
      for (let p = 0; p < parts; p++) {
        const piece = pieces[next(pieces.length)];
        const from = next(piece.length);
        value += piece.slice(from, from + 1 + next(12));
      }
      const profile = valueProfile(value);
      expect(profile.entropy).toBeCloseTo(shannonEntropy(value), 10);
      expect(profile.sequential).toBe(isSequential(value));
      expect(profile.wordLike).toBe(isWordLike(value));
    }
  });
});
