/**
 * The notebook-text contract: which texts of a notebook are scanned, and
 * where each one comes from. One module for the CLI and the live guard; the
 * server's Python port (`jupyterlab_secret_mounts/scanner/notebook.py`)
 * produces the same texts. Both are pinned by the fixtures in
 * `spec/notebooks/`, and `spec/README.md` says why each part is scanned or not.
 */
import { defaultScannerInstance, TextScan } from './engine';
import { INotebookFinding, INotebookPlace, IScanOptions } from './types';

/** Thrown when the input is not an nbformat 4 notebook at all. */
export class NotebookParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotebookParseError';
  }
}

/** One text of a notebook that is scanned on its own, and where it comes from. */
export interface INotebookText extends INotebookPlace {
  text: string;
}

/** A text of one of a cell's outputs. */
export type IOutputText = Pick<
  INotebookText,
  'part' | 'outputIndex' | 'mimeType' | 'text'
>;

type JSONObject = Record<string, unknown>;

function isObject(value: unknown): value is JSONObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The text a structured value (metadata, JSON data, a part of the wrong shape) is scanned as. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 1);
}

/** nbformat's multiline string: a string or a list of strings. */
function isMultiline(value: unknown): value is string | string[] {
  return (
    typeof value === 'string' ||
    (Array.isArray(value) && value.every(line => typeof line === 'string'))
  );
}

/**
 * The text of a value: a multiline string's text (a list joined with
 * `separator`), nothing for null or an absent value, else its JSON text.
 * Any part of the wrong shape is scanned this way: checked, never skipped.
 */
function textOf(value: unknown, separator = ''): string {
  if (value === undefined || value === null) {
    return '';
  }
  if (isMultiline(value)) {
    return typeof value === 'string' ? value : value.join(separator);
  }
  return jsonText(value);
}

