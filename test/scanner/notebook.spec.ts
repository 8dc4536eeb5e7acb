/**
 * scanNotebook: each text of a notebook on its own, positions within them,
 * options passed through. Which texts a notebook holds is the contract of
 * spec/notebooks/ (notebook-contract.spec.ts).
 * pragma: allowlist secret
 */
import {
  NotebookParseError,
  notebookTexts,
  scanNotebook
} from '../../src/scanner';

const GITHUB = 'ghp_owgauiq64qzgxzm9pfyb9387fs2xwj0ygzgj';
const AWS_KEY_ID = 'AKIAH5RQCAJ2DEQ46EBS';
const TOKEN = '7P3xeQmTheNfJIPXeIcreANwhtg0vL3llLBICZmG';
// A 1x1 PNG whose base64 text is not scanned.
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

function notebook(cells: unknown[]): string {
  return JSON.stringify(
    { nbformat: 4, nbformat_minor: 5, metadata: {}, cells },
    null,
    1
  );
}

const leaky = notebook([
  {
    cell_type: 'markdown',
    id: 'intro',
    metadata: {},
    source: ['# Notes\n', 'Nothing secret here.\n'],
    attachments: { 'shot.png': { 'image/png': PNG } }
  },
  {
    cell_type: 'code',
    id: 'setup',
    metadata: {},
    execution_count: 1,
    source: ['import os\n', `API_TOKEN = "${TOKEN}"\n`],
    outputs: []
  },
  {
    cell_type: 'code',
    id: 'run',
    metadata: {},
    execution_count: 2,
    source: 'print(creds)',
    outputs: [
      {
        output_type: 'stream',
        name: 'stdout',
        text: ['loading\n', `{'access_key': '${AWS_KEY_ID}'}\n`]
      },
      {
        output_type: 'display_data',
        metadata: {},
        data: { 'image/png': PNG, 'text/plain': ['<Figure size 640x480>'] }
      },
      {
        output_type: 'execute_result',
        execution_count: 2,
        metadata: {},
        data: {
          'text/html': [`<pre>token=${GITHUB}</pre>`],
          'application/json': { token: GITHUB }
        }
      },
      {
        output_type: 'error',
        ename: 'ValueError',
        evalue: 'rejected',
        traceback: [`\u001b[0;31mValueError\u001b[0m: bad token ${GITHUB}`]
      }
    ]
  }
]);

describe('scanNotebook', () => {
  const findings = scanNotebook(leaky);

  it('reports cell sources with positions within the cell', () => {
    const [source] = findings.filter(f => f.part === 'source');
    expect(source).toMatchObject({
      cellIndex: 1,
      cellId: 'setup',
      ruleId: 'generic-credential',
      line: 2,
      column: 'API_TOKEN = "'.length + 1
    });
    expect(source.outputIndex).toBeUndefined();
  });

  it('reports stream, HTML, JSON and traceback outputs separately', () => {
    const outputs = findings.filter(f => f.part === 'output');
    expect(
      outputs.map(f => [f.cellIndex, f.outputIndex, f.mimeType, f.ruleId])
    ).toEqual([
      [2, 0, 'stream', 'aws-access-key-id'],
      [2, 2, 'text/html', 'github-token'],
      [2, 2, 'application/json', 'github-token'],
      [2, 3, 'error', 'github-token']
    ]);
    // Line and column are within the output's own text.
    expect(outputs[0]).toMatchObject({
      line: 2,
      column: "{'access_key': '".length + 1
    });
  });

  it('offsets point at the secret in the scanned text', () => {
    const texts = notebookTexts(leaky);
    for (const finding of findings) {
      const text = texts.find(
        t =>
          t.cellIndex === finding.cellIndex &&
          t.part === finding.part &&
          t.outputIndex === finding.outputIndex &&
          t.mimeType === finding.mimeType
      )!.text;
      expect([AWS_KEY_ID, GITHUB, TOKEN]).toContain(
        text.slice(finding.start, finding.end)
      );
    }
  });

  it('reads tracebacks without their colour codes', () => {
    const error = notebookTexts(leaky).find(t => t.mimeType === 'error')!;
    expect(error.text).not.toContain('\u001b');
    // The value is not in the traceback: the "ename: evalue" line comes first.
    expect(error.text.indexOf(GITHUB)).toBe(
      'ValueError: rejected\nValueError: bad token '.length
    );
  });

  it('skips image payloads, in outputs and attachments', () => {
    const texts = notebookTexts(leaky);
    expect(texts.some(t => t.text.includes(PNG))).toBe(false);
    expect(texts.map(t => t.mimeType)).not.toContain('image/png');
    expect(texts.filter(t => t.part === 'attachment')).toEqual([
      {
        cellIndex: 0,
        cellId: 'intro',
        part: 'attachment',
        attachment: 'shot.png',
        text: 'shot.png'
      }
    ]);
  });

  it('honours suppression comments inside cells', () => {
    const quiet = notebook([
      {
        cell_type: 'code',
        metadata: {},
        source: `API_TOKEN = "${TOKEN}"  # pragma: allowlist secret`,
        outputs: []
      }
    ]);
    expect(scanNotebook(quiet)).toEqual([]);
  });

  it('passes options through', () => {
    const found = scanNotebook(leaky, {
      disabledRules: ['github-token', 'aws-access-key-id'],
      allowlist: ['^7P3x']
    });
    // The keys in outputs are still seen as assigned values ('access_key':
    // ..., "token": ...); the allowlisted token in the source is not reported.
    expect(found.map(f => [f.ruleId, f.part, f.mimeType])).toEqual([
      ['generic-credential', 'output', 'stream'],
      ['generic-credential', 'output', 'application/json']
    ]);
  });

  it('scans a notebook without outputs or ids', () => {
    const bare = notebook([
      { cell_type: 'code', metadata: {}, source: `t = "${GITHUB}"` }
    ]);
    expect(scanNotebook(bare)).toMatchObject([
      { cellIndex: 0, part: 'source' }
    ]);
  });

  it('refuses what is not a notebook with a clear message', () => {
    // Every case is in spec/notebooks/; this is the error callers catch.
    expect(() => scanNotebook('{"cells": [')).toThrow(NotebookParseError);
    expect(() => scanNotebook('{"nbformat": 3, "worksheets": []}')).toThrow(
      /nbformat 3 is not supported/
    );
  });
});
