/**
 * Use for git in the browser, with jupyterlab-git installed (profile `git`): a git server on
 * 127.0.0.1 takes only the token mounted at secrets/git-creds/token. The panel action sets git up;
 * a clone from a real kernel and a push from jupyterlab-git's own UI then work with no credential
 * prompt; the quick fix takes a pasted token out of a git URL. The token must end up in no file of
 * the server's HOME or notebooks (checked after the run by canary-teardown.ts).
 */
import { galata } from '@jupyterlab/galata';
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import {
  expect,
  profileRoot,
  readSecret,
  runFromPalette,
  secretsRoot,
  test
} from './fixtures';

const GIT_PORT = Number(process.env.SECRET_MOUNTS_UI_PORT || 8890) + 8;
const GIT_HOST = `http://127.0.0.1:${GIT_PORT}`;
const REPO_URL = `${GIT_HOST}/project.git`;
const BARE = path.join(profileRoot('git'), 'git-server', 'project.git');
const HOME = path.join(profileRoot('git'), 'home');

/** git's global config in the server's HOME (helper lines, never a value). */
function gitConfig(): string {
  const file = path.join(HOME, '.gitconfig');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
}

test.use({
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    '@jupyterlab/docmanager-extension:plugin': { autosave: false }
  }
});

function serverLog(): string[] {
  return execFileSync('git', ['--git-dir', BARE, 'log', '--format=%s'], {
    encoding: 'utf8'
  })
    .trim()
    .split('\n');
}

async function openPanel(page: IJupyterLabPageFixture) {
  await page
    .locator('.jp-SideBar.jp-mod-left [data-id="jp-secret-mounts-panel"]')
    .click();
  const panel = page.locator('#jp-secret-mounts-panel');
  await expect(panel.locator('.jp-SecretMounts-browser')).toHaveAttribute(
    'data-status',
    'ready'
  );
  return panel;
}

/** Run a cell of `!` lines and return what it printed. */
async function runShell(
  page: IJupyterLabPageFixture,
  index: number,
  source: string
): Promise<string> {
  await page.notebook.setCell(index, 'code', source);
  await page.notebook.runCell(index);
  const cell = await page.notebook.getCellLocator(index);
  return (
    (await cell!.locator('.jp-OutputArea-output').allTextContents()) ?? []
  ).join('\n');
}

/** Type a line into the first cell and choose the guard's quick fix for git on its finding. */
async function typeAndUseForGit(
  page: IJupyterLabPageFixture,
  line: string
): Promise<void> {
  await page.notebook.enterCellEditingMode(0);
  await page.keyboard.type(line);
  const cell = (await page.notebook.getCellLocator(0))!;
  const mark = cell.locator('.jp-SecretMounts-guardMark').first();
  await expect(mark).toBeVisible();
  await mark.hover();
  await page
    .locator('.cm-tooltip-lint')
    .getByRole('button', { name: 'Use a mounted secret for git' })
    .first()
    .click();
}

