import {
  detectLanguage,
  normalizeLanguage
} from '../../src/snippets/languages';

describe('normalizeLanguage', () => {
  it('knows the names kernels report', () => {
    expect(normalizeLanguage('python')).toBe('python');
    expect(normalizeLanguage('Python3')).toBe('python');
    expect(normalizeLanguage('R')).toBe('r');
    expect(normalizeLanguage('julia')).toBe('julia');
    expect(normalizeLanguage('bash')).toBe('bash');
    expect(normalizeLanguage('scala')).toBeNull();
  });
});

describe('detectLanguage', () => {
  it("takes the running kernel's language first", () => {
    expect(
      detectLanguage({
        kernelLanguage: 'R',
        languageInfo: 'python',
        path: 'x.py'
      })
    ).toEqual({ kind: 'supported', language: 'r' });
  });

  it('uses language_info when the kernel spec says nothing', () => {
    expect(
      detectLanguage({ kernelLanguage: '', languageInfo: 'julia' })
    ).toEqual({
      kind: 'supported',
      language: 'julia'
    });
  });

  it('names a kernel language without templates, for the message', () => {
    expect(detectLanguage({ kernelLanguage: 'scala' })).toEqual({
      kind: 'unsupported',
      name: 'scala'
    });
  });

  it('reads file editors by MIME type, then by extension', () => {
    expect(detectLanguage({ mimeType: 'text/x-rsrc', path: 'a.txt' })).toEqual({
      kind: 'supported',
      language: 'r'
    });
    expect(
      detectLanguage({ mimeType: 'text/plain', path: 'deploy.SH' })
    ).toEqual({
      kind: 'supported',
      language: 'bash'
    });
    expect(
      detectLanguage({ mimeType: 'text/x-yaml', path: 'values.yaml' })
    ).toEqual({
      kind: 'unsupported',
      name: '.yaml'
    });
  });

  it('knows nothing when nothing is said (callers fall back to Python)', () => {
    expect(detectLanguage({})).toEqual({ kind: 'unknown' });
    expect(
      detectLanguage({ kernelLanguage: null, languageInfo: '  ' })
    ).toEqual({
      kind: 'unknown'
    });
  });
});
