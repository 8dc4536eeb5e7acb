/**
 * "Move to a Kubernetes Secret", end to end: a real jupyter server in the role of a Kubeflow
 * Notebooks 2.0 workspace pod (profile `kube`: in-cluster environment, service-account token and
 * CA) against the project's fake Kubernetes API server, a real kernel, Debian's Chromium.
 *
 * A canary token is pasted into a cell and printed; the quick fix moves it into a Secret. The
 * value must reach the server in exactly one request that keeps it (the one that creates the
 * Secret; the guard's exact-value checks also send cell text and keep none), and appear in no
 * response body, console line, server log line or saved file (notebook and checkpoint).
 */
import { galata } from '@jupyterlab/galata';
import type { Page, Request } from '@playwright/test';
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import { expect, profileRoot, secretsRoot, test } from './fixtures';

const REPO = path.join(__dirname, '..', '..');
const PROFILE = 'kube';

test.use({
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    '@jupyterlab/docmanager-extension:plugin': { autosave: false }
  }
});

/** A GitHub-shaped token made up for this run. */
function canaryToken(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return 'ghp_' + Array.from(crypto.randomBytes(36), b => alphabet[b % alphabet.length]).join('');
}

/** The fake API server's state, through its control API. */
async function fakeObject(plural: string, name: string): Promise<Record<string, any> | null> {
  const { control } = JSON.parse(
    fs.readFileSync(path.join(profileRoot(PROFILE), 'fake-api.json'), 'utf8')
  );
  const query = new URLSearchParams({ plural, namespace: 'team-a', name });
  const response = await fetch(`${control}/objects?${query}`);
  return response.status === 404 ? null : response.json();
}

/** Lay out the folder kubelet would mount after the restart (timestamped version, links). */
function mountAsKubeletWould(folder: string, key: string, value: string): void {
  execFileSync(
    path.join(REPO, '.venv', 'bin', 'python'),
    [
      '-c',
      'import sys; from jupyterlab_secret_mounts.mounts.kubelet import write_atomic; ' +
        'write_atomic(sys.argv[1], {sys.argv[2]: sys.stdin.buffer.read()})',
      folder,
      key
    ],
    { input: value }
  );
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : entry.isFile() ? [full] : [];
  });
}

async function watchTraffic(page: Page, token: string) {
  const carried: string[] = [];
  const answers: Promise<{ url: string; body: string }>[] = [];
  const console: string[] = [];
  page.on('request', (request: Request) => {
    if ((request.postData() ?? '').includes(token)) {
      carried.push(`${request.method()} ${new URL(request.url()).pathname}`);
    }
  });
  page.on('response', response =>
    answers.push(
      response
        .text()
        .then(body => ({ url: response.url(), body }))
        .catch(() => ({ url: response.url(), body: '' }))
    )
  );
  page.on('console', message => console.push(message.text()));
  return { carried, answers, console };
}

