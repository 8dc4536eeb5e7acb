import { Notebook, NotebookModel, NotebookPanel } from '@jupyterlab/notebook';
import { NBTestUtils } from '@jupyterlab/notebook/lib/testutils';
import { ConsolePanel } from '@jupyterlab/console';
import { IDocumentWidget } from '@jupyterlab/docregistry';
import { FileEditor } from '@jupyterlab/fileeditor';
import { Widget } from '@lumino/widgets';

import {
  activeTarget,
  insertIntoNotebook,
  ITrackers
} from '../../src/snippets/insert';

const SNIPPET = 'from pathlib import Path\nx = Path(p).read_text()';
const MAGIC = '%%bash\nX="$(cat /secrets/x)"';

function createNotebook(
  cells: { type: 'code' | 'markdown'; source: string }[]
) {
  const notebook = NBTestUtils.createNotebook();
  const model = new NotebookModel();
  model.sharedModel.insertCells(
    0,
    cells.map(cell => ({
      cell_type: cell.type,
      source: cell.source,
      metadata: {}
    }))
  );
  notebook.model = model;
  Widget.attach(notebook, document.body);
  return notebook;
}

function sources(notebook: Notebook): string[] {
  return notebook.model!.sharedModel.cells.map(cell => cell.getSource());
}

async function ready(notebook: Notebook): Promise<void> {
  await Promise.all(notebook.widgets.map(cell => cell.ready));
}

describe('insertIntoNotebook', () => {
  let notebook: Notebook;
  afterEach(() => {
    notebook.dispose();
  });

  it('inserts at the cursor of the code cell being edited', async () => {
    notebook = createNotebook([{ type: 'code', source: 'a = 1\nprint(a)' }]);
    await ready(notebook);
    notebook.activeCellIndex = 0;
    notebook.mode = 'edit';
    const editor = notebook.activeCell!.editor!;
    editor.setCursorPosition({ line: 0, column: 5 });

    expect(await insertIntoNotebook(notebook, SNIPPET, false)).toBe('inserted');
    expect(sources(notebook)).toEqual([`a = 1\n${SNIPPET}\nprint(a)`]);
    // The cursor ends after the snippet, ready to use the variable.
    expect(editor.getCursorPosition()).toEqual({ line: 2, column: 23 });
  });

  it('adds a code cell below when the notebook is in command mode', async () => {
    notebook = createNotebook([
      { type: 'code', source: 'a = 1' },
      { type: 'code', source: 'b = 2' }
    ]);
    await ready(notebook);
    notebook.activeCellIndex = 0;
    notebook.mode = 'command';

    expect(await insertIntoNotebook(notebook, SNIPPET, false)).toBe('new-cell');
    expect(sources(notebook)).toEqual(['a = 1', SNIPPET, 'b = 2']);
    expect(notebook.model!.sharedModel.cells[1].cell_type).toBe('code');
    expect(notebook.activeCellIndex).toBe(1);
    expect(notebook.mode).toBe('edit');
  });

  it('adds a code cell below a markdown cell, even in edit mode', async () => {
    notebook = createNotebook([{ type: 'markdown', source: '# Title' }]);
    await ready(notebook);
    notebook.activeCellIndex = 0;
    notebook.mode = 'edit';

    expect(await insertIntoNotebook(notebook, SNIPPET, false)).toBe('new-cell');
    expect(sources(notebook)).toEqual(['# Title', SNIPPET]);
    expect(notebook.model!.sharedModel.cells[1].cell_type).toBe('code');
  });

  it('fills the active code cell when it is empty, whatever the mode', async () => {
    notebook = createNotebook([{ type: 'code', source: '' }]);
    await ready(notebook);
    notebook.activeCellIndex = 0;
    notebook.mode = 'command';

    expect(await insertIntoNotebook(notebook, SNIPPET, false)).toBe('inserted');
    expect(sources(notebook)).toEqual([SNIPPET]);
  });

  it('gives a cell magic a cell of its own', async () => {
    notebook = createNotebook([{ type: 'code', source: 'a = 1' }]);
    await ready(notebook);
    notebook.activeCellIndex = 0;
    notebook.mode = 'edit';

    expect(await insertIntoNotebook(notebook, MAGIC, true)).toBe('new-cell');
    expect(sources(notebook)).toEqual(['a = 1', MAGIC]);
  });

  it('puts a cell magic into an empty active code cell', async () => {
    notebook = createNotebook([{ type: 'code', source: '   ' }]);
    await ready(notebook);
    notebook.activeCellIndex = 0;

    expect(await insertIntoNotebook(notebook, MAGIC, true)).toBe('inserted');
    expect(sources(notebook)).toEqual([MAGIC]);
  });

  it('fills the blank cell a new notebook starts with', async () => {
    notebook = createNotebook([]);
    await ready(notebook);
    expect(await insertIntoNotebook(notebook, SNIPPET, false)).toBe('inserted');
    expect(sources(notebook)).toEqual([SNIPPET]);
  });
});

