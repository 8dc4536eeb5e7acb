/**
 * Shared Galata fixtures.
 *
 * Every test built on this `test` is watched for leaks: each value in the demo secrets root is a
 * canary, and after the test no browser console line and no HTTP response body may contain one.
 * (A reveal response is the one exception, and only where the server's policy allows reveal.)
 * Saved notebooks and the server log are checked once for the whole run in `canary.teardown.ts`.
 */
import { expect, test as base } from '@jupyterlab/galata';
import type { Page, TestInfo } from '@playwright/test';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export { expect };

/** Folder holding one folder per profile's test server (see jupyter_server_test_config.py). */
export function testRoot(): string {
  return path.join(__dirname, '..', '.jupyter-test-root');
}

/**
 * Where a test writes a README screenshot: docs/images/NAME when asked to (UPDATE_SCREENSHOTS=1),
 * otherwise the test's output folder, so that a test run leaves the checkout as it was.
 */
export function screenshotPath(name: string): string {
  return process.env.UPDATE_SCREENSHOTS === '1'
    ? path.join(__dirname, '..', '..', 'docs', 'images', name)
    : base.info().outputPath(name);
}

/** Run a command from the command palette as a user does: open it, type the label, click. */
export async function runFromPalette(page: Page, label: string): Promise<void> {
  const palette = page.locator('#modal-command-palette');
  const input = palette.locator('input');
  // A key press that lands while the app is still restoring its layout is lost: press again.
  await expect(async () => {
    if (!(await input.isVisible())) {
      await page.keyboard.press('Control+Shift+C');
    }
    await expect(input).toBeVisible({ timeout: 2000 });
  }).toPass();
  await input.fill(label);
  await palette
    .locator('.lm-CommandPalette-item', { hasText: label })
    .first()
    .click();
}

/**
 * "LENGTH SHA256" of the value a file-read snippet gets from a key's file (the file minus one
 * final newline): what the tests' check cells print instead of the value.
 */
export function snippetDigest(file: Buffer): string {
  const raw = file.toString('utf8');
  const value = raw.endsWith('\n') ? raw.slice(0, -1) : raw;
  return `${value.length} ${crypto.createHash('sha256').update(value, 'utf8').digest('hex')}`;
}

/** Folder of the profile's test server. */
export function profileRoot(profile: string): string {
  return path.join(testRoot(), profile);
}

/** Root of the demo secrets mounted into the test server of a profile. */
export function secretsRoot(profile: string): string {
  return path.join(profileRoot(profile), 'secrets');
}

/** Read a key's current value through kubelet's `..data` link, as a kernel would. */
export function readSecret(
  profile: string,
  folder: string,
  key: string
): Buffer {
  return fs.readFileSync(path.join(secretsRoot(profile), folder, key));
}

/**
 * Every value currently stored under a secrets root (the real files in kubelet's timestamped
 * folders), as text. Short values are left out: they would match ordinary words.
 */
export function canaryValues(root: string): string[] {
  const values = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.isFile()) {
        const text = fs.readFileSync(full, 'utf8').trim();
        if (text.length >= 8) {
          values.add(text);
          // Multi-line values (PEM keys, JSON) leak line by line too.
          for (const line of text.split('\n')) {
            if (line.trim().length >= 16 && !line.startsWith('-----')) {
              values.add(line.trim());
            }
          }
        }
      }
    }
  };
  if (fs.existsSync(root)) {
    walk(root);
  }
  return [...values];
}

/** Which canaries occur in a text (for messages: returns indices, never the values). */
export function leakedCanaries(text: string, canaries: string[]): number[] {
  return canaries.flatMap((value, index) =>
    text.includes(value) ? [index] : []
  );
}

/** Every file below a folder (none when it does not exist). */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return filesUnder(full);
    }
    return entry.isFile() ? [full] : [];
  });
}

/**
 * The files, among `files`, that hold a value stored under the secrets root `secrets`, each as
 * "<path relative to `base`> holds N secret value(s)".
 */
export function filesWithLeaks(
  secrets: string,
  files: string[],
  base: string
): string[] {
  const canaries = canaryValues(secrets);
  return files
    .filter(file => fs.existsSync(file))
    .flatMap(file => {
      const leaked = leakedCanaries(fs.readFileSync(file, 'utf8'), canaries);
      return leaked.length > 0
        ? [
            `${path.relative(base, file)} holds ${leaked.length} secret value(s)`
          ]
        : [];
    });
}

export interface ILeakWatch {
  /** Profile of the server this test runs against. */
  profile: string;
  /** Browser console lines seen so far. */
  consoleLines: string[];
}

/**
 * The automatic `leakWatch` fixture for tests against a server that mounts `secretsOf(profile)`,
 * the profile being named by `profileOf(testInfo)`.
 */
export function leakWatchFixture(
  profileOf: (testInfo: TestInfo) => string,
  secretsOf: (profile: string) => string
) {
  const watch = async (
    { page }: { page: Page },
    use: (watch: ILeakWatch) => Promise<void>,
    testInfo: TestInfo
  ): Promise<void> => {
    const profile = profileOf(testInfo);
    const before = canaryValues(secretsOf(profile));
    const consoleLines: string[] = [];
    const bodies: Promise<{ url: string; body: string }>[] = [];
    page.on('console', message => consoleLines.push(message.text()));
    page.on('response', response => {
      const url = response.url();
      if (
        !/\/(secret-mounts|api)\//.test(url) ||
        url.includes('/secret-mounts/reveal')
      ) {
        return;
      }
      bodies.push(
        response
          .text()
          .then(body => ({ url, body }))
          .catch(() => ({ url, body: '' }))
      );
    });

    await use({ profile, consoleLines });

    const canaries = [
      ...new Set([...before, ...canaryValues(secretsOf(profile))])
    ];
    for (const line of consoleLines) {
      expect(
        leakedCanaries(line, canaries),
        'browser console line leaks a secret'
      ).toEqual([]);
    }
    for (const { url, body } of await Promise.all(bodies)) {
      expect(
        leakedCanaries(body, canaries),
        `response of ${url} leaks a secret`
      ).toEqual([]);
    }
  };
  return [watch, { auto: true }] as [typeof watch, { auto: true }];
}

export const test = base.extend<{ leakWatch: ILeakWatch }>({
  leakWatch: leakWatchFixture(testInfo => testInfo.project.name, secretsRoot)
});
