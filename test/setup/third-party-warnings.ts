/**
 * Known warnings of third-party code that say nothing about the code under test, stopped where
 * they arise; every other console line passes through.
 *
 * - jsdom has no asynchronous Clipboard API, so @jupyterlab/apputils warns "Clipboard API not
 *   available" as it loads: jsdom's navigator gets a small in-memory one.
 * - @jupyter/ydoc builds each inserted cell and reads it before adding it to the notebook's
 *   document, and Yjs warns about both (JupyterLab prints the same in a browser).
 */
const YJS_WARNINGS = [
  'Invalid access: Add Yjs type to a document before reading data.',
  '[yjs#509] Not same Y.Doc'
];

class MemoryClipboard {
  private _text = '';
  readText(): Promise<string> {
    return Promise.resolve(this._text);
  }
  writeText(text: string): Promise<void> {
    this._text = text;
    return Promise.resolve();
  }
}

if (typeof navigator !== 'undefined' && !('clipboard' in navigator)) {
  Object.defineProperty(navigator, 'clipboard', {
    value: new MemoryClipboard(),
    configurable: true
  });
}

const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  const text = args.filter(arg => typeof arg === 'string').join(' ');
  if (!YJS_WARNINGS.some(known => text.includes(known))) {
    warn(...args);
  }
};
