/**
 * `jupyterlab-secret-mounts scan` end to end: the bundled packages/cli/dist/cli.js run on
 * real notebooks (cells and outputs), text files and a folder, in every
 * output format; the SARIF validated against the SARIF 2.1.0 schema.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import sarifSchema from '../fixtures/sarif-2.1.0-rtm.5.json';
import { FIXTURE_PROJECT, FIXTURE_SECRETS } from './fixture-project';
import { ICliRun, ensureCli, runCli } from './shipped-cli';

const NOTEBOOK = join('notebooks', 'churn-report.ipynb');

/** The secret values in the project: none may ever be printed. */
const SECRETS = [...FIXTURE_SECRETS];

let project: string;

function run(
  args: string[],
  options: { cwd?: string; input?: string } = {}
): ICliRun {
  return runCli(args, options.cwd ?? project, options.input);
}

function expectNoSecrets(result: ICliRun): void {
  for (const secret of SECRETS) {
    expect(result.stdout).not.toContain(secret);
    expect(result.stderr).not.toContain(secret);
  }
}

beforeAll(() => {
  ensureCli();
  // The committed fixture project, plus what must be skipped: dependency and
  // version-control folders and binary files (which git would not keep here).
  project = mkdtempSync(join(tmpdir(), 'scan-e2e-'));
  cpSync(FIXTURE_PROJECT, project, { recursive: true });
  const leak = 'ghp_R8mZ2xQ7wL4nV9kT1yB6cF3hJ5pD0sG8aE2u';
  mkdirSync(join(project, 'node_modules', 'left-pad'), { recursive: true });
  writeFileSync(
    join(project, 'node_modules', 'left-pad', 'index.js'),
    `const t = "${leak}";\n`
  );
  mkdirSync(join(project, '.git'));
  writeFileSync(
    join(project, '.git', 'config'),
    `[remote]\n url = https://x:${leak}@github.com/a/b\n`
  );
  writeFileSync(
    join(project, 'model.bin'),
    Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from(leak)])
  );
  SECRETS.push(leak);
}, 180000);

afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

describe('scan, text output', () => {
  let result: ICliRun;
  beforeAll(() => {
    result = run(['scan', '.']);
  });

  it('exits 1 when there are findings', () => {
    expect(result.status).toBe(1);
  });

  it('reports notebook cells and outputs with cell, line and column', () => {
    const lines = result.stdout.trim().split('\n');
    expect(lines).toEqual([
      'config/.env:2:31: Password in a URL or connection string [url-credentials, high] Vr7********',
      `${NOTEBOOK}: cell 2 source, line 6, column 24: AWS access key ID [aws-access-key-id, high] AKIA********`,
      `${NOTEBOOK}: cell 2 source, line 7, column 28: AWS secret access key [aws-secret-access-key, high] q8Xz********`,
      `${NOTEBOOK}: cell 3 output 1 (stream), line 1, column 13: OpenAI API key [openai-api-key, high] sk-p********`,
      `${NOTEBOOK}: cell 4 output 1 (text/plain), line 1, column 19: JSON Web Token [jwt, medium] eyJh********`,
      `${NOTEBOOK}: cell 6 output 1 (error), line 3, column 61: Slack token [slack-token, high] xoxb********`,
      '6 findings in 2 files (5 files scanned).'
    ]);
  });

  it('skips node_modules, .git and binary files, and honours suppression comments', () => {
    expect(result.stdout).not.toMatch(
      /node_modules|\.git\/|model\.bin|settings\.py/
    );
  });

  it('never prints a secret value', () => {
    expectNoSecrets(result);
  });
});

describe('scan, places beyond cells and outputs', () => {
  it('names metadata and attachments (spec/notebooks/)', () => {
    const spec = join(__dirname, '../../spec/notebooks');
    const result = run(['scan', 'metadata.ipynb', 'attachments.ipynb'], {
      cwd: spec
    });
    const places = result.stdout
      .trim()
      .split('\n')
      .slice(0, -1)
      .map(line => line.split(', line ')[0]);
    expect(places).toEqual([
      'metadata.ipynb: cell 1 output 1 metadata',
      'metadata.ipynb: cell 1 metadata',
      'metadata.ipynb: notebook metadata',
      'attachments.ipynb: cell 1 attachment "AKIAH5RQCAJ2DEQ46EBS.png"',
      'attachments.ipynb: cell 1 attachment "notes.txt" (text/plain)'
    ]);
  });
});

