/**
 * `bash scripts/demo.sh` as shipped, used the way its README and its notebook tell a user to:
 * open the printed URL, open the Secret Mounts panel, insert a secret reference into the demo
 * notebook and run it in the real kernel, and see the pasted token flagged.
 *
 * The kernel never prints a value: a check cell prints the length and SHA-256 of what the
 * inserted snippet read, compared here with the file on disk. The leak watch fails a test when a
 * console line or a response body holds a demo value; the set-up's teardown checks the server log
 * and saved notebooks.
 */
import { expect, Page, test as base } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

import {
  ILeakWatch,
  leakWatchFixture,
  runFromPalette,
  snippetDigest
} from '../tests/fixtures';
import { DEMO_DIR, DEMO_LOG } from './demo-server';

const SECRETS = path.join(DEMO_DIR, 'secrets');
const DEMO_NOTEBOOK = path.join(__dirname, '..', '..', 'demo', 'demo.ipynb');

const test = base.extend<{ leakWatch: ILeakWatch }>({
  leakWatch: leakWatchFixture(
    () => 'demo',
    () => SECRETS
  )
});

/**
 * Open the URL the demo printed: JupyterLab with the demo notebook, ready once its kernel is idle
 * (by then the layout is restored, and a click or key press is not undone by it).
 */
async function openDemo(page: Page): Promise<void> {
  await page.goto(process.env.SECRET_MOUNTS_DEMO_URL!);
  await expect(page.locator('.jp-NotebookPanel .jp-Cell').first()).toBeVisible({
    timeout: 60000
  });
  await expect(page.getByRole('button', { name: /\| Idle$/ })).toBeVisible({
    timeout: 90000
  });
}

function cell(page: Page, index: number) {
  return page.locator('.jp-NotebookPanel .jp-Notebook .jp-Cell').nth(index);
}

/** The token pasted into the demo notebook (its only `ghp_` token). */
function pastedToken(): string {
  const notebook = JSON.parse(fs.readFileSync(DEMO_NOTEBOOK, 'utf8')) as {
    cells: { source: string | string[] }[];
  };
  const sources = notebook.cells
    .map(c => [c.source].flat().join(''))
    .join('\n');
  return sources.match(/ghp_[A-Za-z0-9]{36}/)![0];
}

test('the server extension loaded with the demo settings', () => {
  expect(fs.readFileSync(DEMO_LOG, 'utf8')).toContain(
    'jupyterlab_secret_mounts | extension was successfully loaded.'
  );
});

test('the panel lists every demo folder', async ({ page }) => {
  await openDemo(page);
  // The tab toggles the panel: click it only when the restored layout has it closed.
  const tab = page.locator(
    '.jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id="jp-secret-mounts-panel"]'
  );
  if (!(await tab.getAttribute('class'))?.includes('lm-mod-current')) {
    await tab.click();
  }
  const panel = page.locator('#jp-secret-mounts-panel');
  await expect(panel.locator('.jp-SecretMounts-browser')).toHaveAttribute(
    'data-status',
    'ready'
  );
  const folders = fs
    .readdirSync(SECRETS)
    .filter(name => !name.startsWith('..'));
  expect(folders.length).toBeGreaterThanOrEqual(5);
  for (const name of folders) {
    await expect(
      panel.locator(
        `.jp-SecretMounts-folder[data-path="${path.join(SECRETS, name)}"]`
      )
    ).toBeVisible();
  }
});

test('the token pasted in the demo notebook is flagged', async ({ page }) => {
  await openDemo(page);
  const mark = page.locator('.jp-NotebookPanel .jp-SecretMounts-guardMark');
  await expect(mark).toHaveCount(1);
  await expect(mark).toHaveText(pastedToken());
  await expect(page.locator('.jp-SecretMounts-guardIndicator')).toHaveClass(
    /jp-mod-warning/
  );
});

test('Insert secret reference inserts code that reads the value in the kernel', async ({
  page
}) => {
  await openDemo(page);
  // The empty cell below the introduction, as the notebook says.
  await cell(page, 1).locator('.cm-content').click();

  await runFromPalette(page, 'Insert secret reference');
  const picker = page.locator('.jp-SecretMounts-pickerDialog');
  await picker.locator('.jp-SecretMounts-pickerFilter').fill('db-creds pass');
  await expect(picker.locator('[role="option"]')).toHaveCount(1);
  await page.keyboard.press('Enter');
  await expect(picker).toHaveCount(0);
  await expect(cell(page, 1).locator('.cm-content')).toContainText(
    'db_creds_password = Path('
  );

  // Run it (Shift+Enter), in the kernel the notebook started.
  await cell(page, 1).locator('.cm-content').click();
  await page.keyboard.press('Shift+Enter');
  await expect(cell(page, 1).locator('.jp-InputPrompt')).toHaveText(/\[\d+\]/, {
    timeout: 90000
  });
  await expect(cell(page, 1).locator('.jp-OutputArea-output')).toHaveCount(0);

  // A check cell below it: length and hash of what the snippet read, never the value.
  await page.keyboard.press('Escape');
  await cell(page, 1).locator('.jp-InputPrompt').click();
  await page.keyboard.press('b');
  await cell(page, 2).locator('.cm-content').click();
  await page.keyboard.insertText(
    'import hashlib\nprint(len(db_creds_password), hashlib.sha256(db_creds_password.encode()).hexdigest())'
  );
  await page.keyboard.press('Shift+Enter');
  await expect(cell(page, 2).locator('.jp-OutputArea-output')).toHaveText(
    snippetDigest(fs.readFileSync(path.join(SECRETS, 'db-creds', 'password'))),
    { timeout: 90000 }
  );
});
