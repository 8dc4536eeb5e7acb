import * as nbformat from '@jupyterlab/nbformat';
import { nullTranslator } from '@jupyterlab/translation';

import type { IFoundCredential } from '../../src/secrets/move';
import {
  applyEdit,
  IGNORE_MARKER,
  ignoreOnLine,
  literalAround,
  readExpression,
  replaceWithReference
} from '../../src/notebook/rewrites';
import {
  quickFixesFor,
  rewriteLanguageAt
} from '../../src/notebook/quickfixes';
import { codeCell, fakeGuard, markdownCell, MOUNTED_VALUE } from './helpers';

const VALUE = MOUNTED_VALUE;
const PATH = '/secrets/api/token';

/** The range of VALUE in a text. */
function rangeOf(text: string): { start: number; end: number } {
  const start = text.indexOf(VALUE);
  return { start, end: start + VALUE.length };
}

function fix(
  text: string,
  language: Parameters<typeof readExpression>[0]
): string | null {
  const edit = replaceWithReference(text, rangeOf(text), language, PATH);
  return edit ? applyEdit(text, edit) : null;
}

describe('replaceWithReference', () => {
  it('replaces a Python literal, quotes included, by a read of the file', () => {
    expect(fix(`token = "${VALUE}"\nprint(len(token))`, 'python')).toBe(
      `token = open('${PATH}', encoding='utf-8').read().strip()\nprint(len(token))`
    );
    expect(fix(`call(key='${VALUE}', retries=3)`, 'python')).toBe(
      `call(key=open('${PATH}', encoding='utf-8').read().strip(), retries=3)`
    );
  });

  it('handles triple quotes and r/u/f prefixes, and refuses bytes literals', () => {
    expect(fix(`t = """${VALUE}"""`, 'python')).toBe(
      `t = open('${PATH}', encoding='utf-8').read().strip()`
    );
    expect(fix(`t = r'${VALUE}'`, 'python')).toBe(
      `t = open('${PATH}', encoding='utf-8').read().strip()`
    );
    expect(fix(`t = f"${VALUE}"`, 'python')).toBe(
      `t = open('${PATH}', encoding='utf-8').read().strip()`
    );
    expect(fix(`t = b"${VALUE}"`, 'python')).toBeNull();
  });

  it('does not rewrite a value that is only part of a literal', () => {
    // Replacing the whole literal would drop "Bearer ".
    expect(
      fix(`h = {"Authorization": "Bearer ${VALUE}"}`, 'python')
    ).toBeNull();
    expect(fix(`url = "https://u:${VALUE}@db"`, 'python')).toBeNull();
  });

  it('writes R, Julia and shell reads', () => {
    expect(fix(`token <- "${VALUE}"`, 'r')).toBe(
      `token <- trimws(paste(readLines("${PATH}", warn = FALSE, encoding = "UTF-8"), collapse = "\\n"))`
    );
    expect(fix(`token = "${VALUE}"`, 'julia')).toBe(
      `token = String(strip(read("${PATH}", String)))`
    );
    expect(fix(`TOKEN="${VALUE}"`, 'bash')).toBe(`TOKEN="$(cat ${PATH})"`);
    expect(fix(`export TOKEN=${VALUE}\n`, 'bash')).toBe(
      `export TOKEN="$(cat ${PATH})"\n`
    );
  });

  it('quotes awkward paths for the language', () => {
    const edit = replaceWithReference(
      `x = '${VALUE}'`,
      rangeOf(`x = '${VALUE}'`),
      'python',
      "/s/it's"
    );
    expect(edit?.insert).toBe(
      `open('/s/it\\'s', encoding='utf-8').read().strip()`
    );
    expect(readExpression('bash', "/s/it's")).toBe(`"$(cat '/s/it'\\''s')"`);
  });
});

