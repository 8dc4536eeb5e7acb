/**
 * The Secret Mounts panel against a real server with the demo secrets root (default profile:
 * reveal off). Values must never reach the page; the leak watch in fixtures.ts also checks
 * every response body and console line.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import type { Page } from '@playwright/test';

import {
  canaryValues,
  expect,
  leakedCanaries,
  screenshotPath,
  secretsRoot,
  test
} from './fixtures';

const PANEL = '#jp-secret-mounts-panel';
const MASK = '\u2022'.repeat(8);
const REPO = path.join(__dirname, '..', '..');

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

/** Open the panel the way a user does: click its icon in the left sidebar. */
async function openPanel(page: Page) {
  await page
    .locator('.jp-SideBar.jp-mod-left [data-id="jp-secret-mounts-panel"]')
    .click();
  const panel = page.locator(PANEL);
  await expect(panel).toBeVisible();
  await expect(panel.locator('.jp-SecretMounts-browser')).toHaveAttribute(
    'data-status',
    'ready'
  );
  return panel;
}

function folder(panel: ReturnType<Page['locator']>, name: string) {
  return panel.locator(`.jp-SecretMounts-folder[data-path$="/${name}"]`);
}

function key(
  panel: ReturnType<Page['locator']>,
  folderName: string,
  keyName: string
) {
  return folder(panel, folderName).locator(
    `.jp-SecretMounts-key[data-key="${keyName}"]`
  );
}

/** The demo folders as created on disk (kubelet's `..*` entries are not folders to list). */
function demoFolders(profile: string): string[] {
  return fs
    .readdirSync(secretsRoot(profile))
    .filter(name => !name.startsWith('..'))
    .sort();
}

function python(): string {
  const venv = path.join(REPO, '.venv', 'bin', 'python');
  return fs.existsSync(venv) ? venv : 'python3';
}