test.describe.serial('Use for git', () => {
  test('the panel action sets git up; a kernel clones, jupyterlab-git pushes, no prompt', async ({
    page,
    tmpPath
  }) => {
    const panel = await openPanel(page);
    const key = panel.locator('.jp-SecretMounts-key[data-key="token"]', {
      has: page.locator('[title$="git-creds/token"]')
    });
    await key.locator('[data-action="use-for-git"]').click();

    const dialog = page.locator('.jp-SecretMounts-gitDialog');
    await expect(dialog.locator('[data-role="git-key"]')).toHaveValue(
      path.join(secretsRoot('git'), 'git-creds', 'token')
    );
    await dialog.locator('[data-role="git-other-host"]').fill(GIT_HOST);
    await expect(dialog.locator('input[value="x-access-token"]')).toBeChecked();
    await dialog.getByRole('button', { name: 'Use for git' }).click();

    const used = panel.locator(
      `.jp-SecretMounts-gitCredential[data-url="${GIT_HOST}"]`
    );
    await expect(used).toHaveAttribute('data-status', 'ok');
    await expect(used).toContainText('git-creds/token');
    await expect(used).toContainText('x-access-token');

    // A real kernel clones over http with basic auth, through the helper.
    await page.notebook.createNew('git.ipynb');
    const printed = await runShell(
      page,
      0,
      [
        `!git clone ${REPO_URL} project && echo CLONED`,
        '!cd project && echo "from the notebook" >> README.md && git commit -qam "from galata" && echo COMMITTED'
      ].join('\n')
    );
    expect(printed).toContain('CLONED');
    expect(printed).toContain('COMMITTED');
    // Saved with its outputs: git printed no token into them (the teardown checks every file).
    await page.notebook.save();
    const saved = path.join(
      profileRoot('git'),
      'notebooks',
      tmpPath,
      'git.ipynb'
    );
    expect(fs.readFileSync(saved, 'utf8')).toContain('CLONED');
    await page.notebook.close(true);

    // jupyterlab-git's own push, from its panel, in the clone.
    await page.sidebar.openTab('filebrowser');
    await page.filebrowser.openDirectory(`${tmpPath}/project`);
    await page
      .locator('.jp-SideBar.jp-mod-left [data-id="jp-git-sessions"]')
      .click();
    const gitPanel = page.locator('#jp-git-sessions');
    await expect(gitPanel).toBeVisible();
    await gitPanel
      .getByRole('button', { name: /Push committed changes/ })
      .click();
    await expect(
      page.locator('.jp-Notification-Toast-success, .Toastify__toast--success')
    ).toContainText(/Successfully pushed/i, { timeout: 60_000 });
    // No credential dialog was shown.
    await expect(
      page.locator('.jp-Dialog', { hasText: /credentials/i })
    ).toHaveCount(0);
    expect(serverLog()[0]).toBe('from galata');
  });

  test('the quick fix takes a mounted token out of a git URL', async ({
    page
  }) => {
    const token = readSecret('git', 'git-creds', 'token')
      .toString('utf8')
      .trim();
    await page.notebook.createNew('pasted.ipynb');
    await typeAndUseForGit(
      page,
      `!git remote set-url origin http://x-access-token:${token}@127.0.0.1:${GIT_PORT}/project.git`
    );

    const dialog = page.locator('.jp-SecretMounts-gitDialog');
    await expect(dialog.locator('[data-role="git-other-host"]')).toHaveValue(
      GIT_HOST
    );
    await expect(dialog.locator('input[value="x-access-token"]')).toBeChecked();
    await dialog.getByRole('button', { name: 'Use for git' }).click();

    await expect
      .poll(() => page.notebook.getCellTextInput(0))
      .toBe(
        `!git remote set-url origin http://127.0.0.1:${GIT_PORT}/project.git`
      );
    await page.notebook.close(true);

    // git's config names the helper, never the token; no credentials file was written.
    expect(gitConfig()).not.toContain(token);
    expect(fs.existsSync(path.join(HOME, '.git-credentials'))).toBe(false);
  });

  test('the palette command sets up a second host; Stop using in the panel undoes it', async ({
    page
  }) => {
    await runFromPalette(page, 'Use a Mounted Secret for Git…');
    const dialog = page.locator('.jp-SecretMounts-gitDialog');
    await dialog.locator('input[value="gitlab.com"]').check();
    await dialog.locator('input[value="oauth2"]').check();
    await dialog.getByRole('button', { name: 'Use for git' }).click();

    const panel = await openPanel(page);
    const gitlab = panel.locator(
      '.jp-SecretMounts-gitCredential[data-url="https://gitlab.com"]'
    );
    await expect(gitlab).toHaveAttribute('data-status', 'ok');
    await expect(gitlab).toContainText('oauth2');
    expect(gitConfig()).toContain('[credential "https://gitlab.com"]');

    await gitlab.locator('[data-action="forget-git"]').click();
    await expect(gitlab).toHaveCount(0);
    expect(gitConfig()).not.toContain('https://gitlab.com');
    // The other host is untouched: git still reads the token for the local server.
    await expect(
      panel.locator(`.jp-SecretMounts-gitCredential[data-url="${GIT_HOST}"]`)
    ).toHaveAttribute('data-status', 'ok');
  });

  test('the quick fix on a token that is not mounted explains and leaves the cell', async ({
    page
  }) => {
    // A GitHub-shaped token made up for this test: no mounted key holds it.
    const alphabet =
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    const madeUp =
      'ghp_' +
      Array.from(
        crypto.randomBytes(36),
        b => alphabet[b % alphabet.length]
      ).join('');
    const source = `!git clone https://x-access-token:${madeUp}@github.com/org/repo.git`;
    await page.notebook.createNew('unmounted.ipynb');
    await typeAndUseForGit(page, source);

    // The server's exact-match check finds no mounted key: no Use for git dialog, an explanation
    // (with no Move to a Kubernetes Secret button: this server offers no such flow).
    const explained = page.locator('.jp-Dialog', {
      hasText: 'The token is not mounted'
    });
    await expect(explained).toBeVisible();
    await expect(
      explained.getByRole('button', { name: /Move to a Kubernetes Secret/ })
    ).toHaveCount(0);
    await explained.getByRole('button', { name: 'Close' }).click();
    await expect(page.locator('.jp-SecretMounts-gitDialog')).toHaveCount(0);
    expect(await page.notebook.getCellTextInput(0)).toBe(source);
    expect(gitConfig()).not.toContain('https://github.com');
    await page.notebook.close(true);
  });
});
