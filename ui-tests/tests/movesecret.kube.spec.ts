/**
 * "Move to a Kubernetes Secret", end to end: a real jupyter server in the role of a Kubeflow
 * Notebooks 2.0 workspace pod (profile `kube`: in-cluster environment, service-account token and
 * CA) against the project's fake Kubernetes API server, a real kernel, Debian's Chromium.
 *
 * A canary token is pasted into a cell and printed; the quick fix moves it into a Secret. The
 * value must reach the server only in the requests that create the Secret (the guard's
 * exact-value checks also send cell text and keep none), and appear in no response body,
 * console line, server log line or saved file (notebook and checkpoint). A refusal leaves the
 * cell as it was; the panel's "Add secret" takes a typed value the same way.
 */
import { galata } from '@jupyterlab/galata';
import type { Locator, Page, Request } from '@playwright/test';
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import {
  expect,
  filesUnder,
  profileRoot,
  screenshotPath,
  secretsRoot,
  test
} from './fixtures';

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
  const alphabet =
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return (
    'ghp_' +
    Array.from(crypto.randomBytes(36), b => alphabet[b % alphabet.length]).join(
      ''
    )
  );
}

/** A Kubernetes object as the fake API server's control API returns it. */
interface IKubeObject {
  metadata: { name: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  spec?: { podTemplate: { volumes: { secrets: Record<string, unknown>[] } } };
}

/** The fake API server's control API (test/kube/fake-apiserver-process.ts). */
function control(): string {
  const file = path.join(profileRoot(PROFILE), 'fake-api.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')).control;
}

async function fakeObject(
  plural: string,
  name: string
): Promise<IKubeObject | null> {
  const query = new URLSearchParams({ plural, namespace: 'team-a', name });
  const response = await fetch(`${control()}/objects?${query}`);
  return response.status === 404
    ? null
    : ((await response.json()) as IKubeObject);
}

/** Add an object to the fake, as `kubectl create` would. */
async function addFakeObject(
  plural: string,
  object: Record<string, unknown>
): Promise<void> {
  const response = await fetch(`${control()}/objects`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ plural, object })
  });
  expect(response.ok).toBe(true);
}

/**
 * A name no earlier run left in the fake (the kube profile's fake lives as long as its server).
 * Letters only: a name ending in `-<digits>` is counted on ("Create NAME-<digits + 1>").
 */
