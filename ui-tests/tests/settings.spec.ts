/**
 * Our settings as users meet them in JupyterLab's Settings Editor, form and JSON: multi-line
 * snippet templates in boxes of code lines, lists one entry per line, one description each,
 * titles instead of internal ids. The screenshots are for looking at; with UPDATE_SCREENSHOTS=1
 * the one docs/snippets.md shows is rewritten.
 */

import type { Page } from '@playwright/test';

import { expect, screenshotPath, test } from './fixtures';

const PREFIX = 'jupyterlab-secret-mounts';
const PLUGINS = ['snippets', 'guard', 'model', 'panel'];
interface ISettingsLike {
  user: Record<string, unknown>;
  set(key: string, value: unknown): Promise<void>;
}

interface IAppWindow {
  jupyterapp: {
    commands: { execute(id: string, args?: object): Promise<unknown> };
  };
  galata: {
    getPlugin(
      id: string
    ): Promise<{ load(id: string): Promise<ISettingsLike> }>;
  };
}

async function run(page: Page, command: string): Promise<void> {
  await page.evaluate(
    id => (window as unknown as IAppWindow).jupyterapp.commands.execute(id),
    command
  );
}

/** The user settings of a plugin of ours, as the setting registry holds them. */
async function userSettings(
  page: Page,
  plugin: string
): Promise<Record<string, unknown>> {
  return page.evaluate(async id => {
    const app = window as unknown as IAppWindow;
    const registry = await app.galata.getPlugin(
      '@jupyterlab/apputils-extension:settings'
    );
    return (await registry.load(id)).user;
  }, `${PREFIX}:${plugin}`);
}

/** Open the form editor on one plugin, as a user does from the plugin list. */
async function openForm(page: Page, plugin: string) {
  await run(page, 'settingeditor:open');
  await page
    .locator(`.jp-PluginList-entry[data-id="${PREFIX}:${plugin}"]`)
    .first()
    .click();
  const form = page.locator('.jp-SettingsForm').filter({
    has: page.locator(`[id="jp-SettingsEditor-${PREFIX}:${plugin}"]`)
  });
  await expect(form).toBeVisible();
  return form;
}

/** Every description the form shows for a plugin, header included. */
async function descriptions(
  form: ReturnType<Page['locator']>
): Promise<string[]> {
  return form
    .locator('.jp-SettingsHeader-description, .jp-FormGroup-description')
    .evaluateAll(nodes =>
      nodes.map(node => (node.textContent ?? '').trim()).filter(Boolean)
    );
}

function template(
  form: ReturnType<Page['locator']>,
  style: string,
  kind: string
) {
  return form.locator(
    `fieldset[data-style="${style}"] textarea[data-kind="${kind}"]`
  );
}

test.beforeEach(async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 1400 });
});

test('snippet templates are edited as lines of code, described once', async ({
  page
}) => {
  const form = await openForm(page, 'snippets');

  // The style is chosen by name, not by internal id.
  const style = form.locator(
    `[id="jp-SettingsEditor-${PREFIX}:snippets_pythonStyle"]`
  );
  await expect(style.locator('option')).toHaveText([
    'Plain Python',
    'IPython shell command (!)',
    'Bash cell (%%bash)'
  ]);

  // A three-line template shows three lines, each on its own line.
  const json = template(form, 'python', 'json');
  await expect(json).toHaveValue(
    [
      'import json',
      'from pathlib import Path',
      "{var} = json.loads(Path({path}).read_text(encoding='utf-8'))"
    ].join('\n')
  );
  // Every line in view: three line-heights tall, nothing scrolled away.
  const view = await json.evaluate(node => {
    const style = getComputedStyle(node);
    const inner =
      node.clientHeight -
      parseFloat(style.paddingTop) -
      parseFloat(style.paddingBottom);
    return {
      lines: Math.round(inner / parseFloat(style.lineHeight)),
      hidden: node.scrollHeight - node.clientHeight
    };
  });
  expect(view.lines).toBeGreaterThanOrEqual(3);
  expect(view.hidden).toBeLessThanOrEqual(1);
  await expect(template(form, 'ipython-shell', 'binary')).toHaveAttribute(
    'placeholder',
    'No template: binary keys get no snippet'
  );

  const texts = await descriptions(form);
  expect(texts.length).toBeGreaterThan(2);
  expect(texts).toEqual([...new Set(texts)]);

  // For docs/snippets.md: the page's header and the first template groups.
  const box = await page.locator('.jp-SettingsPanel').boundingBox();
  await page.screenshot({
    path: screenshotPath('settings-snippets.png'),
    clip: { x: box!.x, y: box!.y, width: box!.width, height: 760 }
  });

  // An edit is saved as the template's lines.
  const text = template(form, 'r', 'text');
  await text.fill('library(mysecrets)\n{var} <- mysecrets::read({path})');
  await expect
    .poll(async () => (await userSettings(page, 'snippets')).templates, {
      timeout: 10000
    })
    .toMatchObject({
      r: { text: ['library(mysecrets)', '{var} <- mysecrets::read({path})'] }
    });
  await expect(
    form.locator('.jp-errorIndicator, .validationErrors li')
  ).toHaveCount(0);
});