test('a pasted token moves into a Kubernetes Secret, mounted in the Workspace', async ({
  page,
  tmpPath
}) => {
  // A kernel start, two runs and a save on a shared machine.
  test.setTimeout(180 * 1000);
  const token = canaryToken();
  const encoded = Buffer.from(token).toString('base64');
  const traffic = await watchTraffic(page, token);
  const mountPath = path.join(secretsRoot(PROFILE), 'github-token');

  await page.notebook.createNew('move.ipynb');
  await page.notebook.setCell(0, 'code', `GITHUB_TOKEN = "${token}"\nprint(GITHUB_TOKEN[:8])`);
  await page.notebook.addCell('code', 'print(GITHUB_TOKEN)');
  await page.notebook.run();
  const cell = await page.notebook.getCellLocator(0);
  const printed = (await page.notebook.getCellLocator(1))!.locator('.jp-OutputArea-output');
  await expect(printed).toContainText(token);

  // The quick fix on the flagged literal.
  const mark = cell!.locator('.jp-SecretMounts-guardMark');
  await expect(mark).toHaveCount(1);
  await mark.hover();
  await page
    .locator('.cm-tooltip-lint')
    .getByRole('button', { name: 'Move to a Kubernetes Secret…' })
    .click();

  const dialog = page.locator('.jp-Dialog');
  await expect(dialog.locator('input[data-field="secretName"]')).toHaveValue('github-token');
  await expect(dialog.locator('input[data-field="key"]')).toHaveValue('token');
  const masked = dialog.locator('[data-field="value"]');
  await expect(masked).toContainText('40 characters');
  expect(await dialog.textContent()).not.toContain(token);
  await expect(dialog.locator('[data-role="where"]')).toContainText(
    `${mountPath}/token`
  );
  await expect(dialog.locator('[data-role="where"]')).toContainText('Workspace alice');
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    await dialog.locator('.jp-Dialog-content').screenshot({
      path: path.join(REPO, 'docs', 'images', 'move-to-secret.png')
    });
  }
  await dialog.getByRole('button', { name: 'Create Secret' }).click();
  await expect(dialog).toHaveCount(0);

  // The cell reads the file; the output that printed the token no longer holds it.
  await expect
    .poll(() => page.notebook.getCellTextInput(0))
    .toBe(
      `GITHUB_TOKEN = open('${mountPath}/token', encoding='utf-8').read().strip()\n` +
        'print(GITHUB_TOKEN[:8])'
    );
  await expect(printed).not.toContainText(token);
  await expect(printed).toContainText(`<moved to ${mountPath}/token>`);

  // The fake API server holds the Secret and the patched Workspace.
  const secret = await fakeObject('secrets', 'github-token');
  expect(secret?.data).toEqual({ token: encoded });
  expect(secret?.metadata.labels['notebooks.kubeflow.org/can-mount']).toBe('true');
  const workspace = await fakeObject('workspaces', 'alice');
  expect(workspace?.spec.podTemplate.volumes.secrets).toContainEqual({
    secretName: 'github-token',
    mountPath,
    defaultMode: 420
  });

  // The panel shows the mount as pending until the folder appears, then as mounted.
  await page.sidebar.openTab('jp-secret-mounts-panel');
  const pending = page.locator(`[data-pending="${mountPath}/token"]`);
  await expect(pending).toContainText('pending: restart the workspace to mount');
  await expect(page.locator('[data-role="creation-status"]')).toContainText(
    'namespace team-a, mounted through Workspace alice'
  );
  mountAsKubeletWould(mountPath, 'token', token);
  await expect(pending).toHaveCount(0);
  await expect(page.locator('.jp-SecretMounts-panel')).toContainText('github-token');

  // Now mounted: the rewritten cell runs and reads it.
  await page.notebook.runCell(0);
  await expect(cell!.locator('.jp-OutputArea-output')).toHaveText(token.slice(0, 8));

  // Saved when moved: neither the notebook nor its checkpoint holds the token.
  const folder = path.join(profileRoot(PROFILE), 'notebooks', tmpPath);
  const saved = filesUnder(folder);
  expect(saved.some(file => file.endsWith('move.ipynb'))).toBe(true);
  expect(saved.some(file => file.includes('.ipynb_checkpoints'))).toBe(true);
  for (const file of saved) {
    const text = fs.readFileSync(file, 'utf8');
    expect(text.includes(token) || text.includes(encoded), file).toBe(false);
  }
  await page.notebook.close(true);

  // The value went to the server in one request that keeps it (the guard's exact-value checks
  // send cell text too, and keep nothing), and came back in nothing.
  expect(traffic.carried.filter(request => request !== 'POST /secret-mounts/check')).toEqual([
    'POST /secret-mounts/secrets'
  ]);
  for (const { url, body } of await Promise.all(traffic.answers)) {
    expect(body.includes(token) || body.includes(encoded), url).toBe(false);
  }
  expect(traffic.console.filter(line => line.includes(token))).toEqual([]);
  const log = fs.readFileSync(path.join(profileRoot(PROFILE), 'server.log'), 'utf8');
  expect(log.includes(token) || log.includes(encoded)).toBe(false);
  expect(log).toContain('secret-mounts audit: create secret created:');
});
