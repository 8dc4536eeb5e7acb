/**
 * What the user sees is what is on disk (the `default` server: save policy `warn`, output
 * redaction on, as a fresh install). A mounted value printed by a real kernel is masked on screen,
 * and the saved notebook holds a marker naming the key in its place, never the value.
 */
import * as fs from 'fs';
import * as path from 'path';

import { expect, profileRoot, readSecret, secretsRoot, test } from './fixtures';

const MASK = '[REDACTED]';

test('a printed mounted value is saved as a marker', async ({
  page,
  tmpPath,
  leakWatch
}) => {
  const value = readSecret(leakWatch.profile, 'api-token', 'token')
    .toString('utf8')
    .trim();
  const tokenPath = path.join(
    secretsRoot(leakWatch.profile),
    'api-token',
    'token'
  );
  await page.notebook.createNew('printed.ipynb');
  await page.notebook.setCell(
    0,
    'code',
    `print(open(${JSON.stringify(tokenPath)}).read().strip())`
  );
  await page.notebook.run();

  const output = (await page.notebook.getCellLocator(0))!.locator(
    '.jp-OutputArea-output'
  );
  await expect(output).toHaveText(MASK);
  await page.notebook.save();

  const file = path.join(
    profileRoot('default'),
    'notebooks',
    tmpPath,
    'printed.ipynb'
  );
  await expect
    .poll(() => fs.existsSync(file) && fs.readFileSync(file, 'utf8'))
    .toContain('[secret-mounts: redacted api-token/token]');
  const saved = fs.readFileSync(file, 'utf8');
  expect(saved).not.toContain(value);
  const outputs = JSON.parse(saved).cells[0].outputs;
  expect(outputs[0].text.join('')).toBe(
    '[secret-mounts: redacted api-token/token]\n'
  );

  // The screen still shows the mask; the open notebook keeps running as before.
  await expect(output).toHaveText(MASK);
  await page.notebook.close(true);
});
