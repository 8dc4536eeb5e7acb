/**
 * Snippet templates: code that reads a mounted secret file into a variable.
 *
 * Rules every default follows (and admin overrides should):
 * - the snippet ends in an assignment, never a bare expression, so a notebook does not echo
 *   the value into the output (R assigns with `<-`, Julia ends with `;`);
 * - text values lose exactly one trailing newline (`kubectl create secret --from-file` keeps
 *   the file's last newline); shells are the exception: `$(...)` strips every trailing newline;
 * - binary values are read as bytes (shells, which cannot hold bytes, get base64);
 * - files are closed (the helpers used open and close them).
 *
 * Placeholders `{path}`, `{folder}` and `{key}` become string literals of the target language;
 * `{var}` becomes a variable name. Other braces are left as they are.
 * Pure: no DOM, no JupyterLab imports.
 */
import type { ISecretKey, ISecretMount } from '../mounts/types';
import { IdentifierStyle, variableName } from './identifier';
import { InsertContext, Language } from './languages';
import {
  hasLoneSurrogate,
  ipythonShellWord,
  juliaString,
  pythonString,
  rString,
  shellWord,
  UnsafeForIPythonShell
} from './quote';

/** A family of templates: one per language, plus IPython's shell magics. */
export type SnippetStyle =
  'python' | 'ipython-shell' | 'ipython-bash' | 'r' | 'julia' | 'bash';

/** How a value is read. */
export type ValueKind = 'text' | 'binary' | 'json';

/** Templates of one style; an empty string means "none" (`json` then falls back to `text`). */
export interface IStyleTemplates {
  text: string;
  binary: string;
  json: string;
}

export type TemplateSet = Record<SnippetStyle, IStyleTemplates>;

/** Placeholder names a template may use. */
export const PLACEHOLDERS = ['path', 'folder', 'key', 'var'] as const;

interface IStyleSpec {
  quote: (value: string) => string;
  identifier: IdentifierStyle;
}

export const STYLES: Record<SnippetStyle, IStyleSpec> = {
  python: { quote: pythonString, identifier: 'python' },
  'ipython-shell': { quote: ipythonShellWord, identifier: 'python' },
  'ipython-bash': { quote: shellWord, identifier: 'shell' },
  r: { quote: rString, identifier: 'r' },
  julia: { quote: juliaString, identifier: 'julia' },
  bash: { quote: shellWord, identifier: 'shell' }
};

const SHELL_TEXT = '{var}="$(cat {path})"';
const SHELL_BINARY = `{var}_B64="$(base64 < {path} | tr -d '\\n')"`;

export const DEFAULT_TEMPLATES: TemplateSet = {
  python: {
    text: [
      'from pathlib import Path',
      "{var} = Path({path}).read_text(encoding='utf-8').removesuffix('\\n')"
    ].join('\n'),
    binary: [
      'from pathlib import Path',
      '{var} = Path({path}).read_bytes()'
    ].join('\n'),
    json: [
      'import json',
      'from pathlib import Path',
      "{var} = json.loads(Path({path}).read_text(encoding='utf-8'))"
    ].join('\n')
  },
  'ipython-shell': {
    // `!` captures lines without their newlines; `.n` joins them back with `\n`.
    text: ['{var} = !cat {path}', '{var} = {var}.n'].join('\n'),
    binary: '',
    json: ''
  },
  'ipython-bash': {
    text: ['%%bash', SHELL_TEXT].join('\n'),
    binary: ['%%bash', SHELL_BINARY].join('\n'),
    json: ''
  },
  r: {
    // readLines() drops each line's newline; pasting the lines back restores all but the last.
    text: '{var} <- paste(readLines({path}, warn = FALSE, encoding = "UTF-8"), collapse = "\\n")',
    binary: '{var} <- readBin({path}, what = "raw", n = file.size({path}))',
    json: '{var} <- jsonlite::read_json({path})'
  },
  julia: {
    text: '{var} = String(chomp(read({path}, String)));',
    binary: '{var} = read({path});',
    json: ['using JSON', '{var} = JSON.parsefile({path});'].join('\n')
  },
  bash: { text: SHELL_TEXT, binary: SHELL_BINARY, json: '' }
};

/** Styles offered for a language in a context; the first is the default. */
export function stylesFor(
  language: Language,
  context: InsertContext
): SnippetStyle[] {
  if (language === 'python') {
    // IPython magics need a kernel; a .py file is plain Python.
    return context === 'editor'
      ? ['python']
      : ['python', 'ipython-shell', 'ipython-bash'];
  }
  return [language];
}

