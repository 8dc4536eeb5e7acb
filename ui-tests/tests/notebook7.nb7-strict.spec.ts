/**
 * Jupyter Notebook 7 with the save policy `block`: the save is refused with the server's message,
 * a notification leads to the cell, and the file on disk is unchanged.
 */
import * as fs from 'fs';
import * as path from 'path';

import { profileRoot, readSecret } from './fixtures';
import {
  expect,
  openDemo,
  saveWithKeyboard,
  test,
  typeInCell
} from './notebook7';

test('block: a notebook holding a mounted value is not saved', async ({
  page,
  tmpPath,
  leakWatch
}) => {
  const notebook = await openDemo(page, tmpPath, { withoutToken: true });
  const file = path.join(
    profileRoot('notebook7-strict'),
    'notebooks',
    notebook
  );
  const before = fs.readFileSync(file, 'utf8');

  const value = readSecret(leakWatch.profile, 'api-token', 'token')
    .toString('utf8')
    .trim();
  await typeInCell(page, 1, `token = "${value}"`);
  await saveWithKeyboard(page);

  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText(
    'Save blocked by the secret-mounts policy'
  );
  await expect(dialog).toContainText(
    'cell 2 (matches mounted secret api-token/token)'
  );
  expect(await dialog.textContent()).not.toContain(value);
  await dialog.getByRole('button', { name: /ok|dismiss|close/i }).click();

  const toast = page.locator('.Toastify__toast', { hasText: 'Save blocked' });
  await expect(toast).toBeVisible();
  await toast.getByRole('button', { name: 'Show findings' }).click();
  const list = page.locator('.jp-SecretMounts-guardList');
  await expect(list.locator('.jp-SecretMounts-guardPolicy')).toContainText(
    'block'
  );
  await page.keyboard.press('Escape');

  expect(fs.readFileSync(file, 'utf8')).toBe(before);
});
