/**
 * Jupyter Notebook 7 with the save policy `warn`: the panel, the picker, the guard and the
 * warning after a save, in Notebook 7's own pages (see notebook7.ts).
 */
import * as fs from 'fs';
import * as path from 'path';

import { profileRoot, readSecret } from './fixtures';
import {
  cell,
  cellSource,
  expect,
  openDemo,
  saveWithKeyboard,
  test,
  typeInCell
} from './notebook7';

test('the panel opens from View > Left Sidebar and the palette offers it once', async ({
  page,
  tmpPath
}) => {
  await openDemo(page, tmpPath);

  await page.locator('.lm-MenuBar-item', { hasText: 'View' }).click();
  await page.locator('.lm-Menu-item', { hasText: 'Left Sidebar' }).hover();
  await page
    .locator('.lm-Menu-item', { hasText: 'Show Secret Mounts' })
    .click();
  const panel = page.locator('#jp-secret-mounts-panel');
  await expect(panel).toBeVisible();
  await expect(panel.locator('.jp-SecretMounts-browser')).toHaveAttribute(
    'data-status',
    'ready'
  );
  await expect(
    panel.locator('.jp-SecretMounts-folder[data-path$="/db-creds"]')
  ).toBeVisible();
  await expect(
    panel.locator('.jp-SecretMounts-key[data-key="password"]')
  ).toContainText('•');

  // Notebook 7 lists "Show <panel>" for each side panel itself; ours must not repeat it.
  await page.keyboard.press('Control+Shift+C');
  const palette = page.locator('#modal-command-palette');
  await palette.locator('input').fill('Secret Mounts');
  const labels = palette.locator('.lm-CommandPalette-itemLabel');
  await expect(labels.filter({ hasText: 'Reload Secret Mounts' })).toHaveCount(
    1
  );
  await expect(labels.filter({ hasText: /^Show Secret Mounts$/ })).toHaveCount(
    1
  );
  await page.keyboard.press('Escape');
});

test('Insert secret reference inserts code that reads the file', async ({
  page,
  tmpPath
}) => {
  await openDemo(page, tmpPath);
  await cell(page, 1).locator('.cm-content').click();
  await page.keyboard.press('Control+Shift+Y');

  const picker = page.locator('.jp-SecretMounts-pickerDialog');
  await expect(picker).toBeVisible();
  await picker.locator('.jp-SecretMounts-pickerFilter').fill('db-creds pass');
  await expect(picker.locator('[role="option"]')).toHaveCount(1);
  await page.keyboard.press('Enter');
  await expect(picker).toHaveCount(0);

  const source = await cellSource(page, 1);
  expect(source).toContain('db_creds_password = Path(');
  expect(source).toContain('/db-creds/password');
});

test('the guard flags a pasted token and a typed mounted value', async ({
  page,
  tmpPath,
  leakWatch
}) => {
  await openDemo(page, tmpPath);
  // The demo's fourth cell holds a pasted token.
  await expect(cell(page, 3).locator('.jp-SecretMounts-guardMark')).toHaveCount(
    1
  );
  const indicator = page.locator('.jp-SecretMounts-guardIndicator');
  await expect(indicator.locator('.jp-SecretMounts-guardCount')).toHaveText(
    '1'
  );

  const value = readSecret(leakWatch.profile, 'api-token', 'token')
    .toString('utf8')
    .trim();
  await typeInCell(page, 1, `secret = "${value}"`);
  await expect(cell(page, 1).locator('.jp-SecretMounts-guardMark')).toHaveCount(
    1
  );
  await expect(indicator.locator('.jp-SecretMounts-guardCount')).toHaveText(
    '2'
  );
  await cell(page, 1).locator('.jp-SecretMounts-guardMark').hover();
  await expect(page.locator('.cm-tooltip-lint')).toContainText(
    'api-token/token'
  );
  // Not saved: autosave is off and the test saves nothing.
});

test('warn: the save goes through and says where the credential is', async ({
  page,
  tmpPath
}) => {
  const notebook = await openDemo(page, tmpPath);
  await saveWithKeyboard(page);

  const toast = page.locator('.Toastify__toast', {
    hasText: 'Saved, but found: credential-like values in cell 4 (github-token)'
  });
  await expect(toast).toBeVisible();
  await toast.getByRole('button', { name: 'Show findings' }).click();
  await expect(page.locator('.jp-SecretMounts-guardItem')).toHaveCount(1);
  await page.keyboard.press('Escape');

  const saved = JSON.parse(
    fs.readFileSync(
      path.join(profileRoot('notebook7'), 'notebooks', notebook),
      'utf8'
    )
  );
  expect([saved.cells[3].source].flat().join('')).toContain(
    'GITHUB_TOKEN = "ghp_'
  );
});