describe('literalAround', () => {
  it('finds the literal bounds including the prefix', () => {
    const text = `x = rb'${VALUE}'`;
    const { start, end } = rangeOf(text);
    expect(literalAround(text, start, end)).toEqual({
      from: 4,
      to: text.length,
      prefix: 'rb'
    });
  });

  it('does not take identifier letters for a prefix', () => {
    const text = `call(f'${VALUE}')`;
    const { start, end } = rangeOf(text);
    expect(literalAround(text, start, end)).toEqual({
      from: 5,
      to: text.length - 1,
      prefix: 'f'
    });
    const other = `elf'${VALUE}'`;
    const r = rangeOf(other);
    expect(literalAround(other, r.start, r.end)?.from).toBe(3);
  });
});

describe('ignoreOnLine', () => {
  it('appends the marker as a comment to the line of the finding', () => {
    const text = `a = 1\ntoken = "${VALUE}"\nb = 2`;
    const edit = ignoreOnLine(text, rangeOf(text).start, 'python');
    expect(applyEdit(text, edit!)).toBe(
      `a = 1\ntoken = "${VALUE}"  # ${IGNORE_MARKER}\nb = 2`
    );
  });

  it('works on the last line, in Markdown, and not twice', () => {
    const text = `token = "${VALUE}"`;
    const once = applyEdit(text, ignoreOnLine(text, 9, 'r')!);
    expect(once).toBe(`${text}  # ${IGNORE_MARKER}`);
    expect(ignoreOnLine(once, 9, 'r')).toBeNull();
    expect(applyEdit('key: abc', ignoreOnLine('key: abc', 5, null)!)).toBe(
      `key: abc <!-- ${IGNORE_MARKER} -->`
    );
  });

  it('refuses inside a Python triple-quoted string that continues on the next line', () => {
    const text = `doc = """\ntoken ${VALUE}\n"""`;
    expect(ignoreOnLine(text, rangeOf(text).start, 'python')).toBeNull();
    const closed = `doc = """x"""\ntoken = "${VALUE}"`;
    expect(
      ignoreOnLine(closed, rangeOf(closed).start, 'python')
    ).not.toBeNull();
  });
});

