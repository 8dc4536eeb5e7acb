import { TranslationBundle } from '@jupyterlab/translation';

/**
 * Compare versions written by npm (`0.2.0-alpha.1`) and by Python (`0.2.0a1`):
 * both normalised to the PEP 440 spelling.
 */
export function normalizeVersion(version: string): string {
  return version
    .trim()
    .toLowerCase()
    .replace(/^v/, '')
    .replace(/[-.]?(alpha|a)[-.]?(\d+)/, 'a$2')
    .replace(/[-.]?(beta|b)[-.]?(\d+)/, 'b$2')
    .replace(/[-.]?(rc|c)[-.]?(\d+)/, 'rc$2')
    .replace(/[-.]?dev[-.]?(\d+)/, '.dev$1');
}

/**
 * A message telling the user how to fix a frontend/server version mismatch, or null when
 * both halves are the same release.
 */
export function versionMismatchMessage(
  frontend: string,
  server: string,
  trans: TranslationBundle
): string | null {
  if (normalizeVersion(frontend) === normalizeVersion(server)) {
    return null;
  }
  return trans.__(
    'Secret Mounts: the JupyterLab extension is version %1 but the server extension is version %2. Reinstall jupyterlab-secret-mounts in the Jupyter server environment (pip install --force-reinstall "jupyterlab-secret-mounts==%1"), restart the server, then reload this page.',
    frontend,
    server
  );
}
