import { nullTranslator } from '@jupyterlab/translation';

import {
  normalizeVersion,
  versionMismatchMessage
} from '../../src/mounts/versioncheck';

const trans = nullTranslator.load('jupyterlab-secret-mounts');

describe('version check', () => {
  it('accepts the same release spelled by npm and by Python', () => {
    expect(versionMismatchMessage('0.1.0', '0.1.0', trans)).toBeNull();
    expect(
      versionMismatchMessage('0.2.0-alpha.1', '0.2.0a1', trans)
    ).toBeNull();
    expect(versionMismatchMessage('1.0.0-rc.2', '1.0.0rc2', trans)).toBeNull();
    expect(normalizeVersion('0.3.0-beta.0')).toBe('0.3.0b0');
  });

  it('tells the user how to fix a mismatch', () => {
    const message = versionMismatchMessage('0.2.0', '0.1.0', trans);
    expect(message).toContain('0.2.0');
    expect(message).toContain('0.1.0');
    expect(message).toContain('pip install');
    expect(message).toContain('restart');
  });

  it('treats different pre-releases as a mismatch', () => {
    expect(
      versionMismatchMessage('0.2.0-alpha.1', '0.2.0a2', trans)
    ).not.toBeNull();
    expect(versionMismatchMessage('0.2.0', '0.2.0a1', trans)).not.toBeNull();
  });
});
