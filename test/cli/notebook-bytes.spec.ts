/**
 * The CLI reads a notebook's texts from its bytes (image payloads stepped
 * over, text outside ASCII decoded string by string). It must give exactly
 * what the engine's reference reader gives on the decoded file: every
 * notebook below, in every layout, is checked against `notebookTexts`.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { notebookTextsOf } from '../../src/cli/notebook-bytes';
import { notebookTexts } from '../../src/scanner';

const AWS_KEY = 'AKIAZ7VQX3M4PLR2TQWE';
/** Base64 a PNG could hold: an AWS key id is made of base64 characters. */
const IMAGE = `iVBORw0KGgo${AWS_KEY}AAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+/=`;

type Cell = Record<string, unknown>;

function notebook(cells: Cell[]): object {
  return { nbformat: 4, nbformat_minor: 5, metadata: {}, cells };
}

function code(source: string | string[], outputs: object[] = []): Cell {
  return { cell_type: 'code', metadata: {}, source, outputs };
}

function display(data: Record<string, unknown>): object {
  return { output_type: 'display_data', metadata: {}, data };
}

/** Notebooks with the shapes the byte reader has to get right. */
const NOTEBOOKS: Record<string, object> = {
  'images as strings and as lists, before and after text': notebook([
    code('plot()', [
      display({ 'image/png': IMAGE, 'text/plain': `<Figure ${AWS_KEY}>` }),
      display({ 'image/jpeg': [IMAGE.slice(0, 20), IMAGE.slice(20)] }),
      display({
        'text/plain': 'token = "ghp_R8mZ2xQ7wL4nV9kT1yB6cF3hJ5pD0sG8aE2u"'
      })
    ])
  ]),
  'an attachment and an SVG': notebook([
    {
      cell_type: 'markdown',
      metadata: {},
      source: '![x](attachment:x.png)',
      attachments: { 'x.png': { 'image/png': IMAGE } }
    },
    code('svg()', [display({ 'image/svg+xml': '<svg>secret</svg>' })])
  ]),
  'image JSON quoted in a source and in a stream': notebook([
    code('{"image/png": "' + IMAGE + '"}', [
      { output_type: 'stream', name: 'stdout', text: '"image/png": "x"\n' }
    ])
  ]),
  'an image key inside JSON output data, which is scanned': notebook([
    code('show()', [
      display({ 'application/json': { 'image/png': IMAGE, note: AWS_KEY } }),
      display({ 'image/png': IMAGE })
    ])
  ]),
  'escaped backslashes before quotes': notebook([
    code('path = "C:\\\\"\nx = "\\"image/png\\": 1"', [
      display({ 'image/png': IMAGE, 'text/plain': '\\\\"' })
    ])
  ]),
  'text outside ASCII: accents, CJK, emoji': notebook([
    {
      cell_type: 'markdown',
      metadata: {},
      source: ['# Café ☕ 数据 😀\n', `“quoted” ${AWS_KEY}`]
    },
    code('print("héllo")', [
      { output_type: 'stream', name: 'stdout', text: ['héllo 😀\n'] },
      display({ 'image/png': IMAGE, 'text/html': '<b>naïve</b>' })
    ])
  ]),
  'an error with ANSI colours': notebook([
    code('1/0', [
      {
        output_type: 'error',
        ename: 'ZeroDivisionError',
        evalue: 'division by zero — ünïcode',
        traceback: ['\u001b[0;31mZeroDivisionError\u001b[0m: division by zero']
      }
    ])
  ])
};

/** The layouts a notebook's JSON comes in. */
const LAYOUTS: Record<string, (value: object) => string> = {
  'nbformat (indent 1, raw UTF-8)': value => JSON.stringify(value, null, 1),
  'one line': value => JSON.stringify(value),
  'spaces around colons': value =>
    JSON.stringify(value, null, 2).replace(/": /g, '" :  '),
  'ASCII only (\\u escapes)': value =>
    JSON.stringify(value, null, 1).replace(
      /[\u007f-\uffff]/g,
      c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
    ),
  'raw UTF-8 and one \\u escape': value =>
    JSON.stringify(value, null, 1).replace('é', '\\u00e9')
};

function reference(json: string): unknown {
  try {
    return notebookTexts(json);
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

function fromBytes(json: string): unknown {
  try {
    return notebookTextsOf(Buffer.from(json, 'utf8'));
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

describe('reading a notebook from its bytes', () => {
  for (const [name, value] of Object.entries(NOTEBOOKS)) {
    for (const [layout, write] of Object.entries(LAYOUTS)) {
      it(`gives the reference texts: ${name}, ${layout}`, () => {
        const json = write(value);
        expect(fromBytes(json)).toEqual(reference(json));
      });
    }
  }

  it('never decodes an image payload, yet keeps every text', () => {
    const json = JSON.stringify(
      NOTEBOOKS['images as strings and as lists, before and after text'],
      null,
      1
    );
    const texts = notebookTextsOf(Buffer.from(json)).map(t => t.text);
    expect(texts.join('\n')).not.toContain(IMAGE);
    expect(texts).toContain(`<Figure ${AWS_KEY}>`);
  });

  it('scans what an image key holds inside JSON output data', () => {
    const json = JSON.stringify(
      NOTEBOOKS['an image key inside JSON output data, which is scanned'],
      null,
      1
    );
    const data = notebookTextsOf(Buffer.from(json)).find(
      t => t.mimeType === 'application/json'
    );
    expect(data?.text).toContain(IMAGE);
  });

  it('decodes invalid UTF-8 as the reference does', () => {
    const json = JSON.stringify(notebook([code('x = "AB"')]), null, 1);
    const bytes = Buffer.from(json);
    const at = bytes.indexOf('AB');
    bytes[at] = 0xc3; // a lead byte followed by ASCII: invalid
    bytes[at + 1] = 0xff; // never valid in UTF-8
    expect(notebookTextsOf(bytes)).toEqual(
      notebookTexts(bytes.toString('utf8'))
    );
  });

  it.each([
    ['truncated', '{"cells": [{"cell_type": "code", "source": "x'],
    ['truncated inside an image', '{"cells": [], "x": {"image/png": "iVBOR'],
    ['not an object', '[1, 2]'],
    ['nbformat 3', '{"nbformat": 3, "worksheets": []}'],
    ['cells not a list', '{"cells": {"image/png": "iVBOR"}}'],
    [
      'a comma missing after an image (the error names a position)',
      '{"metadata": {"image/png": "iVBORw0KGgoAAAANSUhEUg"} "cells": []}'
    ],
    [
      'a comma missing after text outside ASCII',
      '{"metadata": {"title": "Café ☕"} "cells": []}'
    ]
  ])('reports a malformed notebook as the reference does: %s', (_, json) => {
    expect(fromBytes(json)).toEqual(reference(json));
    expect(String(fromBytes(json))).toMatch(/^error: /);
  });

  it('gives the reference texts for the fixture notebooks', () => {
    for (const name of ['churn-report.ipynb', 'clean.ipynb']) {
      const bytes = readFileSync(
        join(__dirname, 'fixtures', 'project', 'notebooks', name)
      );
      expect(notebookTextsOf(bytes)).toEqual(
        notebookTexts(bytes.toString('utf8'))
      );
    }
  });
});
