/**
 * The notebook guard for a user who may not run code (profile `noexec`: jupyter_server's
 * authorizer denies `execute` on `kernels`). Such a user may not ask the server which text holds
 * a mounted value (that would recover values they may not read), so the guard says once that
 * mounted values are not looked for, and keeps flagging credential patterns.
 */
import { galata } from '@jupyterlab/galata';
import * as crypto from 'crypto';

import { expect, readSecret, test } from './fixtures';

test.use({
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    '@jupyterlab/docmanager-extension:plugin': { autosave: false }
  }
});

function madeUpToken(): string {
  const alphabet =
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return (
    'ghp_' +
    Array.from(crypto.randomBytes(36), b => alphabet[b % alphabet.length]).join(
      ''
    )
  );
}

test('without permission to run code: told once, patterns still flagged', async ({
  page
}) => {
  const mounted = readSecret('noexec', 'api-token', 'token')
    .toString('utf8')
    .trim();
  const token = madeUpToken();
  const checks: number[] = [];
  page.on('response', response => {
    if (response.url().includes('/secret-mounts/check')) {
      checks.push(response.status());
    }
  });

  await page.notebook.createNew('noexec.ipynb');
  await page.notebook.enterCellEditingMode(0);
  await page.keyboard.type(`label = "${mounted}"\nGITHUB_TOKEN = "${token}"`);

  const notice = page.locator('.Toastify__toast').filter({
    hasText: 'Mounted secret values are not looked for'
  });
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('only users who may run code');

  const cell = (await page.notebook.getCellLocator(0))!;
  const marks = cell.locator('.jp-SecretMounts-guardMark');
  await expect(marks).toHaveCount(1); // the made-up token, by its pattern; not the plain value
  await expect(marks).toHaveText(token);

  // One refused request, then the guard stops asking.
  await page.keyboard.type('\nx = 1');
  await expect(marks).toHaveCount(1);
  expect(checks).toEqual([403]);
  await page.notebook.close(true);
});
