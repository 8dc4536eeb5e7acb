/**
 * Real-time collaboration under `warn`: the collaboration server's own autosave writes the
 * credential, and every page that has the notebook open is told, whoever typed it.
 */
import * as crypto from 'crypto';

import {
  expect,
  guestPage,
  savedSources,
  saveNotice,
  serverForThisFile,
  test,
  typeInCell,
  writeNotebook
} from './collaboration';

const server = serverForThisFile('collab');

/** A GitHub-shaped token made up for this run (warn writes it to the file). */
function madeUpToken(): string {
  const alphabet =
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return (
    'ghp_' +
    Array.from(crypto.randomBytes(36), b => alphabet[b % alphabet.length]).join(
      ''
    )
  );
}

test('the autosave of a pasted token tells both pages', async ({
  page,
  browser,
  baseURL,
  tmpPath,
  waitForApplication
}) => {
  test.setTimeout(180 * 1000);
  const notebook = `${tmpPath}/shared.ipynb`;
  writeNotebook(server(), notebook);
  const guest = await guestPage(browser, baseURL!, tmpPath, waitForApplication);
  await page.notebook.openByPath(notebook);
  await guest.notebook.openByPath(notebook);

  // The guest pastes; nobody saves by hand: the collaboration server saves by itself.
  const token = madeUpToken();
  await typeInCell(guest, 0, `GITHUB_TOKEN = "${token}"`);
  for (const someone of [page, guest]) {
    const notice = saveNotice(
      someone,
      'Saved, but found: credential-like values in cell 1'
    );
    await expect(notice).toBeVisible({ timeout: 30 * 1000 });
    await expect(notice).toContainText('github-token');
    expect(await notice.textContent()).not.toContain(token);
  }
  await expect
    .poll(() => savedSources(server().notebookFile(notebook)), {
      timeout: 30 * 1000
    })
    .toEqual([`GITHUB_TOKEN = "${token}"`]);
  await guest.close();
  await page.notebook.close(true);
});