test.describe('Secret Mounts panel', () => {
  test('opens from its icon and lists the demo folders and keys, masked', async ({
    page,
    leakWatch
  }) => {
    const panel = await openPanel(page);

    const expected = demoFolders(leakWatch.profile);
    expect(expected.length).toBeGreaterThanOrEqual(5);
    await expect(panel.locator('.jp-SecretMounts-folder')).toHaveCount(
      expected.length
    );
    for (const name of expected) {
      await expect(folder(panel, name)).toHaveCount(1);
    }

    // Kubelet volumes, which follow rotations.
    await expect(
      folder(panel, 'db-creds').locator('[data-badge="kind"]')
    ).toHaveText('Kubernetes');
    await expect(
      folder(panel, 'db-creds').locator('[data-role="rotation"]')
    ).toHaveText('updates on rotation');
    // Top-level, nested, binary and JSON keys.
    await expect(key(panel, 'db-creds', 'password')).toBeVisible();
    await expect(key(panel, 'db-creds', 'username')).toBeVisible();
    await expect(key(panel, 'tls', 'tls/tls.key')).toBeVisible();
    await expect(
      key(panel, 'blob', 'keystore.jks').locator('[data-badge="binary"]')
    ).toBeVisible();
    await expect(
      key(panel, 'gcp-sa', 'key.json').locator('[data-badge="json"]')
    ).toBeVisible();

    // Every value is the same fixed mask, and no value is anywhere in the panel.
    const masks = await panel
      .locator('.jp-SecretMounts-mask')
      .allTextContents();
    expect(masks.length).toBe(
      await panel.locator('.jp-SecretMounts-key').count()
    );
    expect(new Set(masks)).toEqual(new Set([MASK]));
    const text = await panel.innerText();
    expect(
      leakedCanaries(text, canaryValues(secretsRoot(leakWatch.profile)))
    ).toEqual([]);

    // The server policy is shown, read-only.
    await panel.locator('[data-role="policy"] summary').click();
    await expect(panel.locator('[data-policy="allowReveal"]')).toHaveText(
      'not allowed'
    );

    // For the README: tall enough to show every demo folder, from the top, cut below the policy.
    await page.setViewportSize({ width: 1280, height: 1600 });
    await panel
      .locator('.jp-SidePanel-content')
      .evaluate(node => node.scrollTo(0, 0));
    const box = await panel.boundingBox();
    const end = await panel.locator('.jp-SecretMounts-browser').boundingBox();
    expect(box && end).toBeTruthy();
    await page.screenshot({
      path: screenshotPath('panel.png'),
      clip: {
        x: box!.x,
        y: box!.y,
        width: box!.width,
        height: end!.y + end!.height - box!.y
      }
    });
  });

  test('has no reveal control when the server does not allow reveal', async ({
    page
  }) => {
    const panel = await openPanel(page);
    await expect(panel.locator('.jp-SecretMounts-key').first()).toBeVisible();
    await expect(panel.locator('[data-action="reveal"]')).toHaveCount(0);
    await expect(panel.getByRole('button', { name: /reveal/i })).toHaveCount(0);
  });

  test('filters by folder or key name', async ({ page }) => {
    const panel = await openPanel(page);
    const filter = panel.getByLabel('Filter by folder or key name');

    await filter.fill('tls');
    await expect(panel.locator('.jp-SecretMounts-folder')).toHaveCount(1);
    await expect(
      folder(panel, 'tls').locator('.jp-SecretMounts-key')
    ).toHaveCount(3);

    await filter.fill('password');
    await expect(panel.locator('.jp-SecretMounts-key')).toHaveCount(1);
    await expect(key(panel, 'db-creds', 'password')).toBeVisible();

    await filter.fill('nothing-is-called-this');
    await expect(panel.locator('.jp-SecretMounts-key')).toHaveCount(0);
    await expect(panel.locator('[data-role="no-match"]')).toBeVisible();

    await filter.fill('');
    await expect(panel.locator('.jp-SecretMounts-folder')).toHaveCount(
      demoFolders('default').length
    );
  });

  test('copies the path of a key to the clipboard', async ({
    page,
    leakWatch
  }) => {
    const panel = await openPanel(page);
    const row = key(panel, 'db-creds', 'password');
    await row.locator('[data-action="copy-path"]').click();
    await expect(row.locator('.jp-SecretMounts-status')).toBeVisible();

    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(
      path.join(secretsRoot(leakWatch.profile), 'db-creds', 'password')
    );
  });

  test('works from the keyboard', async ({ page }) => {
    const panel = await openPanel(page);
    const toggle = folder(panel, 'db-creds').locator('.jp-SecretMounts-toggle');
    await toggle.focus();
    await page.keyboard.press('Enter');
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await expect(key(panel, 'db-creds', 'password')).toHaveCount(0);
    await page.keyboard.press('Space');
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await expect(key(panel, 'db-creds', 'password')).toBeVisible();
  });

  test('shows a kubelet rotation in the open panel without a reload', async ({
    page,
    leakWatch
  }) => {
    const panel = await openPanel(page);
    const row = key(panel, 'db-creds', 'password');
    const before = await row.getAttribute('data-fingerprint');
    expect(before).toBeTruthy();
    const updatedBefore = await folder(panel, 'db-creds').getAttribute(
      'data-updated'
    );
    await page.evaluate(
      () => ((window as unknown as { noReload: boolean }).noReload = true)
    );

    // One atomic `..data` swap with new values, as kubelet does it.
    const rotatedAt = Date.now();
    execFileSync(python(), [
      '-m',
      'jupyterlab_secret_mounts.demo',
      'rotate',
      path.join(secretsRoot(leakWatch.profile), 'db-creds')
    ]);

    await expect(row).not.toHaveAttribute('data-fingerprint', before!, {
      timeout: 15000
    });
    // Reported, not asserted (no wall-clock asserts): the target is under 2 s with 1 s polling.
    test.info().annotations.push({
      type: 'rotation shown after (ms)',
      description: String(Date.now() - rotatedAt)
    });
    await expect(folder(panel, 'db-creds')).not.toHaveAttribute(
      'data-updated',
      updatedBefore!
    );
    // Same page: no reload happened.
    expect(
      await page.evaluate(
        () => (window as unknown as { noReload?: boolean }).noReload
      )
    ).toBe(true);
    await expect(row.locator('.jp-SecretMounts-mask')).toHaveText(MASK);
  });
});
