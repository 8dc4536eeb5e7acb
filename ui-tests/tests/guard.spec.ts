/**
 * The notebook guard against a real server (default profile: save policy `warn`) and a real
 * ipykernel: warnings while typing, masked outputs, the quick fix, the findings list, and the
 * warning after a save. Values must never reach a saved file: notebooks that hold a mounted value
 * are closed without saving (autosave is off in these tests).
 */
import { galata } from '@jupyterlab/galata';
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import {
  expect,
  profileRoot,
  readSecret,
  screenshotPath,
  secretsRoot,
  test
} from './fixtures';

const REPO = path.join(__dirname, '..', '..');
const MASK = '[REDACTED]';

test.use({
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    '@jupyterlab/docmanager-extension:plugin': { autosave: false }
  }
});

/** A GitHub-shaped token made up for this run (not a mounted value). */
function madeUpToken(): string {
  const alphabet =
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = crypto.randomBytes(36);
  return (
    'ghp_' + Array.from(bytes, b => alphabet[b % alphabet.length]).join('')
  );
}

/** The mounted demo API token: its path in the server, and its value (for typing only). */
function apiToken(profile: string): { path: string; value: string } {
  return {
    path: path.join(secretsRoot(profile), 'api-token', 'token'),
    value: readSecret(profile, 'api-token', 'token').toString('utf8').trim()
  };
}

/** Type at the end of a cell's editor, as a user does. */
async function typeInCell(
  page: IJupyterLabPageFixture,
  index: number,
  text: string
): Promise<void> {
  await page.notebook.enterCellEditingMode(index);
  await page.keyboard.press('Control+End');
  await page.keyboard.type(text);
}

async function cellLocator(page: IJupyterLabPageFixture, index: number) {
  const cell = await page.notebook.getCellLocator(index);
  expect(cell).not.toBeNull();
  return cell!;
}

