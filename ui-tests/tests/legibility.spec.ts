/**
 * What users must be able to read: the panel's filter hint in full at the sidebar's width, and
 * the warning mark on a credential in a cell, clearly visible in the light and the dark theme.
 */
import type { Page } from '@playwright/test';
import * as crypto from 'crypto';

import { expect, test } from './fixtures';

/** WCAG's minimum contrast for graphical objects such as an underline. */
const NON_TEXT_CONTRAST = 3;

interface IMarkStyle {
  line: string;
  thickness: number;
  /** The underline's colour and the editor's background, as `rgb(...)` strings. */
  underline: string;
  background: string;
  tint: string;
}

/** Relative luminance contrast ratio of two `rgb()`/`rgba()` colours (WCAG 2). */
function contrast(a: string, b: string): number {
  const luminance = (color: string) => {
    const [r, g, bl] = (color.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
    const channel = (c: number) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(bl);
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/** Opacity of a computed colour: `rgba(r, g, b, a)` or `color(srgb r g b / a)`. */
function alpha(color: string): number {
  const given =
    color.match(/\/\s*([\d.]+)\)$/) ?? color.match(/^rgba\(.*,\s*([\d.]+)\)$/);
  return given ? Number(given[1]) : 1;
}

/** A GitHub-shaped token made up for this run. */
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

async function markStyle(page: Page): Promise<IMarkStyle> {
  const mark = page.locator('.jp-SecretMounts-guardMark').first();
  await expect(mark).toBeVisible();
  return mark.evaluate(node => {
    const style = getComputedStyle(node);
    // The first opaque background behind the mark: the editor's.
    let background = 'rgb(255, 255, 255)';
    for (let el = node.parentElement; el; el = el.parentElement) {
      const color = getComputedStyle(el).backgroundColor;
      if (color !== 'transparent' && !/rgba\(.*, 0\)$/.test(color)) {
        background = color;
        break;
      }
    }
    return {
      line: style.textDecorationLine,
      thickness: parseFloat(style.textDecorationThickness) || 0,
      underline: style.textDecorationColor,
      background,
      tint: style.backgroundColor
    };
  });
}

test('the filter hint is not cut off at the sidebar width', async ({
  page
}) => {
  await page
    .locator('.jp-SideBar.jp-mod-left [data-id="jp-secret-mounts-panel"]')
    .click();
  const input = page.getByLabel('Filter by folder or key name');
  await expect(input).toBeVisible();
  const fit = await input.evaluate(node => {
    const field = node as HTMLInputElement;
    const style = getComputedStyle(field);
    const context = document.createElement('canvas').getContext('2d')!;
    context.font = `${style.fontSize} ${style.fontFamily}`;
    return {
      text: context.measureText(field.placeholder).width,
      room:
        field.clientWidth -
        parseFloat(style.paddingLeft) -
        parseFloat(style.paddingRight)
    };
  });
  expect(fit.text).toBeGreaterThan(0);
  expect(fit.text).toBeLessThanOrEqual(fit.room);
});

for (const theme of ['light', 'dark'] as const) {
  test(`a credential in a cell is clearly marked in the ${theme} theme`, async ({
    page
  }) => {
    if (theme === 'dark') {
      await page.theme.setDarkTheme();
    }
    await page.notebook.createNew(`legibility-${theme}.ipynb`);
    await page.notebook.enterCellEditingMode(0);
    await page.keyboard.type(`GITHUB_TOKEN = "${madeUpToken()}"`);

    const style = await markStyle(page);
    expect(style.line).toContain('underline');
    expect(style.thickness).toBeGreaterThanOrEqual(2);
    expect(contrast(style.underline, style.background)).toBeGreaterThanOrEqual(
      NON_TEXT_CONTRAST
    );
    // A tint behind the token as well, so it stands out at a glance.
    expect(alpha(style.tint)).toBeGreaterThan(0);

    const cell = await page.notebook.getCellLocator(0);
    await cell!.screenshot({
      path: test.info().outputPath(`guard-mark-${theme}.png`)
    });
  });
}
