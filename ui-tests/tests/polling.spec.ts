/**
 * The list of mounts is fetched while someone looks at it: the panel while it is visible (at the
 * poll interval), an open notebook's guard about once a minute (rotations change what is a leak),
 * nothing otherwise. No request fails (304 answers used to be reported as net::ERR_ABORTED).
 *
 * The 60 s window is measured in real time on purpose: each poll waits for the previous answer,
 * so a fast-forwarded clock would undercount a page that polls every second.
 */
import type { Page } from '@playwright/test';

import { expect, test } from './fixtures';

const MOUNTS = /\/secret-mounts\/mounts(\?|$)/;
const WINDOW_MS = 60 * 1000;

function countPolls(page: Page) {
  const polls: number[] = [];
  const failed: string[] = [];
  page.on('request', request => {
    if (MOUNTS.test(request.url())) {
      polls.push(Date.now());
    }
  });
  page.on('requestfailed', request => {
    if (request.url().includes('/secret-mounts/')) {
      failed.push(`${request.url()}: ${request.failure()?.errorText}`);
    }
  });
  return {
    failed,
    /** Requests for the list during the next `ms` milliseconds. */
    async during(ms: number): Promise<number> {
      const before = polls.length;
      await page.waitForTimeout(ms);
      return polls.length - before;
    }
  };
}

test('the list of mounts is fetched only while someone looks at it', async ({
  page
}, testInfo) => {
  test.setTimeout(180 * 1000);
  const polls = countPolls(page);

  // A notebook open, the panel closed: at most one check in a minute.
  await page.notebook.createNew('polling.ipynb');
  await expect(page.locator('#jp-secret-mounts-panel')).toBeHidden();
  await page.waitForTimeout(2000); // the check made when the notebook opened
  const closed = await polls.during(WINDOW_MS);
  testInfo.annotations.push({
    type: '/secret-mounts/mounts requests in 60 s, panel closed, a notebook open',
    description: String(closed)
  });
  expect(closed).toBeLessThanOrEqual(1);

  // The panel open: it follows changes at the poll interval (1 s by default).
  await page
    .locator('.jp-SideBar.jp-mod-left [data-id="jp-secret-mounts-panel"]')
    .click();
  await expect(page.locator('#jp-secret-mounts-panel')).toBeVisible();
  expect(await polls.during(5000)).toBeGreaterThanOrEqual(3);

  // Closed again: back to quiet.
  await page
    .locator('.jp-SideBar.jp-mod-left [data-id="jp-secret-mounts-panel"]')
    .click();
  await expect(page.locator('#jp-secret-mounts-panel')).toBeHidden();
  await page.waitForTimeout(1500); // a request already under way may land
  expect(await polls.during(5000)).toBe(0);

  // Nothing open at all: nothing fetched.
  await page.notebook.close(true);
  expect(await polls.during(5000)).toBe(0);

  expect(polls.failed).toEqual([]);
});