test.describe('Notebook guard', () => {
  test('typing a token into a cell shows a warning while still editing', async ({
    page
  }) => {
    await page.notebook.createNew('typing.ipynb');
    const token = madeUpToken();
    await typeInCell(
      page,
      0,
      `import requests\n\n# pasted from the settings page\nGITHUB_TOKEN = "${token}"`
    );

    const cell = await cellLocator(page, 0);
    const mark = cell.locator('.jp-SecretMounts-guardMark');
    await expect(mark).toBeVisible();
    // Same editing session: not run, not saved, the editor still has the cursor.
    expect(await page.notebook.isCellInEditingMode(0)).toBe(true);
    await expect(mark).toHaveText(token);

    const indicator = page.locator('.jp-SecretMounts-guardIndicator');
    await expect(indicator).toHaveClass(/jp-mod-warning/);
    await expect(indicator.locator('.jp-SecretMounts-guardCount')).toHaveText(
      '1'
    );

    // The hover message names the rule and shows a redacted preview, not the token.
    await mark.hover();
    const tooltip = page.locator('.cm-tooltip-lint');
    await expect(tooltip).toContainText('GitHub token');
    await expect(
      tooltip.getByRole('button', { name: 'Ignore on this line' })
    ).toBeVisible();
    expect(await tooltip.textContent()).not.toContain(token);

    const box = await cell.boundingBox();
    await page.screenshot({
      path: screenshotPath('guard-warning.png'),
      clip: { x: box!.x, y: box!.y, width: 820, height: box!.height + 10 }
    });

    // From the keyboard: the cell's warning list, its fix buttons reachable with Tab.
    await page.mouse.move(0, 0);
    await page.keyboard.press('Control+Shift+m');
    const panel = page.locator('.cm-panel-lint');
    await expect(panel).toContainText('GitHub token');
    await expect(
      panel.getByRole('button', { name: 'Ignore on this line' })
    ).toBeVisible();
    await panel.locator('button[name="close"]').click();
    await expect(panel).toHaveCount(0);

    // The suppression comment quick fix: the warning goes away.
    await mark.hover();
    await tooltip.getByRole('button', { name: 'Ignore on this line' }).click();
    expect(await page.notebook.getCellTextInput(0)).toContain(
      `GITHUB_TOKEN = "${token}"  # secret-mounts:ignore`
    );
    await expect(mark).toHaveCount(0);
    await expect(indicator).toHaveClass(/jp-mod-clean/);

    // Typing a mounted value, however plain it looks, is flagged by the server's exact check.
    const { value } = apiToken('default');
    await typeInCell(page, 0, `\nsecret = "${value}"`);
    await expect(cell.locator('.jp-SecretMounts-guardMark')).toHaveCount(1);
    await cell.locator('.jp-SecretMounts-guardMark').hover();
    await expect(page.locator('.cm-tooltip-lint')).toContainText(
      'api-token/token'
    );
    await page.notebook.close(true);
  });

  test('masks a mounted value printed by the kernel, also when printed in chunks', async ({
    page,
    leakWatch
  }) => {
    const { path: tokenPath, value } = apiToken(leakWatch.profile);
    await page.notebook.createNew('printing.ipynb');
    await page.notebook.setCell(
      0,
      'code',
      [
        'import sys, time',
        `value = open(${JSON.stringify(tokenPath)}).read().strip()`,
        'print("whole:", value)',
        // Two writes with a pause: the output area merges them into one stream output.
        'sys.stdout.write("split: " + value[:10]); sys.stdout.flush()',
        'time.sleep(1)',
        'print(value[10:], end=""); sys.stdout.flush()',
        'print()',
        'print("length", len(value))'
      ].join('\n')
    );
    await page.notebook.run();

    const output = (await cellLocator(page, 0)).locator(
      '.jp-OutputArea-output'
    );
    await expect(output).toContainText(`length ${value.length}`);
    await expect(output).toContainText(`whole: ${MASK}`);
    await expect(output).toContainText(`split: ${MASK}`);
    const text = (await output.allTextContents()).join('\n');
    expect(text).not.toContain(value);
    expect(text).not.toContain(value.slice(10));

    // The output finding is counted and listed (with the key, never the value).
    const indicator = page.locator('.jp-SecretMounts-guardIndicator');
    await expect(indicator.locator('.jp-SecretMounts-guardCount')).toHaveText(
      '1'
    );
    await indicator.click();
    const list = page.locator('.jp-SecretMounts-guardList');
    await expect(list.locator('.jp-SecretMounts-guardItem')).toHaveCount(1);
    await expect(list.locator('.jp-SecretMounts-guardJump')).toHaveText(
      'Cell 1, output 1'
    );
    await expect(list.locator('.jp-SecretMounts-guardPreview')).toContainText(
      'api-token/token'
    );
    await page.keyboard.press('Escape');
    await page.notebook.close(true);
  });

  test('the quick fix rewrites the literal to a file read, and the cell runs', async ({
    page,
    leakWatch
  }) => {
    const { path: tokenPath, value } = apiToken(leakWatch.profile);
    await page.notebook.createNew('quickfix.ipynb');
    await typeInCell(page, 0, `token = "${value}"\nprint(len(token))`);

    const cell = await cellLocator(page, 0);
    const mark = cell.locator('.jp-SecretMounts-guardMark');
    await expect(mark).toHaveCount(1);
    await mark.hover();
    const tooltip = page.locator('.cm-tooltip-lint');
    await tooltip
      .getByRole('button', { name: 'Replace with secret reference' })
      .click();

    const source = await page.notebook.getCellTextInput(0);
    expect(source).toBe(
      `token = open('${tokenPath}', encoding='utf-8').read().strip()\nprint(len(token))`
    );
    expect(source).not.toContain(value);
    await expect(mark).toHaveCount(0);

    await page.notebook.run();
    await expect(cell.locator('.jp-OutputArea-output')).toHaveText(
      String(value.length)
    );
    await expect(page.locator('.jp-SecretMounts-guardIndicator')).toHaveClass(
      /jp-mod-clean/
    );
    await page.notebook.close(true);
  });

  test('the findings list shows where, what and a preview, and jumps to the cell', async ({
    page,
    tmpPath,
    leakWatch
  }) => {
    const { path: tokenPath } = apiToken(leakWatch.profile);
    // The demo notebook holds a pasted token in its fourth cell.
    await page.contents.uploadFile(
      path.join(REPO, 'demo', 'demo.ipynb'),
      `${tmpPath}/demo.ipynb`
    );
    await page.notebook.openByPath(`${tmpPath}/demo.ipynb`);
    await page.notebook.activate('demo.ipynb');
    await page.notebook.addCell(
      'code',
      `print(open(${JSON.stringify(tokenPath)}).read().strip())  # the kernel prints a mounted value`
    );
    await page.notebook.runCell(4);

    const indicator = page.locator('.jp-SecretMounts-guardIndicator');
    await expect(indicator.locator('.jp-SecretMounts-guardCount')).toHaveText(
      '2'
    );
    await indicator.click();

    const dialog = page.locator('.jp-SecretMounts-guardDialog');
    await expect(dialog.locator('.jp-SecretMounts-guardPolicy')).toContainText(
      'warn'
    );
    const rows = dialog.locator('.jp-SecretMounts-guardItem');
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0).locator('.jp-SecretMounts-guardJump')).toHaveText(
      'Cell 4, line 3'
    );
    await expect(rows.nth(0)).toContainText('GitHub token');
    await expect(rows.nth(1).locator('.jp-SecretMounts-guardJump')).toHaveText(
      'Cell 5, output 1'
    );
    await dialog.locator('.jp-Dialog-content').screenshot({
      path: screenshotPath('findings.png')
    });

    // Keyboard: the first row's button takes focus with Tab and Enter jumps.
    await rows.nth(0).locator('.jp-SecretMounts-guardJump').focus();
    await page.keyboard.press('Enter');
    await expect(dialog).toHaveCount(0);
    const active = page.locator('.jp-Notebook .jp-Cell.jp-mod-active');
    await expect(active).toContainText('GITHUB_TOKEN');
    expect(await page.notebook.isCellInEditingMode(3)).toBe(true);
    const selected = await page.evaluate(
      () => window.getSelection()?.toString() ?? ''
    );
    expect(selected.startsWith('ghp_')).toBe(true);
    await page.notebook.close(true);
  });

  test('with the warn policy, saving works and the user is told what was found', async ({
    page,
    tmpPath
  }) => {
    await page.notebook.createNew('warned.ipynb');
    const token = madeUpToken();
    await typeInCell(page, 0, `API_TOKEN = "${token}"`);
    await page.notebook.save();

    const toast = page.locator('.Toastify__toast', {
      hasText: 'Saved, but found'
    });
    await expect(toast).toBeVisible();
    await expect(toast).toContainText('cell 1');
    expect(await toast.textContent()).not.toContain(token);
    await toast.getByRole('button', { name: 'Show findings' }).click();
    await expect(page.locator('.jp-SecretMounts-guardItem')).toHaveCount(1);
    await page.keyboard.press('Escape');

    const saved = fs.readFileSync(
      path.join(profileRoot('default'), 'notebooks', tmpPath, 'warned.ipynb'),
      'utf8'
    );
    expect(saved).toContain(token);
  });
});
