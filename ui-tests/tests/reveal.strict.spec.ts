/**
 * Reveal, on the `strict` server whose admin set `c.SecretMounts.allow_reveal = True`
 * (and `reveal_seconds = 3`): the value shows on demand, then goes away again.
 */
import { expect, readSecret, test } from './fixtures';

const PANEL = '#jp-secret-mounts-panel';
const MASK = '\u2022'.repeat(8);

test('reveals one value on demand and hides it again', async ({
  page,
  leakWatch
}) => {
  await page
    .locator('.jp-SideBar.jp-mod-left [data-id="jp-secret-mounts-panel"]')
    .click();
  const panel = page.locator(PANEL);
  await expect(panel.locator('.jp-SecretMounts-browser')).toHaveAttribute(
    'data-status',
    'ready'
  );
  await panel.locator('[data-role="policy"] summary').click();
  await expect(panel.locator('[data-policy="allowReveal"]')).toContainText(
    'allowed, for 3 seconds'
  );

  const row = panel.locator(
    '.jp-SecretMounts-folder[data-path$="/db-creds"] .jp-SecretMounts-key[data-key="password"]'
  );
  const value = readSecret(leakWatch.profile, 'db-creds', 'password').toString(
    'utf8'
  );

  await row.locator('[data-action="reveal"]').click();
  await expect(row.locator('.jp-SecretMounts-revealed')).toHaveText(value);
  // Only this key: every other value stays masked.
  await expect(panel.locator('.jp-SecretMounts-revealed')).toHaveCount(1);

  // Hidden again after the policy's few seconds, and gone from the page.
  await expect(row.locator('.jp-SecretMounts-revealed')).toHaveCount(0, {
    timeout: 15000
  });
  await expect(row.locator('.jp-SecretMounts-mask')).toHaveText(MASK);
  expect(await page.content()).not.toContain(value);

  // The hide button masks it at once.
  await row.locator('[data-action="reveal"]').click();
  await expect(row.locator('.jp-SecretMounts-revealed')).toHaveText(value);
  await row.locator('[data-action="hide"]').click();
  await expect(row.locator('.jp-SecretMounts-revealed')).toHaveCount(0);
  expect(await page.content()).not.toContain(value);
});
