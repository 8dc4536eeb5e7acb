import * as nbformat from '@jupyterlab/nbformat';

/** One textual representation of a cell output. */
export interface IOutputText {
  /** The MIME type the text was rendered as (`application/vnd.jupyter.stdout` for stdout). */
  mimeType: string;
  text: string;
}

/** MIME types of rich outputs worth scanning; images and widgets hold no pasted text. */
const TEXT_MIME_TYPES = [
  'text/plain',
  'text/html',
  'text/markdown',
  'text/latex',
  'application/json',
  'application/javascript'
];

/** Terminal colour codes (IPython tracebacks are full of them). */
const ANSI_ESCAPE = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** Drop terminal colour codes so a value split by colouring is seen whole. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_ESCAPE, '');
}

function multiline(value: nbformat.MultilineString | undefined): string {
  if (value === undefined) {
    return '';
  }
  return typeof value === 'string' ? value : value.join('');
}

/**
 * The texts an output shows: stream text, error traceback, and the textual
 * MIME types of display data and execute results. Mirrors the MIME types the
 * output area renders them as, so findings can name where they were seen.
 */
export function outputTexts(output: nbformat.IOutput): IOutputText[] {
  if (nbformat.isStream(output)) {
    const mimeType =
      output.name === 'stderr'
        ? 'application/vnd.jupyter.stderr'
        : 'application/vnd.jupyter.stdout';
    return [{ mimeType, text: multiline(output.text) }];
  }
  if (nbformat.isError(output)) {
    const traceback = Array.isArray(output.traceback)
      ? output.traceback.join('\n')
      : '';
    const text = traceback || `${output.ename}: ${output.evalue}`;
    return [
      { mimeType: 'application/vnd.jupyter.stderr', text: stripAnsi(text) }
    ];
  }
  if (
    nbformat.isExecuteResult(output) ||
    nbformat.isDisplayData(output) ||
    nbformat.isDisplayUpdate(output)
  ) {
    const data = (output.data ?? {}) as nbformat.IMimeBundle;
    const texts: IOutputText[] = [];
    for (const mimeType of TEXT_MIME_TYPES) {
      const value = data[mimeType];
      if (value === undefined || value === null) {
        continue;
      }
      // JSON bundles are objects; every other text type is a (multiline) string.
      const text =
        mimeType === 'application/json' && typeof value !== 'string'
          ? JSON.stringify(value)
          : multiline(value as nbformat.MultilineString);
      texts.push({ mimeType, text });
    }
    return texts;
  }
  return [];
}
