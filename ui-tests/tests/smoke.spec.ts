import { expect, test } from './fixtures';

test('the prebuilt extension and its server extension are loaded', async ({
  page,
  request
}) => {
  const extensions = await page.evaluate(() => {
    const data =
      document.getElementById('jupyter-config-data')?.textContent ?? '{}';
    const config = JSON.parse(data) as {
      federated_extensions?: { name: string }[];
    };
    return (config.federated_extensions ?? []).map(e => e.name);
  });
  expect(extensions).toContain('jupyterlab-secret-mounts');

  const response = await request.get('secret-mounts/version');
  expect(response.ok()).toBe(true);
  const { version } = (await response.json()) as { version: string };
  expect(version).toBe(require('../../package.json').version);
});
