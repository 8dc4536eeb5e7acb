/**
 * Shared Galata fixtures.
 *
 * Every test built on this `test` is watched for leaks: each value in the demo secrets root is a
 * canary, and after the test no browser console line and no HTTP response body may contain one.
 * (A reveal response is the one exception, and only where the server's policy allows reveal.)
 * Saved notebooks and the server log are checked once for the whole run in `canary.teardown.ts`.
 */
import { expect, test as base } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

export { expect };

/** Folder holding one folder per profile's test server (see jupyter_server_test_config.py). */
export function testRoot(): string {
  return path.join(__dirname, '..', '.jupyter-test-root');
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
export function readSecret(profile: string, folder: string, key: string): Buffer {
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
  return canaries.flatMap((value, index) => (text.includes(value) ? [index] : []));
}

interface ILeakWatch {
  /** Profile of the server this test runs against. */
  profile: string;
  /** Browser console lines seen so far. */
  consoleLines: string[];
}

export const test = base.extend<{ leakWatch: ILeakWatch }>({
  leakWatch: [
    async ({ page }, use, testInfo) => {
      const profile = testInfo.project.name;
      const before = canaryValues(secretsRoot(profile));
      const consoleLines: string[] = [];
      const bodies: Promise<{ url: string; body: string }>[] = [];
      page.on('console', message => consoleLines.push(message.text()));
      page.on('response', response => {
        const url = response.url();
        if (!/\/(secret-mounts|api)\//.test(url) || url.includes('/secret-mounts/reveal')) {
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

      const canaries = [...new Set([...before, ...canaryValues(secretsRoot(profile))])];
      for (const line of consoleLines) {
        expect(leakedCanaries(line, canaries), 'browser console line leaks a secret').toEqual([]);
      }
      for (const { url, body } of await Promise.all(bodies)) {
        expect(leakedCanaries(body, canaries), `response of ${url} leaks a secret`).toEqual([]);
      }
    },
    { auto: true }
  ]
});