/** Terminal control sequences (colours, cursor moves), as ECMA-48 writes them. */
const TERMINAL_CODES = /\x1b\[[0-?]*[ -/]*[@-~]/g;

/**
 * Terminal text without its control sequences, as JupyterLab shows it: a
 * value split by colour codes is one value on screen.
 */
export function withoutTerminalCodes(text: string): string {
  return text.replace(TERMINAL_CODES, '');
}

function isJsonMime(mime: string): boolean {
  return mime === 'application/json' || mime.endsWith('+json');
}

/**
 * MIME types whose data is text: `text/*`, JSON, XML (SVG too) and
 * JavaScript. Other data is a base64 payload (images, PDF), never scanned.
 */
export function isTextMime(mime: string): boolean {
  return (
    mime.startsWith('text/') ||
    isJsonMime(mime) ||
    mime === 'application/xml' ||
    mime.endsWith('+xml') ||
    mime === 'application/javascript'
  );
}

/** The text of one MIME type's data in a bundle (output data, an attachment). */
function dataText(mimeType: string, value: unknown): string {
  if (value === null) {
    return '';
  }
  if (isJsonMime(mimeType)) {
    return typeof value === 'string' ? value : jsonText(value);
  }
  if (mimeType === 'text/plain') {
    // Rendered as terminal text, colours and all.
    return withoutTerminalCodes(textOf(value));
  }
  if (isTextMime(mimeType)) {
    return textOf(value);
  }
  // A payload is skipped; anything else under a binary type is not one.
  return isMultiline(value) ? '' : jsonText(value);
}

function bundleTexts(bundle: JSONObject): { mimeType: string; text: string }[] {
  return Object.entries(bundle)
    .map(([mimeType, value]) => ({ mimeType, text: dataText(mimeType, value) }))
    .filter(({ text }) => text !== '');
}

/** Metadata is scanned as JSON text, unless it is empty. */
function metadataText(metadata: unknown): string {
  if (!isObject(metadata)) {
    return textOf(metadata);
  }
  return Object.keys(metadata).length === 0 ? '' : jsonText(metadata);
}

function isStreamNamed(output: unknown, name: string): output is JSONObject {
  return (
    isObject(output) && output.output_type === 'stream' && output.name === name
  );
}

/**
 * An error as a text: its traceback without colours, after the line
 * `ename: evalue` unless the traceback already shows the value.
 */
function errorText(output: JSONObject): string {
  const traceback = withoutTerminalCodes(textOf(output.traceback, '\n'));
  const ename = withoutTerminalCodes(textOf(output.ename));
  const evalue = withoutTerminalCodes(textOf(output.evalue));
  if (
    (ename === '' && evalue === '') ||
    (traceback !== '' && traceback.includes(evalue))
  ) {
    return traceback;
  }
  return traceback === ''
    ? `${ename}: ${evalue}`
    : `${ename}: ${evalue}\n${traceback}`;
}

/** The texts of one output (not a stream), without its metadata. */
function oneOutputTexts(
  output: unknown
): { mimeType?: string; text: string }[] {
  if (!isObject(output)) {
    return [{ text: textOf(output) }];
  }
  switch (output.output_type) {
    case 'error':
      return [{ mimeType: 'error', text: errorText(output) }];
    case 'execute_result':
    case 'display_data':
    case 'update_display_data':
      if (isObject(output.data)) {
        return bundleTexts(output.data);
      }
      return [{ text: textOf(output.data) }];
    default:
      // Not an output nbformat 4 knows: all of it.
      return [{ text: jsonText(output) }];
  }
}

/**
 * The texts of a cell's outputs (nbformat JSON), in order: each output's
 * texts, then its metadata. Consecutive streams of one name are one text,
 * as JupyterLab shows (and saves) them, placed at the first of them.
 */
export function outputTexts(outputs: readonly unknown[]): IOutputText[] {
  const texts: IOutputText[] = [];
  const add = (text: IOutputText) => {
    if (text.text !== '') {
      texts.push(text);
    }
  };
  for (let index = 0; index < outputs.length;) {
    const output = outputs[index];
    let end = index + 1;
    if (isObject(output) && output.output_type === 'stream') {
      let text = textOf(output.text);
      if (typeof output.name === 'string') {
        for (; isStreamNamed(outputs[end], output.name); end++) {
          text += textOf((outputs[end] as JSONObject).text);
        }
      }
      const stream = withoutTerminalCodes(text);
      add({
        part: 'output',
        outputIndex: index,
        mimeType: 'stream',
        text: stream
      });
    } else {
      for (const { mimeType, text } of oneOutputTexts(output)) {
        add({ part: 'output', outputIndex: index, mimeType, text });
      }
    }
    for (let i = index; i < end; i++) {
      const metadata = isObject(outputs[i])
        ? metadataText((outputs[i] as JSONObject).metadata)
        : '';
      add({ part: 'metadata', outputIndex: i, text: metadata });
    }
    index = end;
  }
  return texts;
}

function attachmentTexts(
  attachments: unknown
): Pick<INotebookText, 'attachment' | 'mimeType' | 'text'>[] {
  if (!isObject(attachments)) {
    return [{ text: textOf(attachments) }];
  }
  return Object.entries(attachments).flatMap(([name, bundle]) => [
    { attachment: name, text: name },
    ...(isObject(bundle)
      ? bundleTexts(bundle).map(data => ({ attachment: name, ...data }))
      : [{ attachment: name, text: textOf(bundle) }])
  ]);
}

/** Every text of one cell, in order: source, attachments, outputs, metadata. */
function cellTexts(cell: JSONObject): Omit<INotebookText, 'cellIndex'>[] {
  const texts: Omit<INotebookText, 'cellIndex'>[] = [
    { part: 'source', text: textOf(cell.source) },
    ...attachmentTexts(cell.attachments).map(text => ({
      part: 'attachment' as const,
      ...text
    }))
  ];
  if (Array.isArray(cell.outputs)) {
    texts.push(...outputTexts(cell.outputs));
  } else {
    texts.push({ part: 'output', text: textOf(cell.outputs) });
  }
  texts.push({ part: 'metadata', text: metadataText(cell.metadata) });
  return texts;
}

/**
 * The texts of a notebook the scanner looks at (see `spec/README.md`).
 * Throws `NotebookParseError` when the input is not an nbformat 4 notebook;
 * inside one, a part of the wrong shape is scanned as its JSON text.
 */
export function notebookTexts(notebookJson: string): INotebookText[] {
  let notebook: unknown;
  try {
    notebook = JSON.parse(notebookJson);
  } catch (error) {
    throw new NotebookParseError(`not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(notebook)) {
    throw new NotebookParseError('a notebook must be a JSON object');
  }
  if (typeof notebook.nbformat === 'number' && notebook.nbformat < 4) {
    throw new NotebookParseError(
      `nbformat ${notebook.nbformat} is not supported (convert it with "jupyter nbconvert --to notebook")`
    );
  }
  if (!Array.isArray(notebook.cells)) {
    throw new NotebookParseError('a notebook must have a "cells" list');
  }
  const texts: INotebookText[] = [];
  notebook.cells.forEach((cell, cellIndex) => {
    if (!isObject(cell)) {
      throw new NotebookParseError(`cells[${cellIndex}] must be an object`);
    }
    const cellId = typeof cell.id === 'string' ? cell.id : undefined;
    for (const text of cellTexts(cell)) {
      texts.push({ cellIndex, cellId, ...text });
    }
  });
  texts.push({ part: 'metadata', text: metadataText(notebook.metadata) });
  return texts.filter(({ text }) => text !== '');
}

/** Scans the texts of a notebook with a prepared scan function. */
export function scanNotebookTexts(
  texts: readonly INotebookText[],
  scan: TextScan
): INotebookFinding[] {
  const findings: INotebookFinding[] = [];
  for (const { text, ...place } of texts) {
    for (const finding of scan(text)) {
      findings.push({ ...finding, ...place });
    }
  }
  return findings;
}

/**
 * Finds credential-like strings in a notebook (`.ipynb` JSON): each text of
 * `notebookTexts` is scanned separately; lines and columns are within it.
 */
export function scanNotebook(
  notebookJson: string,
  options?: IScanOptions
): INotebookFinding[] {
  const texts = notebookTexts(notebookJson);
  return scanNotebookTexts(texts, defaultScannerInstance().prepare(options));
}