/** How a key's value should be read: bytes when binary, parsed when JSON, else text. */
export function valueKind(key: Pick<ISecretKey, 'binary' | 'json'>): ValueKind {
  return key.binary ? 'binary' : key.json ? 'json' : 'text';
}

/** The kinds of value, in the order the settings show them. */
export const VALUE_KINDS: readonly ValueKind[] = ['text', 'binary', 'json'];

/**
 * A template as the settings hold it: an array of lines (what the schema's defaults use, readable
 * in JSON) or, as before, one string with `\n`s. Anything else is not a template: null.
 */
export function templateText(value: unknown): string | null {
  if (typeof value === 'string') {
    return value;
  }
  if (Array.isArray(value) && value.every(line => typeof line === 'string')) {
    return value.join('\n');
  }
  return null;
}

/** A template's text as the lines the settings store. */
export function templateLines(text: string): string[] {
  return text === '' ? [] : text.split('\n');
}

/**
 * Merge admin/user overrides (the `templates` setting, any shape) over the defaults. Unknown
 * styles or kinds and values that are not templates are ignored, so a typo cannot break insertion.
 */
export function mergeTemplates(overrides: unknown): TemplateSet {
  const merged = {} as TemplateSet;
  const given = isRecord(overrides) ? overrides : {};
  for (const style of Object.keys(DEFAULT_TEMPLATES) as SnippetStyle[]) {
    const entry = isRecord(given[style]) ? given[style] : {};
    const templates = { ...DEFAULT_TEMPLATES[style] };
    for (const kind of VALUE_KINDS) {
      const text = templateText(entry[kind]);
      if (text !== null) {
        templates[kind] = text;
      }
    }
    merged[style] = templates;
  }
  return merged;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What to render: the folder, the key, the style and, optionally, templates to use. */
export interface ISnippetRequest {
  mount: Pick<ISecretMount, 'path' | 'name'>;
  key: Pick<ISecretKey, 'name' | 'path' | 'binary' | 'json'>;
  style: SnippetStyle;
  templates?: TemplateSet;
}

export type SnippetResult =
  | {
      ok: true;
      code: string;
      /** Name of the variable the snippet assigns (for messages). */
      variable: string;
      kind: ValueKind;
      /** The snippet starts with a cell magic (`%%bash`), so it must start a cell. */
      cellMagic: boolean;
    }
  | {
      ok: false;
      /**
       * `no-template`: the style has no template for this kind of value;
       * `unsafe-path`: the path cannot be written safely in this style (IPython `!` lines);
       * `unrepresentable`: the path holds a lone UTF-16 surrogate, no language can spell it.
       */
      reason: 'no-template' | 'unsafe-path' | 'unrepresentable';
      kind: ValueKind;
    };

/** Replace known `{placeholder}`s; values are computed only for placeholders in use. */
export function fillTemplate(
  template: string,
  value: (name: (typeof PLACEHOLDERS)[number]) => string
): string {
  return template.replace(/\{(path|folder|key|var)\}/g, (_, name) =>
    value(name as (typeof PLACEHOLDERS)[number])
  );
}

/** The snippet that reads one key in one style. */
export function renderSnippet(request: ISnippetRequest): SnippetResult {
  const { mount, key, style } = request;
  const spec = STYLES[style];
  const templates = (request.templates ?? DEFAULT_TEMPLATES)[style];
  const kind = valueKind(key);
  const template = templates[kind] || (kind === 'json' ? templates.text : '');
  if (!template.trim()) {
    return { ok: false, reason: 'no-template', kind };
  }
  if ([mount.path, key.name, key.path].some(hasLoneSurrogate)) {
    return { ok: false, reason: 'unrepresentable', kind };
  }
  const variable = variableName(mount.name, key.name, spec.identifier);
  try {
    const code = fillTemplate(template, name => {
      switch (name) {
        case 'path':
          return spec.quote(key.path);
        case 'folder':
          return spec.quote(mount.path);
        case 'key':
          return spec.quote(key.name);
        case 'var':
          return variable;
      }
    });
    return {
      ok: true,
      code,
      variable,
      kind,
      cellMagic: code.startsWith('%%')
    };
  } catch (error) {
    if (error instanceof UnsafeForIPythonShell) {
      return { ok: false, reason: 'unsafe-path', kind };
    }
    throw error;
  }
}
