/**
 * Jupyter Notebook 7 (`jupyter notebook`, projects `notebook7` and `notebook7-strict`): the same
 * extension, another shell. Galata's `page.notebook` helpers expect JupyterLab's tabs, so these
 * helpers drive Notebook 7's single-document pages with plain Playwright, as a user would.
 */
import { galata } from '@jupyterlab/galata';
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { expect, test as base } from './fixtures';

export { expect };

const DEMO_NOTEBOOK = path.join(__dirname, '..', '..', 'demo', 'demo.ipynb');

export const test = base.extend({
  // Notebook 7's pages have no JupyterLab dock panel to wait for.
  waitForApplication: async ({}, use) => {
    await use(async page => {
      await page.waitForSelector('#main-panel');
    });
  }
});

test.use({
  autoGoto: false,
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    // Saves happen when the test says so; a value typed in a test is never saved by accident.
    '@jupyterlab/docmanager-extension:plugin': { autosave: false }
  }
});

/**
 * Open a copy of the demo notebook in the test's folder, in its own Notebook 7 page. Its fourth
 * cell holds a pasted token; `withoutToken` leaves that cell empty (a `block` server would
 * refuse to store the demo as it is).
 */
export async function openDemo(
  page: IJupyterLabPageFixture,
  tmpPath: string,
  { withoutToken = false } = {}
): Promise<string> {
  const notebook = `${tmpPath}/demo.ipynb`;
  let source = DEMO_NOTEBOOK;
  if (withoutToken) {
    const demo = JSON.parse(fs.readFileSync(DEMO_NOTEBOOK, 'utf8'));
    demo.cells[3].source = '';
    source = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'nb7-')),
      'demo.ipynb'
    );
    fs.writeFileSync(source, JSON.stringify(demo));
  }
  expect(await page.contents.uploadFile(source, notebook)).toBe(true);
  await page.goto(`notebooks/${notebook}`);
  await page.waitForSelector('#main-panel');
  await expect(page.locator('.jp-Notebook .jp-Cell')).toHaveCount(4);
  // The kernel is up (the snippets run code), and the guard has looked at the cells.
  await expect(
    page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]')
  ).toHaveCount(1);
  return notebook;
}

export function cell(page: Page, index: number): Locator {
  return page.locator('.jp-Notebook .jp-Cell').nth(index);
}

/** Type at the end of a cell's editor. */
export async function typeInCell(
  page: Page,
  index: number,
  text: string
): Promise<void> {
  await cell(page, index).locator('.cm-content').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(text);
}

/** A cell's source as its editor shows it. */
export async function cellSource(page: Page, index: number): Promise<string> {
  const lines = await cell(page, index).locator('.cm-line').allTextContents();
  return lines.join('\n');
}

/** Ctrl+S from command mode, as a user saves. */
export async function saveWithKeyboard(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+s');
}
