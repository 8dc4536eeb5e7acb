/**
 * `scan` on several threads, end to end with the bundled dist/cli.js: a
 * generated folder large enough for the CLI to start worker threads, whose
 * files finish out of order, gives the same report with any number of
 * threads; image payloads are never scanned, and what follows them is found
 * at the right place in the file.
 */
import { randomBytes } from 'crypto';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ICliRun, ensureCli, runCli } from './shipped-cli';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function token(length: number): string {
  return [...randomBytes(length)].map(b => ALNUM[b % ALNUM.length]).join('');
}

/** An AWS key id (made of base64 characters), planted inside image payloads. */
const IN_IMAGE = 'AKIAZ7VQX3M4PLR2TQWE';

/** A base64 payload of about `bytes` bytes, in 76-character lines, with `IN_IMAGE` inside. */
function image(bytes: number): string {
  const base64 = randomBytes(Math.ceil((bytes * 3) / 4)).toString('base64');
  const lines = base64.match(/.{1,76}/g) ?? [];
  lines.splice(lines.length >> 1, 0, IN_IMAGE);
  return `${lines.join('\n')}\n`;
}

interface IPlanted {
  file: string;
  source: string;
  output: string;
}

let folder: string;
const planted: IPlanted[] = [];

/**
 * Notebooks of very different sizes (a large one every few files, so that
 * later files finish first), each with a GitHub token in a source and one in
 * a text output that follows an image; some are written on one line.
 */
function writeProject(): void {
  for (let i = 0; i < 24; i++) {
    const source = `ghp_${token(36)}`;
    const output = `ghp_${token(36)}`;
    const notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { title: 'Café ☕ 数据' },
      cells: [
        {
          cell_type: 'markdown',
          metadata: {},
          source: ['# Überblick 😀\n', 'Loads “data”.']
        },
        {
          cell_type: 'code',
          metadata: {},
          execution_count: 1,
          source: [`GITHUB_TOKEN = "${source}"\n`, 'plot()'],
          outputs: [
            {
              output_type: 'display_data',
              metadata: {},
              data: {
                'image/png': image(i % 4 === 0 ? 700_000 : 20_000),
                'text/plain': [`<Figure token=${output}>`]
              }
            }
          ]
        }
      ]
    };
    const file = join('notebooks', `${String(i).padStart(2, '0')}.ipynb`);
    const json =
      i % 3 === 0
        ? JSON.stringify(notebook)
        : JSON.stringify(notebook, null, 1);
    writeFileSync(join(folder, file), json);
    planted.push({ file, source, output });
  }
  // An image key where it is scanned: inside JSON output data.
  writeFileSync(
    join(folder, 'notebooks', 'zz-json-output.ipynb'),
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        {
          cell_type: 'code',
          metadata: {},
          source: 'show()',
          outputs: [
            {
              output_type: 'display_data',
              metadata: {},
              data: { 'application/json': { 'image/png': IN_IMAGE } }
            }
          ]
        }
      ]
    })
  );
}

function scan(args: string[]): ICliRun {
  return runCli(['scan', ...args], folder);
}

beforeAll(() => {
  ensureCli();
  folder = mkdtempSync(join(tmpdir(), 'scan-threads-'));
  mkdirSync(join(folder, 'notebooks'));
  writeProject();
}, 180000);

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe('scan on several threads', () => {
  it.each([['text'], ['json'], ['sarif']])(
    'gives the same %s report on 1, 2 and 3 threads',
    format => {
      const one = scan(['-j', '1', '--stats', '-f', format, '.']);
      expect(one.stderr).toMatch(/, 1 thread, /);
      for (const threads of ['2', '3']) {
        const many = scan(['-j', threads, '--stats', '-f', format, '.']);
        expect(many.stderr).toMatch(new RegExp(`, ${threads} threads, `));
        expect(many.status).toBe(one.status);
        expect(many.stdout).toBe(one.stdout);
      }
    }
  );

  it('finds every planted token at its place, and none inside image payloads', () => {
    const result = scan(['-j', '2', '-f', 'json', '.']);
    expect(result.status).toBe(1);
    const findings: {
      path: string;
      ruleId: string;
      mimeType?: string;
      fileLine: number;
      fileColumn: number;
    }[] = JSON.parse(result.stdout).findings;
    const inImages = findings.filter(f => f.ruleId === 'aws-access-key-id');
    // Only where the payload is JSON output data, which is scanned.
    expect(inImages.map(f => f.path)).toEqual([
      join('notebooks', 'zz-json-output.ipynb')
    ]);
    expect(findings.filter(f => f.mimeType?.startsWith('image/'))).toEqual([]);
    for (const { file, source, output } of planted) {
      const lines = readFileSync(join(folder, file), 'utf8').split('\n');
      for (const value of [source, output]) {
        const found = findings.find(
          f =>
            f.path === file &&
            lines[f.fileLine - 1]?.slice(f.fileColumn - 1).startsWith(value)
        );
        expect(found?.ruleId).toBe('github-token');
      }
    }
  });

  it('rejects a number of threads that is not a whole number from 1', () => {
    for (const bad of ['0', '-1', '1.5', 'many']) {
      const result = scan([`--jobs=${bad}`, '.']);
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(
        'scan: --jobs takes a whole number of threads, 1 or more.\n'
      );
    }
  });
});
