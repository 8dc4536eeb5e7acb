/**
 * The generated snippets, run for real: Python and IPython magics in an IPython shell (as a
 * notebook cell runs them), Bash in bash. The files live in folders with awkward names, so
 * these runs prove the quoting, the value read (newline, bytes, JSON) and that nothing is
 * echoed. The values are made up for the test.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import type { ISecretKey, ISecretMount } from '../../src/mounts/types';
import { renderSnippet, SnippetStyle } from '../../src/snippets/templates';

const PYTHON =
  process.env.SECRET_MOUNTS_TEST_PYTHON ??
  path.join(__dirname, '..', '..', '.venv', 'bin', 'python');

interface IKeyFixture {
  name: string;
  content: Buffer;
  binary: boolean;
  json: boolean;
}

const KEYS: IKeyFixture[] = [
  {
    name: 'pass-word.txt',
    content: Buffer.from('p@ss w0rd "quoted" \'single\' $HOME {x} ключ\n'),
    binary: false,
    json: false
  },
  // Only the last newline is the file's; the one before belongs to the value.
  {
    name: 'two-newlines',
    content: Buffer.from('line1\nline2\n\n'),
    binary: false,
    json: false
  },
  {
    name: 'no-newline',
    content: Buffer.from('abc'),
    binary: false,
    json: false
  },
  {
    name: 'blob.bin',
    content: Buffer.from([0, 1, 2, 255, 254, 10, 0, 10]),
    binary: true,
    json: false
  },
  {
    name: 'config.json',
    content: Buffer.from('{"user": "demo", "ports": [1, 2]}\n'),
    binary: false,
    json: true
  }
];

/** Folder names: every awkward character, and one IPython `!` lines can take (no $ or '). */
const FOLDERS = {
  awkward: `we'ird $HOME "dir" {x} \\ ü 🔑 $(touch pwned) \`x\``,
  shellSafe: 'space {x} "dq" \\ ü #h ;&|'
};

let root: string;
const mounts: Record<keyof typeof FOLDERS, ISecretMount> = {} as never;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'snippets-'));
  for (const [id, name] of Object.entries(FOLDERS)) {
    const folder = path.join(root, name);
    fs.mkdirSync(folder);
    const keys: ISecretKey[] = KEYS.map(key => {
      fs.writeFileSync(path.join(folder, key.name), key.content);
      return {
        name: key.name,
        path: path.join(folder, key.name),
        size: key.content.length,
        mode: '0644',
        mtime: 0,
        binary: key.binary,
        json: key.json,
        fingerprint: 'test'
      };
    });
    mounts[id as keyof typeof FOLDERS] = {
      path: folder,
      name,
      kind: 'folder',
      rotates: false,
      updated: 0,
      root,
      keys
    };
  }
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function snippet(mount: ISecretMount, keyName: string, style: SnippetStyle) {
  const key = mount.keys.find(k => k.name === keyName)!;
  const result = renderSnippet({ mount, key, style });
  if (!result.ok) {
    throw new Error(`no snippet: ${result.reason}`);
  }
  return result;
}

interface ICellResult {
  stdout: string;
  stderr: string;
  error: string | null;
  displayed: boolean;
  last: string;
  value:
    | { type: 'str'; value: string }
    | { type: 'bytes'; base64: string }
    | { type: string; json: unknown }
    | null;
}

/** The folder name holds `$(touch pwned)`: a quoting slip would create this file. */
function expectNoInjection(): void {
  expect(fs.existsSync(path.join(root, 'pwned'))).toBe(false);
}

function runIPython(cells: { code: string; var?: string }[]): ICellResult[] {
  const out = execFileSync(
    PYTHON,
    [path.join(__dirname, 'run_ipython.py')],
    // No IPython profile, history or config from the developer's home.
    {
      input: JSON.stringify(cells),
      encoding: 'utf8',
      cwd: root,
      env: { ...process.env, IPYTHONDIR: path.join(root, '.ipython') }
    }
  );
  expectNoInjection();
  return JSON.parse(out);
}

/** Text as the snippets should read it: exactly one trailing newline removed. */
function textValue(content: Buffer): string {
  return content.toString('utf8').replace(/\n$/, '');
}

describe('the IPython harness', () => {
  it('detects an echoed value (a bare expression prints Out[...])', () => {
    const [result] = runIPython([{ code: 'x = 41\nx + 1' }]);
    expect(result.displayed).toBe(true);
    expect(result.stdout).toContain('42');
    expect(result.last).toBe('Expr');
  });
});