describe('quickFixesFor', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  async function setUp(cells: nbformat.ICell[], suppressionAllowed = true) {
    const { model, registry, guard } = fakeGuard(cells);
    registry.add(guard);
    await jest.advanceTimersByTimeAsync(300);
    const copied: string[] = [];
    const moved: IFoundCredential[] = [];
    const services = {
      registry,
      trans: nullTranslator.load('test'),
      isBinary: () => false,
      copySnippet: (mount: string, key: string) =>
        copied.push(`${mount}/${key}`),
      useSecretFile: () => copied.push('picker'),
      canMoveToSecret: () => false,
      moveToSecret: (found: IFoundCredential) => moved.push(found),
      notApplied: (m: string) => copied.push(`not applied: ${m}`),
      suppressionAllowed: () => suppressionAllowed
    };
    return { model, guard, services, copied, moved };
  }

  it('replaces a mounted value with a read of its file, so the cell no longer holds it', async () => {
    const { model, guard, services, copied } = await setUp([
      codeCell(`token = "${MOUNTED_VALUE}"\nprint(len(token))`)
    ]);
    const cell = model.cells.get(0);
    const [finding] = guard.findings;
    const fixes = quickFixesFor(finding, cell, services);
    expect(fixes.map(f => f.label)).toEqual([
      'Replace with secret reference',
      'Copy file-read snippet'
    ]);
    fixes[1].apply();
    expect(copied).toEqual(['/secrets/api/token']);
    fixes[0].apply();
    expect(cell.sharedModel.getSource()).toBe(
      "token = open('/secrets/api/token', encoding='utf-8').read().strip()\nprint(len(token))"
    );
    guard.dispose();
  });

  it('applies at the current place when the author typed above the value since the scan', async () => {
    const { model, guard, services } = await setUp([
      codeCell(`t = '${MOUNTED_VALUE}'`)
    ]);
    const cell = model.cells.get(0);
    const [replace] = quickFixesFor(guard.findings[0], cell, services);
    cell.sharedModel.setSource(`import os\nt = '${MOUNTED_VALUE}'`);
    replace.apply();
    expect(cell.sharedModel.getSource()).toBe(
      "import os\nt = open('/secrets/api/token', encoding='utf-8').read().strip()"
    );
    guard.dispose();
  });

  it('offers ignore and guidance for pattern findings, and no rewrite in ! lines', async () => {
    const { model, guard, services, copied } = await setUp([
      codeCell('key = "tok_AbCdEfGh1234"'),
      codeCell(`!curl -u u:${MOUNTED_VALUE} https://x`),
      markdownCell('token tok_AbCdEfGh1234')
    ]);
    const [code, shell, markdown] = guard.findings;
    const codeFixes = quickFixesFor(code, model.cells.get(0), services);
    // The fix comes first, the way to hide the finding last.
    expect(codeFixes.map(f => f.label)).toEqual([
      'Read it from a secret file…',
      'Ignore on this line'
    ]);
    codeFixes[1].apply();
    expect(model.cells.get(0).sharedModel.getSource()).toBe(
      'key = "tok_AbCdEfGh1234"  # secret-mounts:ignore'
    );
    codeFixes[0].apply();
    expect(copied).toEqual(['picker']);
    expect(
      quickFixesFor(shell, model.cells.get(1), services).map(f => f.label)
    ).toEqual(['Copy file-read snippet']);
    const mdFixes = quickFixesFor(markdown, model.cells.get(2), services);
    mdFixes[1].apply();
    expect(model.cells.get(2).sharedModel.getSource()).toBe(
      'token tok_AbCdEfGh1234 <!-- secret-mounts:ignore -->'
    );
    guard.dispose();
  });

  it('offers "Move to a Kubernetes Secret" where the server can and the literal can become a file read', async () => {
    const { model, guard, services, moved } = await setUp([
      codeCell('key = "tok_AbCdEfGh1234"'),
      codeCell('h = {"Authorization": "Bearer tok_AbCdEfGh1234"}')
    ]);
    const [whole, inside] = guard.findings;
    const labels = (f: typeof whole, i: number) =>
      quickFixesFor(f, model.cells.get(i), services).map(fix => fix.label);
    expect(labels(whole, 0)).not.toContain('Move to a Kubernetes Secret…');
    services.canMoveToSecret = () => true;
    expect(labels(whole, 0)[0]).toBe('Move to a Kubernetes Secret…');
    // Part of a longer string: replacing it would change the code.
    expect(labels(inside, 1)).not.toContain('Move to a Kubernetes Secret…');

    model.cells.get(0).sharedModel.setSource('# x\nkey = "tok_AbCdEfGh1234"');
    quickFixesFor(whole, model.cells.get(0), services)[0].apply();
    expect(moved.map(m => [m.range.start, m.range.end, m.language])).toEqual([
      [11, 27, 'python']
    ]);
    guard.dispose();
  });

  it('offers no suppression comment where the server ignores them', async () => {
    const { model, guard, services } = await setUp(
      [codeCell('key = "tok_AbCdEfGh1234"'), markdownCell('tok_AbCdEfGh1234')],
      false
    );
    for (const [index, finding] of guard.findings.entries()) {
      expect(
        quickFixesFor(finding, model.cells.get(index), services).map(
          f => f.label
        )
      ).toEqual(['Read it from a secret file…']);
    }
    guard.dispose();
  });

  it('knows which language code at a place is in', () => {
    expect(rewriteLanguageAt('%%bash\nX=1', 8, 'python')).toBe('bash');
    expect(rewriteLanguageAt('%%sql\nselect 1', 7, 'python')).toBeNull();
    expect(rewriteLanguageAt('a = 1\n!ls x', 8, 'python')).toBeNull();
    expect(rewriteLanguageAt('a = 1\n%env X=1', 8, 'python')).toBeNull();
    expect(rewriteLanguageAt('x <- 1', 2, 'r')).toBe('r');
  });

  describe('Use a mounted secret for git', () => {
    const URL_CELL = '!git clone https://u:tok_AbCdEfGh1234@github.com/o/r.git';

    async function gitSetUp(cells: nbformat.ICell[], configured: boolean) {
      const base = await setUp(cells);
      const asked: unknown[] = [];
      const services = {
        ...base.services,
        useSecretForGit: (
          found: unknown,
          known?: { mount: string; key: string }
        ) => {
          asked.push({ found, known });
          return Promise.resolve(configured);
        }
      };
      return { ...base, services, asked };
    }

    it('sets git up for the host, then takes the token out of the URL', async () => {
      const { model, guard, services, asked } = await gitSetUp(
        [codeCell(URL_CELL)],
        true
      );
      const cell = model.cells.get(0);
      const fixes = quickFixesFor(guard.findings[0], cell, services);
      expect(fixes[0].label).toBe('Use a mounted secret for git');
      fixes[0].apply();
      await jest.advanceTimersByTimeAsync(0);
      expect(asked).toEqual([
        {
          found: expect.objectContaining({
            host: 'https://github.com',
            username: 'u',
            token: 'tok_AbCdEfGh1234'
          }),
          known: undefined
        }
      ]);
      expect(cell.sharedModel.getSource()).toBe(
        '!git clone https://github.com/o/r.git'
      );
      guard.dispose();
    });

    it('leaves the cell as it was when git was not set up', async () => {
      const { model, guard, services } = await gitSetUp(
        [codeCell(URL_CELL)],
        false
      );
      const cell = model.cells.get(0);
      quickFixesFor(guard.findings[0], cell, services)[0].apply();
      await jest.advanceTimersByTimeAsync(0);
      expect(cell.sharedModel.getSource()).toBe(URL_CELL);
      guard.dispose();
    });

    it('names the mounted key of a mounted value, and finds the URL again after edits', async () => {
      const { model, guard, services, asked, copied } = await gitSetUp(
        [
          codeCell(
            `%%bash\ngit push https://x:${MOUNTED_VALUE}@gitlab.com/g/p main`
          )
        ],
        true
      );
      const cell = model.cells.get(0);
      const [gitFix, ...others] = quickFixesFor(
        guard.findings[0],
        cell,
        services
      );
      expect(others.map(f => f.label)).toContain('Copy file-read snippet');
      cell.sharedModel.setSource(
        `%%bash\ncd repo\ngit push https://x:${MOUNTED_VALUE}@gitlab.com/g/p main`
      );
      gitFix.apply();
      await jest.advanceTimersByTimeAsync(0);
      expect(asked).toEqual([
        {
          found: expect.objectContaining({ host: 'https://gitlab.com' }),
          known: { mount: '/secrets/api', key: 'token' }
        }
      ]);
      expect(cell.sharedModel.getSource()).toBe(
        '%%bash\ncd repo\ngit push https://gitlab.com/g/p main'
      );
      expect(copied).toEqual([]);
      guard.dispose();
    });

    it('is not offered outside git URLs, nor without Use for git', async () => {
      const { model, guard, services } = await gitSetUp(
        [codeCell('key = "tok_AbCdEfGh1234"'), codeCell(URL_CELL)],
        true
      );
      const labels = (index: number, withGit: boolean) =>
        quickFixesFor(
          guard.findings[index],
          model.cells.get(index),
          withGit ? services : { ...services, useSecretForGit: undefined }
        ).map(f => f.label);
      expect(labels(0, true)).not.toContain('Use a mounted secret for git');
      expect(labels(1, false)).not.toContain('Use a mounted secret for git');
      guard.dispose();
    });
  });
});
