/**
 * Which language a snippet should be written in, from what the active document tells us.
 * Pure: no DOM, no JupyterLab imports.
 */

/** Languages with built-in snippet templates. */
export type Language = 'python' | 'r' | 'julia' | 'bash';

/** Where the snippet goes: kernels in notebooks and consoles run IPython magics, files do not. */
export type InsertContext = 'notebook' | 'console' | 'editor';

/** What the active document says about its language; any of these may be missing. */
export interface ILanguageHints {
  /** `language` of the running kernel's spec, or of the notebook's `kernelspec` metadata. */
  kernelLanguage?: string | null;
  /** `language_info.name` reported by the kernel or stored in the notebook. */
  languageInfo?: string | null;
  /** MIME type of the editor (file editors and console prompts). */
  mimeType?: string | null;
  /** Path of the document, for its extension. */
  path?: string | null;
}

/** The outcome of `detectLanguage`. */
export type LanguageDetection =
  | { kind: 'supported'; language: Language }
  /** The document is in a language without templates; `name` says which, for messages. */
  | { kind: 'unsupported'; name: string }
  /** Nothing to go on (say, a notebook without kernel or metadata). */
  | { kind: 'unknown' };

const LANGUAGE_NAMES: Record<string, Language> = {
  python: 'python',
  python2: 'python',
  python3: 'python',
  ipython: 'python',
  ipython2: 'python',
  ipython3: 'python',
  r: 'r',
  julia: 'julia',
  bash: 'bash',
  sh: 'bash',
  shell: 'bash',
  zsh: 'bash',
  ksh: 'bash'
};

const MIME_TYPES: Record<string, Language> = {
  'text/x-python': 'python',
  'text/x-ipython': 'python',
  'text/x-rsrc': 'r',
  'text/x-r': 'r',
  'text/x-r-source': 'r',
  'text/x-julia': 'julia',
  'text/x-sh': 'bash',
  'text/x-shellscript': 'bash',
  'application/x-sh': 'bash'
};

const EXTENSIONS: Record<string, Language> = {
  py: 'python',
  pyw: 'python',
  ipy: 'python',
  r: 'r',
  jl: 'julia',
  sh: 'bash',
  bash: 'bash',
  zsh: 'bash',
  ksh: 'bash'
};

/** A kernel language name (`Python`, `python3`, `R`, `bash`...) as a `Language`, if known. */
export function normalizeLanguage(name: string): Language | null {
  return LANGUAGE_NAMES[name.trim().toLowerCase()] ?? null;
}

function extension(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/**
 * The language to write a snippet in. A kernel's word is final (an R kernel stays R even if
 * the file is called `x.py`); without a kernel, the editor's MIME type, then the extension.
 */
export function detectLanguage(hints: ILanguageHints): LanguageDetection {
  for (const name of [hints.kernelLanguage, hints.languageInfo]) {
    if (name && name.trim()) {
      const language = normalizeLanguage(name);
      return language
        ? { kind: 'supported', language }
        : { kind: 'unsupported', name: name.trim() };
    }
  }
  const mime = hints.mimeType?.trim().toLowerCase() ?? '';
  const ext = hints.path ? extension(hints.path) : '';
  const language = MIME_TYPES[mime] ?? EXTENSIONS[ext];
  if (language) {
    return { kind: 'supported', language };
  }
  if (ext || mime) {
    return { kind: 'unsupported', name: ext ? `.${ext}` : mime };
  }
  return { kind: 'unknown' };
}
