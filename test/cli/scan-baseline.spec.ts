/**
 * `scan --write-baseline` and `scan --baseline` end to end, with the bundled
 * dist/cli.js on a copy of the fixture project: the CI workflow of accepting
 * today's findings and failing on new ones only.
 */
import { createHash } from 'crypto';
import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { FIXTURE_PROJECT, FIXTURE_SECRETS as SECRETS } from './fixture-project';
import { ICliRun, ensureCli, runCli } from './shipped-cli';

const NEW_SECRET = 'ghp_R8mZ2xQ7wL4nV9kT1yB6cF3hJ5pD0sG8aE2u';

let project: string;

function scan(args: string[], cwd = project): ICliRun {
  return runCli(['scan', ...args], cwd);
}

interface IBaselineFile {
  version: number;
  salt: string;
  findings: { ruleId: string; path: string; valueHmac: string }[];
}

function readBaseline(file = 'baseline.json'): IBaselineFile {
  return JSON.parse(readFileSync(join(project, file), 'utf8'));
}

beforeAll(() => {
  ensureCli();
}, 180000);

beforeEach(() => {
  project = mkdtempSync(join(tmpdir(), 'scan-baseline-'));
  cpSync(FIXTURE_PROJECT, project, { recursive: true });
});

afterEach(() => {
  rmSync(project, { recursive: true, force: true });
});

describe('the baseline workflow', () => {
  it('accepts today, passes clean, then fails on a new secret only', () => {
    const before = scan(['.']);
    expect(before.status).toBe(1);
    const total = Number(/^(\d+) findings/m.exec(before.stdout)?.[1]);
    const files = Number(/(\d+) files scanned/.exec(before.stdout)?.[1]);
    expect(total).toBeGreaterThan(3);

    const written = scan(['--write-baseline', 'baseline.json', '.']);
    expect(written.status).toBe(0);
    expect(written.stderr).toContain(
      `baseline written to baseline.json: ${total} findings`
    );
    expect(readBaseline().findings).toHaveLength(total);

    const clean = scan(['--baseline', 'baseline.json', '.']);
    expect(clean.status).toBe(0);
    expect(clean.stdout).toBe(
      // The baseline file is scanned too, and holds nothing to report.
      `0 findings in 0 files (${files + 1} files scanned, ${total} findings in the baseline).\n`
    );

    // A new secret in a new file, and an old one copied to another file.
    writeFileSync(
      join(project, 'src', 'deploy.py'),
      `GITHUB_TOKEN = "${NEW_SECRET}"\nAWS_ACCESS_KEY_ID = "${SECRETS[0]}"\n`
    );
    const leaked = scan(['--baseline', 'baseline.json', '.']);
    expect(leaked.status).toBe(1);
    const lines = leaked.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^src\/deploy\.py:1:\d+: .*\[github-token, high\]/
    );
    expect(lines[1]).toMatch(/^src\/deploy\.py:2:\d+: .*\[aws-access-key-id/);
    expect(lines[2]).toBe(
      `2 findings in 1 file (${files + 2} files scanned, ${total} findings in the baseline).`
    );
  });

  it('keeps no value, nor a plain hash of one, in the baseline file', () => {
    expect(scan(['--write-baseline', 'baseline.json', '.']).status).toBe(0);
    const text = readFileSync(join(project, 'baseline.json'), 'utf8');
    const hmacs = readBaseline().findings.map(f => f.valueHmac);
    for (const secret of SECRETS) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(JSON.stringify(secret).slice(1, -1));
      expect(text).not.toContain(Buffer.from(secret).toString('base64'));
      for (const algorithm of ['sha256', 'sha1', 'md5']) {
        const hash = createHash(algorithm).update(secret).digest('hex');
        expect(hmacs).not.toContain(hash);
      }
    }
    // Another baseline of the same findings has another key: no fingerprint is shared.
    expect(scan(['--write-baseline', 'other.json', '.']).status).toBe(0);
    const other = readBaseline('other.json');
    expect(other.salt).not.toBe(readBaseline().salt);
    const shared = other.findings.filter(f => hmacs.includes(f.valueHmac));
    expect(shared).toEqual([]);
  });

  it('holds when lines move, and reports the same value in another file', () => {
    const app = join(project, 'src', 'app.py');
    writeFileSync(app, `import os\nGITHUB_TOKEN = "${NEW_SECRET}"\n`);
    expect(scan(['--write-baseline', 'baseline.json', '.']).status).toBe(0);
    writeFileSync(
      app,
      `import os\n\n# Moved down.\n\nGITHUB_TOKEN = "${NEW_SECRET}"\n`
    );
    expect(scan(['--baseline', 'baseline.json', '.']).status).toBe(0);

    cpSync(app, join(project, 'src', 'app_copy.py'));
    const copied = scan(['--baseline', 'baseline.json', '.']);
    expect(copied.status).toBe(1);
    expect(copied.stdout).toMatch(/^src\/app_copy\.py:5:\d+: .*\[github-token/);
  });

  it('matches paths from another working folder (paths are relative to the baseline)', () => {
    expect(scan(['--write-baseline', 'baseline.json', '.']).status).toBe(0);
    const fromSrc = scan(
      ['--baseline', '../baseline.json', '.'],
      join(project, 'src')
    );
    expect(fromSrc.status).toBe(0);
    expect(fromSrc.stdout).toMatch(/^0 findings .* in the baseline\)\.$/m);
  });

  it('rewrites a baseline with its own key, so unchanged findings keep their lines', () => {
    expect(scan(['--write-baseline', 'baseline.json', '.']).status).toBe(0);
    const first = readFileSync(join(project, 'baseline.json'), 'utf8');
    expect(scan(['--write-baseline', 'baseline.json', '.']).status).toBe(0);
    expect(readFileSync(join(project, 'baseline.json'), 'utf8')).toBe(first);
  });

  it('reports only new findings in SARIF too', () => {
    expect(scan(['--write-baseline', 'baseline.json', '.']).status).toBe(0);
    appendFileSync(
      join(project, 'src', 'settings.py'),
      `\nGITHUB_TOKEN = "${NEW_SECRET}"\n`
    );
    const sarif = scan(['--baseline', 'baseline.json', '-f', 'sarif', '.']);
    expect(sarif.status).toBe(1);
    const results = JSON.parse(sarif.stdout).runs[0].results;
    expect(results).toHaveLength(1);
    expect(results[0].ruleId).toBe('github-token');
    expect(sarif.stdout).not.toContain(NEW_SECRET);
  });

  it('says what is wrong with a missing or broken baseline, and exits 2', () => {
    const missing = scan(['--baseline', 'nope.json', '.']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(
      'scan: --baseline: there is no file nope.json; write one with --write-baseline.\n'
    );
    writeFileSync(join(project, 'broken.json'), '{"version": 1, "salt": "00"}');
    const broken = scan(['--baseline', 'broken.json', '.']);
    expect(broken.status).toBe(2);
    expect(broken.stderr).toContain('"salt" must be 64 hex digits');
    expect(broken.stdout).toBe('');
  });

  it('never overwrites a file that is not a baseline', () => {
    const notebook = join(project, 'notebooks', 'clean.ipynb');
    const before = readFileSync(notebook, 'utf8');
    const result = scan(['--write-baseline', 'notebooks/clean.ipynb', '.']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('exists and is not a baseline');
    expect(readFileSync(notebook, 'utf8')).toBe(before);
  });
});
