/**
 * Put a snippet into the active notebook, console or file editor.
 */
import { ISessionContext } from '@jupyterlab/apputils';
import { CodeEditor } from '@jupyterlab/codeeditor';
import { IConsoleTracker } from '@jupyterlab/console';
import { IEditorTracker } from '@jupyterlab/fileeditor';
import { INotebookTracker, Notebook } from '@jupyterlab/notebook';
import { Widget } from '@lumino/widgets';

import { ILanguageHints, InsertContext } from './languages';
import { placeSnippet } from './placement';

/** What happened to a snippet. */
export type InsertOutcome =
  /** Inserted at the cursor of an editor. */
  | 'inserted'
  /** Inserted as a new code cell (below the active cell of a notebook). */
  | 'new-cell'
  /** A cell magic needs an empty console prompt, and the prompt holds code. */
  | 'prompt-not-empty'
  /** The document cannot take the snippet now (no model yet, read-only). */
  | 'unavailable';

/** A document that can take a snippet. */
export interface IInsertTarget {
  context: InsertContext;
  widget: Widget;
  /** What the document says about its language. */
  hints(): ILanguageHints;
  /** Insert code; `cellMagic` code must start a cell of its own. */
  insert(code: string, cellMagic: boolean): Promise<InsertOutcome>;
}

/** The trackers of documents that can take snippets. */
export interface ITrackers {
  notebooks: INotebookTracker;
  consoles?: IConsoleTracker | null;
  editors?: IEditorTracker | null;
}

/**
 * The target for the main area's current widget: a notebook, a console or a file editor.
 * Null for anything else (a launcher, an image, nothing open).
 */
export function activeTarget(
  current: Widget | null,
  trackers: ITrackers
): IInsertTarget | null {
  if (!current) {
    return null;
  }
  const notebook = trackers.notebooks.currentWidget;
  if (notebook === current) {
    return {
      context: 'notebook',
      widget: notebook,
      // A running kernel's spec wins over what the notebook's metadata says.
      hints: () => ({
        ...metadataHints(notebook.content),
        ...kernelHints(notebook.sessionContext)
      }),
      insert: (code, cellMagic) =>
        insertIntoNotebook(notebook.content, code, cellMagic)
    };
  }
  const console = trackers.consoles?.currentWidget;
  if (console && console === current) {
    return {
      context: 'console',
      widget: console,
      hints: () => ({
        ...kernelHints(console.sessionContext),
        mimeType: console.console.promptCell?.model.mimeType
      }),
      insert: async (code, cellMagic) => {
        const editor = console.console.promptCell?.editor;
        if (!editor) {
          return 'unavailable';
        }
        if (cellMagic && editor.model.sharedModel.getSource().trim() !== '') {
          return 'prompt-not-empty';
        }
        insertIntoEditor(editor, code);
        return 'inserted';
      }
    };
  }
  const file = trackers.editors?.currentWidget;
  if (file && file === current) {
    return {
      context: 'editor',
      widget: file,
      hints: () => ({
        mimeType: file.content.model.mimeType,
        path: file.context.path
      }),
      insert: async code => {
        insertIntoEditor(file.content.editor, code);
        return 'inserted';
      }
    };
  }
  return null;
}

/** The kernel spec's language, when a kernel is running (its word is final). */
function kernelHints(session: ISessionContext): ILanguageHints {
  const name = session.session?.kernel?.name;
  const spec = name ? session.specsManager.specs?.kernelspecs[name] : undefined;
  return spec?.language ? { kernelLanguage: spec.language } : {};
}

/** The language stored in a notebook's metadata (known before a kernel starts). */
function metadataHints(notebook: Notebook): ILanguageHints {
  const model = notebook.model;
  if (!model) {
    return {};
  }
  const kernelspec = model.getMetadata('kernelspec') as
    { language?: unknown } | undefined;
  const info = model.getMetadata('language_info') as
    { name?: unknown } | undefined;
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    kernelLanguage: text(kernelspec?.language),
    languageInfo: text(info?.name)
  };
}

/** Insert code at the cursor (or over the selection) of an editor, on lines of its own. */
export function insertIntoEditor(
  editor: CodeEditor.IEditor,
  code: string
): void {
  const shared = editor.model.sharedModel;
  const selection = editor.getSelection();
  const placement = placeSnippet(
    shared.getSource(),
    editor.getOffsetAt(selection.start),
    editor.getOffsetAt(selection.end),
    code
  );
  shared.updateSource(placement.start, placement.end, placement.text);
  moveCursor(editor, placement.cursor);
}

function moveCursor(editor: CodeEditor.IEditor, offset: number): void {
  const position = editor.getPositionAt(offset);
  if (position) {
    editor.setCursorPosition(position);
  }
  editor.focus();
}

/**
 * Insert into a notebook: at the cursor of the active code cell when it is being edited,
 * into the active code cell when it is empty, otherwise into a new code cell below it.
 * A cell magic goes into an empty active code cell or a new cell.
 */
export async function insertIntoNotebook(
  notebook: Notebook,
  code: string,
  cellMagic: boolean
): Promise<InsertOutcome> {
  const model = notebook.model;
  if (!model || model.readOnly) {
    return 'unavailable';
  }
  const cell = notebook.activeCell;
  if (cell && cell.model.type === 'code' && !cell.readOnly && cell.editor) {
    const source = cell.model.sharedModel.getSource();
    const empty = source.trim() === '';
    if (empty && cellMagic) {
      cell.model.sharedModel.updateSource(0, source.length, code);
      enterEditMode(notebook, cell.editor, code.length);
      return 'inserted';
    }
    if (empty || (notebook.mode === 'edit' && !cellMagic)) {
      insertIntoEditor(cell.editor, code);
      notebook.mode = 'edit';
      return 'inserted';
    }
  }
  const index = Math.max(notebook.activeCellIndex + 1, 0);
  model.sharedModel.insertCell(index, {
    cell_type: 'code',
    source: code,
    metadata: {}
  });
  notebook.activeCellIndex = index;
  const inserted = notebook.activeCell;
  if (inserted) {
    // Cells are windowed: the editor exists once the cell is rendered.
    await notebook.scrollToCell(inserted);
    await inserted.ready;
    if (inserted.editor) {
      enterEditMode(notebook, inserted.editor, code.length);
    }
  }
  return 'new-cell';
}

function enterEditMode(
  notebook: Notebook,
  editor: CodeEditor.IEditor,
  offset: number
): void {
  notebook.mode = 'edit';
  moveCursor(editor, offset);
}
