/**
 * The save policy `block` (the `strict` server's admin set `c.SecretMounts.save_policy = "block"`):
 * saving a notebook that holds a credential is refused with a clear message naming the cell, never
 * the value, and the file on disk stays as it was.
 */
import { galata } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

import { expect, profileRoot, readSecret, test } from './fixtures';

test.use({
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    '@jupyterlab/docmanager-extension:plugin': { autosave: false }
  }
});

test('a notebook holding a mounted value cannot be saved, and the file is unchanged', async ({
  page,
  tmpPath,
  leakWatch
}) => {
  const value = readSecret(leakWatch.profile, 'api-token', 'token')
    .toString('utf8')
    .trim();
  await page.notebook.createNew('blocked.ipynb');
  await page.notebook.save();
  const file = path.join(
    profileRoot('strict'),
    'notebooks',
    tmpPath,
    'blocked.ipynb'
  );
  const before = fs.readFileSync(file, 'utf8');

  await page.notebook.setCell(0, 'code', 'x = 1');
  await page.notebook.addCell('code', `token = "${value}"`);
  // Ctrl+S in command mode, as a user saves.
  await page.notebook.leaveCellEditingMode(1);
  await page.keyboard.press('Control+s');

  // JupyterLab's save error dialog shows the server's message: which cell, never the value.
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText('File Save Error');
  await expect(dialog).toContainText(
    'Save blocked by the secret-mounts policy'
  );
  await expect(dialog).toContainText('cell 2');
  await expect(dialog).toContainText('api-token/token');
  expect(await dialog.textContent()).not.toContain(value);
  await dialog.getByRole('button', { name: /ok|dismiss|close/i }).click();

  // The guard adds a notification that leads to the cell.
  const toast = page.locator('.Toastify__toast', { hasText: 'Save blocked' });
  await expect(toast).toBeVisible();
  await toast.getByRole('button', { name: 'Show findings' }).click();
  const list = page.locator('.jp-SecretMounts-guardList');
  await expect(list.locator('.jp-SecretMounts-guardPolicy')).toContainText(
    'block'
  );
  await expect(list.locator('.jp-SecretMounts-guardJump')).toHaveText(
    'Cell 2, line 1'
  );
  await page.keyboard.press('Escape');

  // Nothing was written.
  expect(fs.readFileSync(file, 'utf8')).toBe(before);

  // After the quick fix, the save goes through and the value is not in the file.
  await page.notebook.enterCellEditingMode(1);
  const mark = (await page.notebook.getCellLocator(1))!.locator(
    '.jp-SecretMounts-guardMark'
  );
  await mark.hover();
  await page
    .locator('.cm-tooltip-lint')
    .getByRole('button', { name: 'Replace with secret reference' })
    .click();
  await page.notebook.leaveCellEditingMode(1);
  await page.keyboard.press('Control+s');
  // jupyter_server rewrites the file in place: poll for the finished content, not just a change.
  await expect
    .poll(() => fs.readFileSync(file, 'utf8'))
    .toContain('read().strip()');
  const after = fs.readFileSync(file, 'utf8');
  expect(after).not.toContain(value);
});
