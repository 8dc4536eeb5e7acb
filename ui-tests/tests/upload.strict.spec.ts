/**
 * Every way into a file is checked (save policy `block` on the `strict` server): a notebook holding
 * a mounted value, uploaded through the file browser the way users upload (base64, as JupyterLab
 * sends every upload), is refused with the server's message, and nothing lands on disk.
 */
import * as fs from 'fs';
import * as path from 'path';

import { expect, profileRoot, readSecret, test } from './fixtures';

test('uploading a notebook that holds a mounted value is refused with a message', async ({
  page,
  tmpPath,
  leakWatch
}) => {
  const value = readSecret(leakWatch.profile, 'api-token', 'token')
    .toString('utf8')
    .trim();
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      {
        cell_type: 'code',
        id: 'a',
        metadata: {},
        execution_count: null,
        outputs: [],
        source: 'import os'
      },
      {
        cell_type: 'code',
        id: 'b',
        metadata: {},
        execution_count: null,
        outputs: [],
        source: `token = "${value}"`
      }
    ]
  };

  const chooser = page.waitForEvent('filechooser');
  await page.locator('.jp-FileBrowser-toolbar .jp-id-upload').click();
  await (
    await chooser
  ).setFiles({
    name: 'uploaded.ipynb',
    mimeType: 'application/x-ipynb+json',
    buffer: Buffer.from(JSON.stringify(notebook))
  });

  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText('Upload Error');
  await expect(dialog).toContainText('blocked by the secret-mounts policy');
  await expect(dialog).toContainText(
    'cell 2 (matches mounted secret api-token/token)'
  );
  expect(await dialog.textContent()).not.toContain(value);
  await dialog.getByRole('button', { name: /ok|dismiss|close/i }).click();

  expect(
    fs.existsSync(
      path.join(profileRoot('strict'), 'notebooks', tmpPath, 'uploaded.ipynb')
    )
  ).toBe(false);
});
