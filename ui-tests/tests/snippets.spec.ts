/**
 * "Insert secret reference" in the demo notebook with a real Python kernel (ipykernel).
 *
 * Each test inserts a snippet, runs it, and runs a check cell printing the length and the
 * SHA-256 of the variable; the test compares them with the file on disk, read here in the test
 * process. The value itself is never printed, and the snippet cell must have no output at all.
 */
import * as path from 'path';

import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

import {
  expect,
  readSecret,
  runFromPalette,
  screenshotPath,
  snippetDigest,
  test
} from './fixtures';

const DEMO_NOTEBOOK = path.join(__dirname, '..', '..', 'demo', 'demo.ipynb');
/** The demo notebook's empty code cell, below the introduction. */
const EMPTY_CELL = 1;

/** Open a fresh copy of the demo notebook in the test's own folder (removed afterwards). */
async function openDemo(
  page: IJupyterLabPageFixture,
  tmpPath: string
): Promise<void> {
  const notebook = `${tmpPath}/demo.ipynb`;
  await page.contents.uploadFile(DEMO_NOTEBOOK, notebook);
  await page.notebook.openByPath(notebook);
  await page.notebook.activate('demo.ipynb');
  await page.notebook.enterCellEditingMode(EMPTY_CELL);
}

/** Length and SHA-256 the snippet's variable should have. */
function expectedDigest(profile: string, folder: string, key: string): string {
  return snippetDigest(readSecret(profile, folder, key));
}

/** Run the snippet cell, then a new cell printing length and hash of `variable`. */
async function runAndDigest(
  page: IJupyterLabPageFixture,
  cellIndex: number,
  variable: string
): Promise<{ snippetOutputs: Locator; digest: string }> {
  await page.notebook.runCell(cellIndex);
  const cell = (await page.notebook.getCellLocator(cellIndex))!;
  // Ran, and without an error: it has an execution count.
  await expect(cell.locator('.jp-InputPrompt')).toHaveText(/\[\d+\]/);

  await page.notebook.addCell(
    'code',
    `import hashlib\nprint(len(${variable}), hashlib.sha256(${variable}.encode()).hexdigest())`
  );
  const checkIndex = (await page.notebook.getCellCount()) - 1;
  await page.notebook.runCell(checkIndex);
  const output = await page.notebook.getCellTextOutput(checkIndex);
  return {
    snippetOutputs: cell.locator('.jp-OutputArea-output'),
    digest: (output ?? []).join('').trim()
  };
}

test.describe('Insert secret reference', () => {
  test('the palette command opens the picker and inserts a snippet that reads the file', async ({
    page,
    tmpPath,
    leakWatch
  }) => {
    await openDemo(page, tmpPath);

    // Through the command palette, as a user would.
    await runFromPalette(page, 'Insert secret reference');

    const picker = page.locator('.jp-SecretMounts-pickerDialog');
    await expect(picker).toBeVisible();
    const filter = picker.locator('.jp-SecretMounts-pickerFilter');
    await expect(filter).toBeFocused();
    const options = picker.locator('[role="option"]');
    expect(await options.count()).toBeGreaterThanOrEqual(5);

    // Keyboard: move down, then filter (the first match is selected again).
    await page.keyboard.press('ArrowDown');
    await expect(options.nth(1)).toHaveAttribute('aria-selected', 'true');
    await picker
      .locator('.jp-Dialog-content')
      .screenshot({ path: screenshotPath('picker.png') });

    await filter.fill('db-creds pass');
    await expect(options).toHaveCount(1);
    await expect(options.first()).toHaveAttribute('aria-selected', 'true');
    await expect(options.first()).toContainText('db-creds/password');
    await page.keyboard.press('Enter');
    await expect(picker).toHaveCount(0);

    const source = await page.notebook.getCellTextInput(EMPTY_CELL);
    expect(source).toContain('db_creds_password = Path(');
    expect(source).toContain('/db-creds/password');

    const { snippetOutputs, digest } = await runAndDigest(
      page,
      EMPTY_CELL,
      'db_creds_password'
    );
    await expect(snippetOutputs).toHaveCount(0);
    expect(digest).toBe(
      expectedDigest(leakWatch.profile, 'db-creds', 'password')
    );
  });

  test("the panel's insert action inserts a snippet that reads the file", async ({
    page,
    tmpPath,
    leakWatch
  }) => {
    await openDemo(page, tmpPath);

    await page
      .locator('.jp-SideBar.jp-mod-left [data-id="jp-secret-mounts-panel"]')
      .click();
    const panel = page.locator('#jp-secret-mounts-panel');
    await expect(panel.locator('.jp-SecretMounts-browser')).toHaveAttribute(
      'data-status',
      'ready'
    );
    await panel
      .locator(
        '.jp-SecretMounts-key[data-key="token"] [data-action="insert-reference"]'
      )
      .click();

    await expect
      .poll(() => page.notebook.getCellTextInput(EMPTY_CELL))
      .toContain('api_token_token = Path(');

    const { snippetOutputs, digest } = await runAndDigest(
      page,
      EMPTY_CELL,
      'api_token_token'
    );
    await expect(snippetOutputs).toHaveCount(0);
    expect(digest).toBe(
      expectedDigest(leakWatch.profile, 'api-token', 'token')
    );
  });

  test('the shortcut opens the picker; Escape closes it and changes nothing', async ({
    page,
    tmpPath
  }) => {
    await openDemo(page, tmpPath);
    const before = await page.notebook.getCellTextInput(EMPTY_CELL);

    await page.keyboard.press('Control+Shift+Y');
    const picker = page.locator('.jp-SecretMounts-pickerDialog');
    await expect(picker.locator('.jp-SecretMounts-pickerFilter')).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(picker).toHaveCount(0);
    expect(await page.notebook.getCellTextInput(EMPTY_CELL)).toBe(before);
  });

  test('the notebook context menu offers the command', async ({
    page,
    tmpPath
  }) => {
    await openDemo(page, tmpPath);
    const cell = (await page.notebook.getCellLocator(EMPTY_CELL))!;
    await cell.click({ button: 'right' });
    const item = page.locator('.lm-Menu-item', {
      hasText: 'Insert secret reference'
    });
    await expect(item).toBeVisible();
    await item.click();
    const picker = page.locator('.jp-SecretMounts-pickerDialog');
    await expect(picker.locator('.jp-SecretMounts-pickerFilter')).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(picker).toHaveCount(0);
  });
});