describe('activeTarget', () => {
  it('is null when the current widget is not a notebook, console or editor', () => {
    const notebook = createNotebook([]);
    const trackers = {
      notebooks: { currentWidget: null }
    } as unknown as ITrackers;
    expect(activeTarget(null, trackers)).toBeNull();
    expect(activeTarget(new Widget(), trackers)).toBeNull();
    notebook.dispose();
  });

  it("reads a notebook's language from its metadata without a kernel", () => {
    const notebook = createNotebook([]);
    notebook.model!.setMetadata('kernelspec', {
      name: 'ir',
      display_name: 'R',
      language: 'R'
    });
    const panel = {
      content: notebook,
      sessionContext: { session: null, specsManager: { specs: null } }
    } as unknown as NotebookPanel;
    const trackers = {
      notebooks: { currentWidget: panel }
    } as unknown as ITrackers;
    const target = activeTarget(panel, trackers);
    expect(target?.context).toBe('notebook');
    expect(target?.hints()).toMatchObject({ kernelLanguage: 'R' });
    notebook.dispose();
  });
});

describe('console and file editor targets', () => {
  function editorWith(source: string) {
    const wrapper = NBTestUtils.createCellEditor();
    Widget.attach(wrapper, document.body);
    wrapper.model.sharedModel.setSource(source);
    return wrapper;
  }

  it('a console inserts at the prompt, but a cell magic needs an empty prompt', async () => {
    const wrapper = editorWith('x = 1');
    const console = {
      console: {
        promptCell: {
          editor: wrapper.editor,
          model: { mimeType: 'text/x-ipython' }
        }
      },
      sessionContext: { session: null, specsManager: { specs: null } }
    } as unknown as ConsolePanel;
    const trackers = {
      notebooks: { currentWidget: null },
      consoles: { currentWidget: console }
    } as unknown as ITrackers;
    const target = activeTarget(console as unknown as Widget, trackers)!;
    expect(target.context).toBe('console');
    expect(target.hints()).toMatchObject({ mimeType: 'text/x-ipython' });

    expect(await target.insert(MAGIC, true)).toBe('prompt-not-empty');
    expect(wrapper.model.sharedModel.getSource()).toBe('x = 1');

    wrapper.editor.setCursorPosition({ line: 0, column: 5 });
    expect(await target.insert(SNIPPET, false)).toBe('inserted');
    expect(wrapper.model.sharedModel.getSource()).toBe(`x = 1\n${SNIPPET}`);
    wrapper.dispose();
  });

  it('a file editor inserts at the cursor and reports its MIME type and path', async () => {
    const wrapper = editorWith('');
    const file = {
      content: { editor: wrapper.editor, model: { mimeType: 'text/x-julia' } },
      context: { path: 'work/analysis.jl' }
    } as unknown as IDocumentWidget<FileEditor>;
    const trackers = {
      notebooks: { currentWidget: null },
      editors: { currentWidget: file }
    } as unknown as ITrackers;
    const target = activeTarget(file as unknown as Widget, trackers)!;
    expect(target.context).toBe('editor');
    expect(target.hints()).toEqual({
      mimeType: 'text/x-julia',
      path: 'work/analysis.jl'
    });
    expect(await target.insert('x = read("/s");', false)).toBe('inserted');
    expect(wrapper.model.sharedModel.getSource()).toBe('x = read("/s");');
    wrapper.dispose();
  });
});
