import { CodeCell, MarkdownCell } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';

import { INotebookFinding } from './guardmodel';

/**
 * Bring a finding into view: activate and scroll to its cell (the notebook is
 * windowed, so the cell may not be rendered yet), then select the range in the
 * editor, or scroll to the output.
 */
export async function goToFinding(
  panel: NotebookPanel,
  finding: INotebookFinding
): Promise<void> {
  const notebook = panel.content;
  const cell = notebook.widgets[finding.cellIndex];
  if (!cell || cell.model.id !== finding.cellId) {
    return; // the notebook changed since the list was drawn
  }
  notebook.deselectAll();
  await notebook.scrollToCell(cell, 'center');
  notebook.activeCellIndex = finding.cellIndex;

  if (finding.location.kind === 'output') {
    notebook.mode = 'command';
    if (cell instanceof CodeCell) {
      cell.outputHidden = false;
      const output = cell.outputArea.widgets[finding.location.index];
      output?.node.scrollIntoView({ block: 'nearest' });
    }
    cell.node.focus();
    return;
  }

  cell.inputHidden = false;
  if (cell instanceof MarkdownCell) {
    cell.rendered = false;
  }
  await cell.ready;
  const editor = cell.editor;
  if (!editor) {
    return;
  }
  notebook.mode = 'edit';
  const length = editor.model.sharedModel.getSource().length;
  const start = editor.getPositionAt(Math.min(finding.start, length));
  const end = editor.getPositionAt(Math.min(finding.end, length));
  if (start && end) {
    editor.setSelection({ start, end });
    editor.revealSelection({ start, end });
  }
  editor.focus();
}