describe('scan, JSON output', () => {
  it('lists findings with their place in the notebook and in the file', () => {
    const result = run([
      'scan',
      '--format',
      'json',
      NOTEBOOK,
      'notebooks/clean.ipynb'
    ]);
    expect(result.status).toBe(1);
    expectNoSecrets(result);
    const report = JSON.parse(result.stdout);
    expect(report.filesScanned).toBe(2);
    expect(report.errors).toEqual([]);
    expect(report.findings).toHaveLength(5);
    expect(report.findings[2]).toMatchObject({
      path: NOTEBOOK,
      ruleId: 'openai-api-key',
      cellIndex: 2,
      cellId: 'c0ffee02',
      part: 'output',
      outputIndex: 0,
      mimeType: 'stream',
      line: 1,
      column: 13,
      confidence: 'high',
      preview: 'sk-p********'
    });
    // fileLine/fileColumn point at the secret in the .ipynb JSON text.
    const raw = readFileSync(join(project, NOTEBOOK), 'utf8').split('\n');
    for (const finding of report.findings) {
      const line = raw[finding.fileLine - 1];
      expect(line.slice(finding.fileColumn - 1)).toMatch(
        new RegExp(
          `^${finding.preview.replace(/\*+$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`
        )
      );
    }
  });
});

