/**
 * Real-time collaboration under `block`: a value pasted into a shared notebook is never written,
 * and nothing typed after it is lost, across a server restart; both pages are told.
 */
import {
  leakedCanaries,
  readSecret,
  secretsRoot,
  canaryValues
} from './fixtures';
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

const server = serverForThisFile('collab-strict');

test('a pasted value is never written, every edit survives a restart, both pages are told', async ({
  page,
  browser,
  baseURL,
  tmpPath,
  waitForApplication,
  leakWatch
}) => {
  test.setTimeout(300 * 1000);
  const value = readSecret(leakWatch.profile, 'api-token', 'token')
    .toString('utf8')
    .trim();
  const notebook = `${tmpPath}/shared.ipynb`;
  const file = server().notebookFile(notebook);
  writeNotebook(server(), notebook);

  const guest = await guestPage(browser, baseURL!, tmpPath, waitForApplication);
  await page.notebook.openByPath(notebook);
  await guest.notebook.openByPath(notebook);

  // One collaborator pastes the mounted value, as people do.
  await typeInCell(page, 0, `token = "${value}"`);
  const told =
    'Saved with markers instead of the credential-like values in cell 1';
  for (const someone of [page, guest]) {
    const notice = saveNotice(someone, told);
    await expect(notice).toBeVisible({ timeout: 30 * 1000 });
    await expect(notice).toContainText(
      'matches mounted secret api-token/token'
    );
    expect(await notice.textContent()).not.toContain(value);
  }
  // ...and both keep editing: the other one adds a cell, the first one another line.
  await guest.notebook.addCell(
    'code',
    'rows = query(token)  # typed after the paste'
  );
  await typeInCell(page, 0, '\nheaders = {"Authorization": token}');
  const marked = [
    `token = "[secret-mounts: redacted api-token/token]"\nheaders = {"Authorization": token}`,
    'rows = query(token)  # typed after the paste'
  ];
  await expect
    .poll(() => savedSources(file), { timeout: 30 * 1000 })
    .toEqual(marked);
  // Everybody still sees what was typed (the shared document is not touched).
  expect(await page.notebook.getCellTextInput(0)).toContain(value);

  // Restart the server, as a pod restart or an idle culler does, and open the notebook again.
  // Both pages go (Galata's mocks would ask a stopped server), and the server restarts.
  await guest.close();
  await page.close();
  await server().stop();
  await server().start(true);
  const reopened = await guestPage(
    browser,
    baseURL!,
    tmpPath,
    waitForApplication
  );
  await reopened.notebook.openByPath(notebook);
  expect(await reopened.notebook.getCellCount()).toBe(2);
  expect(await reopened.notebook.getCellTextInput(0)).toBe(marked[0]);
  expect(await reopened.notebook.getCellTextInput(1)).toBe(marked[1]);
  await reopened.close();

  // No value in any file the server wrote: the notebook, the collaboration store (kept in
  // memory: no .jupyter_ystore.db at all), the file id database, the log.
  const canaries = canaryValues(secretsRoot(leakWatch.profile));
  const written = server().writtenFiles();
  expect(written.map(w => w.file)).not.toContain('.jupyter_ystore.db');
  for (const { file: name, content } of written) {
    expect(leakedCanaries(content.toString('latin1'), canaries), name).toEqual(
      []
    );
  }
  // A marked save is one log line, never the room's traceback.
  const log = server().log();
  expect(log).not.toContain('Error saving file');
  expect(log).toContain(`secret-mounts: '${notebook}': 'Saved with markers`);
});