test('a template saved as one string, as before, still shows as its lines', async ({
  page
}) => {
  await page.evaluate(async id => {
    const app = window as unknown as IAppWindow;
    const registry = await app.galata.getPlugin(
      '@jupyterlab/apputils-extension:settings'
    );
    await (
      await registry.load(id)
    ).set('templates', {
      julia: { text: 'using Secrets\n{var} = Secrets.read({path});' }
    });
  }, `${PREFIX}:snippets`);
  const form = await openForm(page, 'snippets');
  await expect(template(form, 'julia', 'text')).toHaveValue(
    'using Secrets\n{var} = Secrets.read({path});'
  );
  await expect(template(form, 'julia', 'json')).toHaveValue(
    'using JSON\n{var} = JSON.parsefile({path});'
  );
  await expect(
    form.locator('.jp-errorIndicator, .validationErrors li')
  ).toHaveCount(0);
});

test('the guard lists are edited one entry per line, described once', async ({
  page
}) => {
  const form = await openForm(page, 'guard');
  const rules = form.getByLabel('Disabled rules');
  await rules.fill('jwt\ngeneric-credential\n');
  await expect
    .poll(async () => (await userSettings(page, 'guard')).disabledRules, {
      timeout: 10000
    })
    .toEqual(['jwt', 'generic-credential']);
  // The line being started stays.
  await expect(rules).toHaveValue('jwt\ngeneric-credential\n');

  const texts = await descriptions(form);
  expect(texts.some(text => text.startsWith('Ids of scanner rules'))).toBe(
    true
  );
  expect(texts).toEqual([...new Set(texts)]);
});

test('every settings page of ours, form and JSON, reads well', async ({
  page
}, testInfo) => {
  for (const plugin of PLUGINS) {
    const form = await openForm(page, plugin);
    const texts = await descriptions(form);
    expect(texts, `descriptions of ${plugin}`).toEqual([...new Set(texts)]);
    // Our own icon in the list, not the generic gear.
    await expect(
      page
        .locator(`.jp-PluginList-entry[data-id="${PREFIX}:${plugin}"] svg`)
        .first()
    ).toHaveAttribute('data-icon', /^jupyterlab-secret-mounts:/);
    await page.screenshot({
      path: testInfo.outputPath(`settings-form-${plugin}.png`)
    });
  }

  await run(page, 'settingeditor:open-json');
  const editor = page.locator('.jp-SettingEditor');
  // The read-only defaults come first, the user's settings second.
  const defaults = editor.locator('.jp-SettingsRawEditor .cm-content').first();
  for (const plugin of PLUGINS) {
    await editor
      .locator(`.jp-PluginList-entry[data-id="${PREFIX}:${plugin}"]`)
      .click();
    await expect(defaults).toContainText(`${PREFIX}:${plugin}`);
    await expect(editor).toContainText('No errors found');
    if (plugin === 'snippets') {
      // Templates read as lines in JSON too.
      await expect(
        defaults.locator('.cm-line', { hasText: /^\s*"import json",$/ })
      ).toHaveCount(1);
    }
    await page.screenshot({
      path: testInfo.outputPath(`settings-json-${plugin}.png`)
    });
  }
});