describe.each(Object.keys(FOLDERS) as (keyof typeof FOLDERS)[])(
  'Python snippets in the %s folder',
  folder => {
    let results: Record<string, ICellResult>;
    beforeAll(() => {
      const mount = mounts[folder];
      const cells = KEYS.map(key => {
        const { code, variable } = snippet(mount, key.name, 'python');
        return { code, var: variable };
      });
      const outcome = runIPython(cells);
      results = Object.fromEntries(
        KEYS.map((key, i) => [key.name, outcome[i]])
      );
    });

    it.each(KEYS.map(key => key.name))(
      '%s: runs, prints nothing and ends in an assignment',
      name => {
        const result = results[name];
        expect(result.error).toBeNull();
        expect(result.stdout).toBe('');
        expect(result.stderr).toBe('');
        expect(result.displayed).toBe(false);
        expect(result.last).toBe('Assign');
      }
    );

    it('reads text with exactly one trailing newline removed', () => {
      for (const key of KEYS.filter(k => !k.binary && !k.json)) {
        expect(results[key.name].value).toEqual({
          type: 'str',
          value: textValue(key.content)
        });
      }
    });

    it('reads binary values as bytes', () => {
      const key = KEYS.find(k => k.binary)!;
      expect(results[key.name].value).toEqual({
        type: 'bytes',
        base64: key.content.toString('base64')
      });
    });

    it('parses JSON values', () => {
      const key = KEYS.find(k => k.json)!;
      expect(results[key.name].value).toEqual({
        type: 'dict',
        json: JSON.parse(key.content.toString('utf8'))
      });
    });
  }
);

describe('IPython shell command (!) snippets', () => {
  it('read text values exactly like the Python ones, with nothing echoed', () => {
    const textKeys = KEYS.filter(k => !k.binary);
    const cells = textKeys.map(key => {
      const { code, variable } = snippet(
        mounts.shellSafe,
        key.name,
        'ipython-shell'
      );
      return { code, var: variable };
    });
    const results = runIPython(cells);
    textKeys.forEach((key, i) => {
      expect(results[i]).toMatchObject({
        error: null,
        stdout: '',
        displayed: false,
        last: 'Assign',
        value: { type: 'str', value: textValue(key.content) }
      });
    });
  });

  it('are refused for a folder holding $ or a single quote', () => {
    const key = mounts.awkward.keys[0];
    expect(
      renderSnippet({ mount: mounts.awkward, key, style: 'ipython-shell' })
    ).toEqual({ ok: false, reason: 'unsafe-path', kind: 'text' });
  });
});

/** Run shell code after a snippet that writes the variable's value to a file. */
function dumpLine(variable: string, file: string): string {
  return `printf '%s' "$${variable}" > '${file}'`;
}

describe.each(Object.keys(FOLDERS) as (keyof typeof FOLDERS)[])(
  'Bash snippets in the %s folder',
  folder => {
    it.each(KEYS.map(key => key.name))(
      '%s: bash reads the value and prints nothing',
      name => {
        const key = KEYS.find(k => k.name === name)!;
        const { code, variable } = snippet(mounts[folder], name, 'bash');
        const dump = path.join(root, 'bash-out');
        const dumped = key.binary ? `${variable}_B64` : variable;
        const stdout = execFileSync(
          'bash',
          ['-euc', `${code}\n${dumpLine(dumped, dump)}`],
          { encoding: 'utf8', cwd: root }
        );
        expectNoInjection();
        expect(stdout).toBe('');
        const value = fs.readFileSync(dump);
        if (key.binary) {
          expect(Buffer.from(value.toString(), 'base64')).toEqual(key.content);
        } else {
          // `$(...)` strips every trailing newline: a shell rule the docs state.
          expect(value.toString('utf8')).toBe(
            key.content.toString('utf8').replace(/\n+$/, '')
          );
        }
      }
    );
  }
);

describe('%%bash cell snippets', () => {
  it('run in IPython, read the value and print nothing', () => {
    const textKey = KEYS[0];
    const binaryKey = KEYS.find(k => k.binary)!;
    const cells = [textKey, binaryKey].map((key, i) => {
      const { code, variable } = snippet(
        mounts.awkward,
        key.name,
        'ipython-bash'
      );
      const dumped = key.binary ? `${variable}_B64` : variable;
      return {
        code: `${code}\n${dumpLine(dumped, path.join(root, `cell-${i}`))}`
      };
    });
    const results = runIPython(cells);
    for (const result of results) {
      expect(result).toMatchObject({ error: null, stdout: '', stderr: '' });
    }
    expect(fs.readFileSync(path.join(root, 'cell-0'), 'utf8')).toBe(
      textValue(textKey.content)
    );
    expect(
      Buffer.from(fs.readFileSync(path.join(root, 'cell-1'), 'utf8'), 'base64')
    ).toEqual(binaryKey.content);
  });
});