function unique(base: string): string {
  const letters = Array.from(crypto.randomBytes(6), b =>
    String.fromCharCode(97 + (b % 26))
  );
  return `${base}-${letters.join('')}`;
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

/** Requests that carry `value`, response bodies, console lines: what the value may reach. */
function watchTraffic(page: Page, value: string) {
  const carried: string[] = [];
  const answers: Promise<{ url: string; body: string }>[] = [];
  const console: string[] = [];
  page.on('request', (request: Request) => {
    if ((request.postData() ?? '').includes(value)) {
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
  return {
    /**
     * The value went to the server only in `creates` requests that create the Secret (the
     * guard's exact-value checks send cell text too, and keep nothing) and came back in no
     * response, console line or server log line.
     */
    async expectKeptIn(creates: number): Promise<void> {
      const encoded = Buffer.from(value).toString('base64');
      expect(
        carried.filter(request => request !== 'POST /secret-mounts/check')
      ).toEqual(Array(creates).fill('POST /secret-mounts/secrets'));
      for (const { url, body } of await Promise.all(answers)) {
        expect(body.includes(value) || body.includes(encoded), url).toBe(false);
      }
      expect(console.filter(line => line.includes(value))).toEqual([]);
      const log = fs.readFileSync(
        path.join(profileRoot(PROFILE), 'server.log'),
        'utf8'
      );
      expect(log.includes(value) || log.includes(encoded)).toBe(false);
    }
  };
}

/** Hover the cell's one flagged credential and choose "Move to a Kubernetes Secret…". */
async function chooseMove(page: Page, cell: Locator): Promise<Locator> {
  const mark = cell.locator('.jp-SecretMounts-guardMark');
  await expect(mark).toHaveCount(1);
  await mark.hover();
  await page
    .locator('.cm-tooltip-lint')
    .getByRole('button', { name: 'Move to a Kubernetes Secret…' })
    .click();
  return page.locator('.jp-Dialog');
}

/** The entries of the Workspace's `spec.podTemplate.volumes.secrets`. */
async function workspaceSecrets(): Promise<Record<string, unknown>[]> {
  const workspace = await fakeObject('workspaces', 'alice');
  return workspace?.spec?.podTemplate.volumes.secrets ?? [];
}

test('a pasted token moves into a Kubernetes Secret, mounted in the Workspace', async ({
  page,
  tmpPath
}) => {
  // A kernel start, two runs and a save on a shared machine.
  test.setTimeout(180 * 1000);
  const token = canaryToken();
  const encoded = Buffer.from(token).toString('base64');
  const traffic = watchTraffic(page, token);
  const mountPath = path.join(secretsRoot(PROFILE), 'github-token');

  await page.notebook.createNew('move.ipynb');
  await page.notebook.setCell(
    0,
    'code',
    `GITHUB_TOKEN = "${token}"\nprint(GITHUB_TOKEN[:8])`
  );
  await page.notebook.addCell('code', 'print(GITHUB_TOKEN)');
  await page.notebook.run();
  const cell = await page.notebook.getCellLocator(0);
  const printed = (await page.notebook.getCellLocator(1))!.locator(
    '.jp-OutputArea-output'
  );
  await expect(printed).toContainText(token);

  // The quick fix on the flagged literal.
  const dialog = await chooseMove(page, cell!);
  await expect(dialog.locator('input[data-field="secretName"]')).toHaveValue(
    'github-token'
  );
  await expect(dialog.locator('input[data-field="key"]')).toHaveValue('token');
  const masked = dialog.locator('[data-field="value"]');
  await expect(masked).toContainText('40 characters');
  expect(await dialog.textContent()).not.toContain(token);
  await expect(dialog.locator('[data-role="where"]')).toContainText(
    `${mountPath}/token`
  );
  await expect(dialog.locator('[data-role="where"]')).toContainText(
    'Workspace alice'
  );
  await dialog
    .locator('.jp-Dialog-content')
    .screenshot({ path: screenshotPath('move-to-secret.png') });
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
  expect(secret?.metadata.labels?.['notebooks.kubeflow.org/can-mount']).toBe(
    'true'
  );
  expect(await workspaceSecrets()).toContainEqual({
    secretName: 'github-token',
    mountPath,
    defaultMode: 420
  });

  // The panel shows the mount as pending until the folder appears, then as mounted.
  await page.sidebar.openTab('jp-secret-mounts-panel');
  const pending = page.locator(`[data-pending="${mountPath}/token"]`);
  await expect(pending).toContainText(
    'pending: restart the workspace to mount'
  );
  await expect(page.locator('[data-role="creation-status"]')).toContainText(
    'namespace team-a, mounted through Workspace alice'
  );
  mountAsKubeletWould(mountPath, 'token', token);
  await expect(pending).toHaveCount(0);
  await expect(page.locator('.jp-SecretMounts-panel')).toContainText(
    'github-token'
  );

  // Now mounted: the rewritten cell runs and reads it.
  await page.notebook.runCell(0);
  await expect(cell!.locator('.jp-OutputArea-output')).toHaveText(
    token.slice(0, 8)
  );

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

  await traffic.expectKeptIn(1);
  const log = fs.readFileSync(
    path.join(profileRoot(PROFILE), 'server.log'),
    'utf8'
  );
  expect(log).toContain('secret-mounts audit: create secret created:');
});

test('a refused move leaves the cell as it was; a taken name offers another', async ({
  page
}) => {
  const token = canaryToken();
  const traffic = watchTraffic(page, token);
  const taken = unique('taken');
  await addFakeObject('secrets', {
    metadata: { name: taken, namespace: 'team-a' },
    type: 'Opaque',
    data: { other: Buffer.from('theirs').toString('base64') }
  });
  const source = `TOKEN = "${token}"`;
  await page.notebook.createNew('taken.ipynb');
  await page.notebook.setCell(0, 'code', source);
  const cell = (await page.notebook.getCellLocator(0))!;

  const dialog = await chooseMove(page, cell);
  await dialog.locator('input[data-field="secretName"]').fill(taken);
  await dialog.getByRole('button', { name: 'Create Secret' }).click();

  // The API server's 409 as one sentence, and the two ways on.
  await expect(dialog.locator('.jp-SecretMounts-moveError')).toHaveText(
    `A Secret named ${taken} already exists in namespace team-a: choose another name, ` +
      'or add the key to it.'
  );
  await expect(
    dialog.getByRole('button', { name: `Add key to ${taken}` })
  ).toBeVisible();
  const other = dialog.getByRole('button', { name: `Create ${taken}-2` });
  await expect(other).toBeVisible();
  // Refused: the cell still holds the literal, the Secret there is untouched, nothing mounted.
  await expect(cell.locator('.jp-InputArea-editor .cm-content')).toHaveText(
    source
  );
  expect(Object.keys((await fakeObject('secrets', taken))?.data ?? {})).toEqual(
    ['other']
  );
  expect(
    (await workspaceSecrets()).map(entry => entry.secretName)
  ).not.toContain(taken);

  await other.click();
  await expect(dialog).toHaveCount(0);
  const mountPath = path.join(secretsRoot(PROFILE), `${taken}-2`);
  await expect
    .poll(() => page.notebook.getCellTextInput(0))
    .toBe(
      `TOKEN = open('${mountPath}/token', encoding='utf-8').read().strip()`
    );
  const created = await fakeObject('secrets', `${taken}-2`);
  expect(created?.data).toEqual({
    token: Buffer.from(token).toString('base64')
  });
  expect(Object.keys((await fakeObject('secrets', taken))?.data ?? {})).toEqual(
    ['other']
  );
  expect(await workspaceSecrets()).toContainEqual({
    secretName: `${taken}-2`,
    mountPath,
    defaultMode: 420
  });
  await page.notebook.close(true);

  await traffic.expectKeptIn(2);
});

test('"Add secret" in the panel creates a Secret from a typed value and lists it as pending', async ({
  page
}) => {
  const value = canaryToken();
  const traffic = watchTraffic(page, value);
  const name = unique('typed');
  const mountPath = path.join(secretsRoot(PROFILE), name);

  await page.sidebar.openTab('jp-secret-mounts-panel');
  await page.locator('.jp-SecretMounts-addSecret').click();
  const dialog = page.locator('.jp-Dialog');
  await dialog.locator('input[data-field="secretName"]').fill(name);
  await expect(dialog.locator('input[data-field="key"]')).toHaveValue('token');
  const typed = dialog.locator('input[data-field="value"]');
  await expect(typed).toHaveAttribute('type', 'password');
  await typed.fill(value);
  await expect(dialog.locator('[data-role="where"]')).toContainText(
    `${mountPath}/token`
  );
  await dialog.getByRole('button', { name: 'Create Secret' }).click();
  await expect(dialog).toHaveCount(0);

  const pending = page.locator(`[data-pending="${mountPath}/token"]`);
  await expect(pending).toContainText(
    'pending: restart the workspace to mount'
  );
  const secret = await fakeObject('secrets', name);
  expect(secret?.data).toEqual({
    token: Buffer.from(value).toString('base64')
  });
  expect(secret?.metadata.labels?.['notebooks.kubeflow.org/can-update']).toBe(
    'true'
  );
  expect(await workspaceSecrets()).toContainEqual({
    secretName: name,
    mountPath,
    defaultMode: 420
  });

  await traffic.expectKeptIn(1);
});
