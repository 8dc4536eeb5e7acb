import * as fs from 'fs';
import * as path from 'path';

import {
  DefaultSchemaValidator,
  ISettingRegistry
} from '@jupyterlab/settingregistry';

import {
  DEFAULT_TEMPLATES,
  fillTemplate,
  mergeTemplates,
  renderSnippet,
  SnippetStyle,
  STYLES,
  stylesFor,
  templateLines,
  templateText,
  VALUE_KINDS,
  valueKind
} from '../../src/snippets/templates';

const mount = { path: '/secrets/db-creds', name: 'db-creds' };
const text = {
  name: 'password',
  path: '/secrets/db-creds/password',
  binary: false,
  json: false
};
const binary = {
  ...text,
  name: 'tls.p12',
  path: '/secrets/db-creds/tls.p12',
  binary: true
};
const json = {
  ...text,
  name: 'config.json',
  path: '/secrets/db-creds/config.json',
  json: true
};

function code(
  style: SnippetStyle,
  key: typeof text = text,
  where: { path: string; name: string } = mount
): string {
  const result = renderSnippet({ mount: where, key, style });
  if (!result.ok) {
    throw new Error(result.reason);
  }
  return result.code;
}

describe('default templates', () => {
  it('Python reads text, bytes and JSON with files closed by pathlib', () => {
    expect(code('python')).toBe(
      'from pathlib import Path\n' +
        "db_creds_password = Path('/secrets/db-creds/password').read_text(encoding='utf-8').removesuffix('\\n')"
    );
    expect(code('python', binary)).toBe(
      'from pathlib import Path\n' +
        "db_creds_tls_p12 = Path('/secrets/db-creds/tls.p12').read_bytes()"
    );
    expect(code('python', json)).toBe(
      'import json\nfrom pathlib import Path\n' +
        "db_creds_config_json = json.loads(Path('/secrets/db-creds/config.json').read_text(encoding='utf-8'))"
    );
  });

  it('IPython `!` captures the output and joins its lines', () => {
    expect(code('ipython-shell')).toBe(
      'db_creds_password = !cat /secrets/db-creds/password\n' +
        'db_creds_password = db_creds_password.n'
    );
  });

  it('%%bash cells start with the magic and assign a shell variable', () => {
    expect(code('ipython-bash')).toBe(
      '%%bash\nDB_CREDS_PASSWORD="$(cat /secrets/db-creds/password)"'
    );
    expect(code('ipython-bash', binary)).toBe(
      `%%bash\nDB_CREDS_TLS_P12_B64="$(base64 < /secrets/db-creds/tls.p12 | tr -d '\\n')"`
    );
  });

  it('R assigns with <- (never printed) and reads bytes with readBin', () => {
    expect(code('r')).toBe(
      'db_creds_password <- paste(readLines("/secrets/db-creds/password", warn = FALSE, encoding = "UTF-8"), collapse = "\\n")'
    );
    expect(code('r', binary)).toBe(
      'db_creds_tls_p12 <- readBin("/secrets/db-creds/tls.p12", what = "raw", n = file.size("/secrets/db-creds/tls.p12"))'
    );
    expect(code('r', json)).toBe(
      'db_creds_config_json <- jsonlite::read_json("/secrets/db-creds/config.json")'
    );
  });

  it('Julia chomps one newline and ends every statement with ;', () => {
    expect(code('julia')).toBe(
      'db_creds_password = String(chomp(read("/secrets/db-creds/password", String)));'
    );
    expect(code('julia', binary)).toBe(
      'db_creds_tls_p12 = read("/secrets/db-creds/tls.p12");'
    );
    expect(code('julia', json)).toBe(
      'using JSON\ndb_creds_config_json = JSON.parsefile("/secrets/db-creds/config.json");'
    );
  });

  it('Bash assigns with command substitution and never echoes', () => {
    expect(code('bash')).toBe(
      'DB_CREDS_PASSWORD="$(cat /secrets/db-creds/password)"'
    );
  });

  describe.each(Object.keys(STYLES) as SnippetStyle[])('%s', style => {
    const rendered = [text, binary, json]
      .map(key => renderSnippet({ mount, key, style }))
      .flatMap(result => (result.ok ? [result] : []));

    it('never echoes: no print/echo/cat to stdout, ends in an assignment', () => {
      expect(rendered.length).toBeGreaterThan(0);
      for (const { code, variable } of rendered) {
        expect(code).not.toMatch(
          /\b(print|println|display|cat|message)\(|\b(echo|printf)\b/
        );
        const last = code.split('\n').pop()!;
        // The last line assigns the snippet's variable (R with `<-`, others with `=`).
        const assigns =
          style === 'r'
            ? new RegExp(`^${variable} <- `)
            : new RegExp(`^${variable}(_B64)? ?= ?`);
        expect(last).toMatch(assigns);
        if (style === 'julia') {
          expect(last.endsWith(';')).toBe(true);
        }
      }
    });
  });
});

describe('quoting inside snippets', () => {
  const awkward = {
    path: `/secrets/it's "$HOME" \\ ü`,
    name: `it's "$HOME" \\ ü`
  };
  const key = { ...text, path: `${awkward.path}/password` };

  it('quotes the path for each language', () => {
    expect(code('python', key, awkward)).toContain(
      `Path('/secrets/it\\'s "$HOME" \\\\ ü/password')`
    );
    expect(code('r', key, awkward)).toContain(
      `readLines("/secrets/it's \\"$HOME\\" \\\\ ü/password"`
    );
    expect(code('julia', key, awkward)).toContain(
      `read("/secrets/it's \\"\\$HOME\\" \\\\ ü/password", String)`
    );
    expect(code('bash', key, awkward)).toBe(
      `IT_S_HOME_U_PASSWORD="$(cat '/secrets/it'\\''s "$HOME" \\ ü/password')"`
    );
  });

  it('refuses paths no language can spell', () => {
    expect(
      renderSnippet({
        mount,
        key: { ...text, path: '/secrets/\ud800' },
        style: 'python'
      })
    ).toEqual({ ok: false, reason: 'unrepresentable', kind: 'text' });
  });
});

describe('placeholders', () => {
  it('fills {path}, {folder}, {key} and {var}, and leaves other braces alone', () => {
    const templates = mergeTemplates({
      python: {
        text: "{var} = open(os.path.join({folder}, {key})).read()  # {other} {'a': 1}"
      }
    });
    const result = renderSnippet({
      mount,
      key: text,
      style: 'python',
      templates
    });
    expect(result).toMatchObject({
      ok: true,
      code: "db_creds_password = open(os.path.join('/secrets/db-creds', 'password')).read()  # {other} {'a': 1}"
    });
  });

  it('does not substitute inside substituted values', () => {
    const sneaky = { ...text, path: '/secrets/{var}' };
    expect(
      fillTemplate('{path}', name => (name === 'path' ? sneaky.path : 'X'))
    ).toBe('/secrets/{var}');
  });
});

describe('mergeTemplates', () => {
  it('overrides only the styles and kinds given', () => {
    const merged = mergeTemplates({ r: { text: 'custom' } });
    expect(merged.r).toEqual({ ...DEFAULT_TEMPLATES.r, text: 'custom' });
    expect(merged.python).toEqual(DEFAULT_TEMPLATES.python);
  });

  it('ignores junk instead of breaking insertion', () => {
    expect(mergeTemplates(null)).toEqual(DEFAULT_TEMPLATES);
    expect(
      mergeTemplates({
        python: { text: 42, binary: ['ok', 7] },
        cobol: { text: 'x' }
      })
    ).toEqual(DEFAULT_TEMPLATES);
  });

  it('takes a template as lines or, as before, as one string', () => {
    const merged = mergeTemplates({
      python: { text: ['import os', '{var} = os.getenv({key})'] },
      r: { text: 'library(x)\n{var} <- x::read({path})' }
    });
    expect(merged.python.text).toBe('import os\n{var} = os.getenv({key})');
    expect(merged.r.text).toBe('library(x)\n{var} <- x::read({path})');
  });
  it('an empty template means none: binary reports it, JSON falls back to text', () => {
    const templates = mergeTemplates({ python: { binary: '', json: '' } });
    expect(
      renderSnippet({ mount, key: binary, style: 'python', templates })
    ).toEqual({ ok: false, reason: 'no-template', kind: 'binary' });
    expect(
      renderSnippet({ mount, key: json, style: 'python', templates })
    ).toMatchObject({
      ok: true,
      code: code('python', { ...json, json: false })
    });
  });

  it('has no template for binary values in IPython `!` lines', () => {
    expect(
      renderSnippet({ mount, key: binary, style: 'ipython-shell' })
    ).toEqual({
      ok: false,
      reason: 'no-template',
      kind: 'binary'
    });
  });
});

describe('templateText and templateLines', () => {
  it('round-trip any text, blank lines and a final newline included', () => {
    for (const text of ['', 'a', 'a\nb', 'a\n\nb\n', '\n']) {
      expect(templateText(templateLines(text))).toBe(text);
    }
    expect(templateLines('')).toEqual([]);
    expect(templateLines('a\nb')).toEqual(['a', 'b']);
  });

  it('reject what is not a template', () => {
    expect(templateText(undefined)).toBeNull();
    expect(templateText({ text: 'x' })).toBeNull();
    expect(templateText(['x', null])).toBeNull();
  });
});

describe('renderSnippet', () => {
  it('marks cell magics, which must start a cell', () => {
    const magic = renderSnippet({ mount, key: text, style: 'ipython-bash' });
    const plain = renderSnippet({ mount, key: text, style: 'python' });
    expect(magic).toMatchObject({ ok: true, cellMagic: true });
    expect(plain).toMatchObject({ ok: true, cellMagic: false });
  });

  it('reads binary before JSON before text', () => {
    expect(valueKind({ binary: true, json: true })).toBe('binary');
    expect(valueKind({ binary: false, json: true })).toBe('json');
    expect(valueKind({ binary: false, json: false })).toBe('text');
  });
});

describe('stylesFor', () => {
  it('offers IPython magics for Python kernels only, not in .py files', () => {
    expect(stylesFor('python', 'notebook')).toEqual([
      'python',
      'ipython-shell',
      'ipython-bash'
    ]);
    expect(stylesFor('python', 'console')).toHaveLength(3);
    expect(stylesFor('python', 'editor')).toEqual(['python']);
    expect(stylesFor('r', 'notebook')).toEqual(['r']);
    expect(stylesFor('bash', 'editor')).toEqual(['bash']);
  });
});

describe('schema/snippets.json', () => {
  const schema = JSON.parse(
    fs.readFileSync(
      path.join(__dirname, '..', '..', 'schema', 'snippets.json'),
      'utf8'
    )
  );

  it('shows admins the same defaults the code uses, as lines', () => {
    const asLines = (style: SnippetStyle) =>
      Object.fromEntries(
        VALUE_KINDS.map(kind => [
          kind,
          templateLines(DEFAULT_TEMPLATES[style][kind])
        ])
      );
    for (const style of Object.keys(STYLES) as SnippetStyle[]) {
      const entry = schema.properties.templates.properties[style];
      expect(schema.properties.templates.default[style]).toEqual(
        asLines(style)
      );
      expect(entry.default).toEqual(asLines(style));
      for (const kind of VALUE_KINDS) {
        expect(entry.properties[kind].default).toEqual(asLines(style)[kind]);
        expect(entry.properties[kind].title).toBeTruthy();
      }
    }
  });

  /** Validate user settings as JupyterLab does; the composite, or the errors. */
  function load(user: Record<string, unknown>) {
    const plugin = {
      id: 'jupyterlab-secret-mounts:snippets',
      raw: JSON.stringify(user),
      schema,
      data: { composite: {}, user: {} },
      version: '0.1.0'
    } as unknown as ISettingRegistry.IPlugin;
    const errors = new DefaultSchemaValidator().validateData(plugin);
    return { errors, composite: plugin.data.composite };
  }

  it('gives the code its defaults through the validator of JupyterLab', () => {
    const { errors, composite } = load({});
    expect(errors).toBeNull();
    expect(mergeTemplates(composite.templates)).toEqual(DEFAULT_TEMPLATES);
    expect(composite.pythonStyle).toBe('python');
  });

  it('accepts the string-valued overrides written before templates were lines', () => {
    const { errors, composite } = load({
      templates: { python: { text: 'import os\n{var} = os.getenv({key})' } }
    });
    expect(errors).toBeNull();
    const merged = mergeTemplates(composite.templates);
    expect(merged.python.text).toBe('import os\n{var} = os.getenv({key})');
    expect(merged.python.binary).toBe(DEFAULT_TEMPLATES.python.binary);
    expect(merged.r).toEqual(DEFAULT_TEMPLATES.r);
  });

  it('accepts lines and rejects what is neither lines nor a string', () => {
    expect(
      load({ templates: { julia: { json: ['using JSON3', '{var} = 1;'] } } })
        .errors
    ).toBeNull();
    expect(load({ templates: { julia: { json: 42 } } }).errors).not.toBeNull();
    expect(
      load({ templates: { julia: { json: ['x', 1] } } }).errors
    ).not.toBeNull();
  });

  it('offers the Python styles by title, and only those', () => {
    const options = schema.properties.pythonStyle.oneOf as {
      const: string;
      title: string;
    }[];
    expect(options.map(option => option.const)).toEqual(
      stylesFor('python', 'notebook')
    );
    for (const option of options) {
      expect(option.title).not.toBe(option.const);
    }
    expect(load({ pythonStyle: 'ipython-bash' }).errors).toBeNull();
    expect(load({ pythonStyle: 'ruby' }).errors).not.toBeNull();
  });

  it('declares the shortcut and the context menu entry of the insert command', () => {
    const shortcuts = schema['jupyter.lab.shortcuts'];
    expect(shortcuts.map((s: { selector: string }) => s.selector)).toContain(
      '.jp-Notebook'
    );
    for (const shortcut of shortcuts) {
      expect(shortcut).toMatchObject({
        command: 'secret-mounts:insert-reference',
        keys: ['Accel Shift Y']
      });
    }
    expect(schema['jupyter.lab.menus'].context).toContainEqual(
      expect.objectContaining({
        command: 'secret-mounts:insert-reference',
        selector: '.jp-Notebook'
      })
    );
  });

  it('binds a key combination no JupyterLab core extension uses', () => {
    const schemas = path.join(
      __dirname,
      '..',
      '..',
      '.venv',
      'share',
      'jupyter',
      'lab',
      'schemas'
    );
    const taken: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          walk(full);
        } else if (entry.name.endsWith('.json')) {
          const core = JSON.parse(fs.readFileSync(full, 'utf8'));
          for (const s of core['jupyter.lab.shortcuts'] ?? []) {
            taken.push(s.keys.join(' '));
          }
        }
      }
    };
    walk(schemas);
    expect(taken.length).toBeGreaterThan(100);
    expect(taken).toContain('Accel Shift K'); // table of contents, delete line
    expect(taken).not.toContain('Accel Shift Y');
  });
});