describe('scan, SARIF output', () => {
  const schema = { ...sarifSchema } as Record<string, unknown>;
  // Draft-04 schema read by ajv's default (draft-07) dialect: see test/fixtures/README.md.
  schema.$id = schema.id;
  delete schema.id;
  delete schema.$schema;
  // unicodeRegExp: false because the schema's `language` pattern has a stray
  // "]" that only non-Unicode regular expressions accept.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);

  it('is valid SARIF 2.1.0', () => {
    const result = run(['scan', '--format', 'sarif', '.']);
    expect(result.status).toBe(1);
    expectNoSecrets(result);
    const log = JSON.parse(result.stdout);
    const valid = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    const [sarifRun] = log.runs;
    expect(sarifRun.results).toHaveLength(6);
    expect(sarifRun.tool.driver.rules.length).toBeGreaterThan(80);
    for (const r of sarifRun.results) {
      expect(sarifRun.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
    }
    const notebook = sarifRun.results.find(
      (r: { ruleId: string }) => r.ruleId === 'slack-token'
    );
    expect(notebook.message.text).toBe(
      'Slack token in cell 6 output 1 (error), line 3, column 61: xoxb********'
    );
    expect(notebook.locations[0].physicalLocation.artifactLocation).toEqual({
      uri: 'notebooks/churn-report.ipynb',
      uriBaseId: '%SRCROOT%'
    });
    expect(
      notebook.locations[0].physicalLocation.region.startLine
    ).toBeGreaterThan(1);
  });

  it('is valid SARIF also when a path cannot be read, reporting it as a notification', () => {
    const result = run([
      'scan',
      '--format',
      'sarif',
      'notebooks/clean.ipynb',
      'missing.ipynb'
    ]);
    expect(result.status).toBe(2);
    const log = JSON.parse(result.stdout);
    expect(validate(log)).toBe(true);
    expect(log.runs[0].invocations[0]).toMatchObject({
      executionSuccessful: false,
      toolExecutionNotifications: [
        {
          level: 'error',
          message: { text: 'missing.ipynb: no such file or folder' }
        }
      ]
    });
  });

  it('can be written to a file', () => {
    const out = join(project, 'report.sarif');
    const result = run(['scan', '-f', 'sarif', '-o', out, NOTEBOOK]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(validate(JSON.parse(readFileSync(out, 'utf8')))).toBe(true);
    rmSync(out);
  });
});

describe('exit status', () => {
  it('is 0 for clean files', () => {
    const result = run([
      'scan',
      'notebooks/clean.ipynb',
      'src/settings.py',
      'README.md'
    ]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('0 findings in 0 files (3 files scanned).\n');
  });

  it('is 2 for a path that does not exist, after scanning the others', () => {
    const result = run(['scan', 'nope.py', NOTEBOOK]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('nope.py: no such file or folder');
    expect(result.stdout).toContain('6 findings'.replace('6', '5'));
  });

  it('is 2 for a malformed notebook, which is still scanned as text', () => {
    const broken = join(project, 'broken.ipynb');
    const text = readFileSync(join(project, NOTEBOOK), 'utf8');
    writeFileSync(broken, text.slice(0, text.indexOf('"c0ffee02"')));
    const result = run(['scan', 'broken.ipynb']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /^broken\.ipynb: not a valid notebook \(not valid JSON: .*\); scanned as text$/m
    );
    expect(result.stdout).toContain('broken.ipynb:');
    expect(result.stdout).toContain('[aws-access-key-id, high] AKIA********');
    expectNoSecrets(result);
    rmSync(broken);
  });

  it.each([
    [[], /give at least one file or folder/],
    [['--format', 'xml', '.'], /--format takes text, json or sarif/],
    [
      ['--frobnicate', '.'],
      /^scan: unknown option --frobnicate; see --help\.$/m
    ],
    [['-x', '.'], /^scan: unknown option -x; see --help\.$/m],
    [['--disable', 'no-such-rule', '.'], /there is no rule "no-such-rule"/],
    [
      ['--allowlist', '(unclosed', '.'],
      /--allowlist: allowlist entry 1 is not a valid regular expression/
    ]
  ])('is 2 for bad usage: %j', (args, message) => {
    const result = run(['scan', ...args]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('names an unknown option but not the value typed with it', () => {
    const value = 'hunter2-correct-horse';
    for (const option of [`--password=${value}`, `-p${value}`]) {
      const result = run(['scan', option, '.']);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(
        /^scan: unknown option (--password|-p); see/m
      );
      expect(result.stderr).not.toContain(value);
    }
  });
});

describe('options', () => {
  it('--disable and --allowlist narrow the findings', () => {
    const result = run([
      'scan',
      '--format',
      'json',
      '--disable',
      'jwt',
      '--disable',
      'slack-token',
      '--allowlist',
      '^sk-proj-',
      NOTEBOOK
    ]);
    const ids = JSON.parse(result.stdout).findings.map(
      (f: { ruleId: string }) => f.ruleId
    );
    // The token in the output and the one in the traceback are still seen
    // as values of "access_token" and "token" by the generic rule.
    expect(ids).toEqual([
      'aws-access-key-id',
      'aws-secret-access-key',
      'generic-credential',
      'generic-credential'
    ]);
  });

  it('--list-rules prints every rule', () => {
    const result = run(['scan', '--list-rules']);
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n').length).toBeGreaterThan(80);
    expect(result.stdout).toMatch(
      /^private-key +high +Private key \(PEM block\)$/m
    );
  });

  it('--help explains usage and exit status', () => {
    const result = run(['scan', '--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: jupyterlab-secret-mounts scan');
    expect(result.stdout).toContain(
      'Exit status: 0 no findings, 1 findings, 2'
    );
  });

  it('--stats reports throughput on standard error', () => {
    const result = run(['scan', '--stats', NOTEBOOK]);
    expect(result.stderr).toMatch(
      /^stats: 1 files, [0-9.]+ MiB, scan [0-9.]+ ms .*peak RSS [0-9.]+ MiB$/m
    );
  });
});

describe('scan --jsonl (the evaluator contract)', () => {
  const input = [
    { id: 'a', text: 'API_TOKEN = "7P3xeQmTheNfJIPXeIcreANwhtg0vL3llLBICZmG"' },
    { id: 'b', text: 'openai.api_key = os.environ["OPENAI_API_KEY"]' },
    { id: 7, text: 'AKIAZ7VQX3M4PLR2TQWE' }
  ]
    .map(record => JSON.stringify(record))
    .join('\n');

  it('prints one {"id", "findings"} line per record and exits 0', () => {
    const file = join(project, 'in.jsonl');
    writeFileSync(file, `${input}\n\n`);
    const result = run(['scan', '--jsonl', file]);
    expect(result.status).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map(line => JSON.parse(line));
    expect(
      lines.map(line => [
        line.id,
        line.findings.map((f: { ruleId: string }) => f.ruleId)
      ])
    ).toEqual([
      ['a', ['generic-credential']],
      ['b', []],
      [7, ['aws-access-key-id']]
    ]);
    expect(lines[0].findings[0]).toEqual({
      ruleId: 'generic-credential',
      start: 13,
      end: 53,
      line: 1,
      column: 14,
      confidence: 'medium',
      preview: '7P3x********'
    });
    expect(result.stdout).not.toContain(
      '7P3xeQmTheNfJIPXeIcreANwhtg0vL3llLBICZmG'
    );
  });

  it('reads standard input with "-" and reports bad lines with exit 2', () => {
    const result = run(['scan', '--jsonl', '-'], {
      input: `${input}\nnot json\n{"id": "x"}\n`
    });
    expect(result.status).toBe(2);
    expect(result.stdout.trim().split('\n')).toHaveLength(3);
    expect(result.stderr).toBe(
      '-:4: not a JSON object with a "text" string; skipped\n-:5: not a JSON object with a "text" string; skipped\n'
    );
  });

  it('--stats counts every record and names the fastest input (an input given twice: the warm pass)', () => {
    const file = join(project, 'twice.jsonl');
    writeFileSync(file, `${input}\n`);
    const result = run(['scan', '--jsonl', '--stats', file, file]);
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(6);
    expect(result.stderr).toMatch(
      /^stats: 6 records, scan [0-9.]+ ms \([0-9]+ records\/s; fastest input [0-9]+ records\/s\), peak RSS [0-9.]+ MiB$/m
    );
  });
});

describe('the command table', () => {
  it('lists the commands and exits 2 without one', () => {
    const result = run([]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^ {2}scan +find credentials/m);
    expect(result.stderr).toMatch(/^ {2}audit +/m);
  });

  it('rejects an unknown command', () => {
    const result = run(['scna', '.']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown command "scna"');
  });

  it('prints the version', () => {
    const result = run(['--version']);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(require('../../package.json').version);
  });
});
