import { defaultScannerInstance, TextScan } from './engine';
import { INotebookFinding, IScanOptions } from './types';

/** Thrown by `scanNotebook` when the input is not an nbformat 4 notebook. */
export class NotebookParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotebookParseError';
  }
}

/** One text of a notebook that is scanned on its own. */
export interface INotebookText {
  cellIndex: number;
  cellId?: string;
  part: 'source' | 'output';
  outputIndex?: number;
  mimeType?: string;
  text: string;
}

type JSONObject = Record<string, unknown>;

function isObject(value: unknown): value is JSONObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** nbformat multiline strings are a string or a list of strings. */
function multiline(value: unknown, where: string): string {
  if (typeof value === 'string') {
    return value;
  }
  if (Array.isArray(value) && value.every(part => typeof part === 'string')) {
    return value.join('');
  }
  throw new NotebookParseError(
    `${where} must be a string or a list of strings`
  );
}

/** ANSI escape sequences (colours in tracebacks), blanked so offsets stay put. */
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

function withoutAnsi(text: string): string {
  return text.replace(ANSI, escape => ' '.repeat(escape.length));
}

/** MIME types whose data is text a person reads (images and binaries are skipped). */
export function isTextMime(mime: string): boolean {
  return (
    mime.startsWith('text/') ||
    mime === 'application/json' ||
    mime === 'application/javascript' ||
    mime.endsWith('+json')
  );
}

function outputTexts(
  output: unknown,
  where: string
): { mimeType: string; text: string }[] {
  if (!isObject(output)) {
    throw new NotebookParseError(`${where} must be an object`);
  }
  switch (output.output_type) {
    case 'stream':
      return [
        {
          mimeType: 'stream',
          text: multiline(output.text ?? '', `${where}.text`)
        }
      ];
    case 'error': {
      const traceback = Array.isArray(output.traceback)
        ? multiline(
            output.traceback.map(line => `${String(line)}\n`),
            `${where}.traceback`
          )
        : '';
      const head = `${String(output.ename ?? '')}: ${String(output.evalue ?? '')}\n`;
      return [{ mimeType: 'error', text: withoutAnsi(head + traceback) }];
    }
    case 'execute_result':
    case 'display_data':
    case 'update_display_data': {
      const data = output.data ?? {};
      if (!isObject(data)) {
        throw new NotebookParseError(`${where}.data must be an object`);
      }
      return Object.entries(data)
        .filter(([mime]) => isTextMime(mime))
        .map(([mime, value]) => ({
          mimeType: mime,
          text:
            typeof value === 'string' || Array.isArray(value)
              ? multiline(value, `${where}.data["${mime}"]`)
              : JSON.stringify(value, null, 1)
        }));
    }
    default:
      return [];
  }
}

/**
 * The texts of a notebook the scanner looks at: every cell source and every
 * text output (streams, text MIME data, error tracebacks); never images or
 * attachments. Throws `NotebookParseError` on malformed input.
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
    const where = `cells[${cellIndex}]`;
    if (!isObject(cell)) {
      throw new NotebookParseError(`${where} must be an object`);
    }
    const cellId = typeof cell.id === 'string' ? cell.id : undefined;
    texts.push({
      cellIndex,
      cellId,
      part: 'source',
      text: multiline(cell.source ?? '', `${where}.source`)
    });
    if (cell.outputs === undefined) {
      return;
    }
    if (!Array.isArray(cell.outputs)) {
      throw new NotebookParseError(`${where}.outputs must be a list`);
    }
    cell.outputs.forEach((output, outputIndex) => {
      for (const { mimeType, text } of outputTexts(
        output,
        `${where}.outputs[${outputIndex}]`
      )) {
        texts.push({
          cellIndex,
          cellId,
          part: 'output',
          outputIndex,
          mimeType,
          text
        });
      }
    });
  });
  return texts;
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
 * Finds credential-like strings in a notebook (`.ipynb` JSON): each cell
 * source and each text output is scanned separately; lines and columns are
 * within that source or output text.
 */
export function scanNotebook(
  notebookJson: string,
  options?: IScanOptions
): INotebookFinding[] {
  const texts = notebookTexts(notebookJson);
  return scanNotebookTexts(texts, defaultScannerInstance().prepare(options));
}
