/** The value heuristics that regular expressions cannot express. */
import {
  decodeBase64Text,
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

  it('passes random mixed-case values', () => {
    expect(isWordLike('kWnqTdNZnRbWwJwkmApVURSJNnuDfqfAZJ')).toBe(false);
    expect(isWordLike('mySecret2024')).toBe(false);
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
      'x'.repeat(400) + 'abcdefgh'
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
