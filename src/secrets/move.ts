import type { ICellModel, ICodeCellModel } from '@jupyterlab/cells';
import type * as nbformat from '@jupyterlab/nbformat';
import type { INotebookModel } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';

import { IMoved } from '../mounts/types';
import { IRange } from '../notebook/mask';
import { replaceWithReference } from '../notebook/rewrites';
import { Language } from '../snippets/languages';
import { askAndMove } from './dialog';
import { suggestNames } from './names';
import { ISecretCreation } from './tokens';

/** A credential found in a cell's source, to move into a Secret. */
export interface IFoundCredential {
  cell: ICellModel;
  /** Where it is in the cell source now. */
  range: IRange;
  language: Language;
  ruleId: string;
  /** Redacted preview (never the whole value). */
  preview: string;
}

/** What moving needs from the application. */
export interface IMoveServices {
  creation: ISecretCreation;
  notebook: INotebookModel;
  /** Save the notebook and replace its checkpoint, so no saved copy keeps the value. */
  save(): Promise<void>;
  trans: TranslationBundle;
  done(message: string): void;
  failed(message: string): void;
}

/**
 * "Move to a Kubernetes Secret": ask for names, let the server create and mount the Secret,
 * then replace the literal with code reading the file, take the value out of every output
 * that printed it, and save. Until the server says it is done the literal stays as it was.
 */
export async function moveCredential(
  found: IFoundCredential,
  services: IMoveServices
): Promise<boolean> {
  const { cell, range, language } = found;
  const { trans } = services;
  const source = cell.sharedModel.getSource();
  const value = source.slice(range.start, range.end);
  const moved = await askAndMove({
    creation: services.creation,
    names: suggestNames(source, range.start, found.ruleId),
    source: { kind: 'found', preview: found.preview, length: value.length },
    // Read again on confirm: the author may have typed meanwhile.
    value: () => {
      const now = cell.sharedModel.getSource();
      return now.slice(range.start, range.end) === value ? value : null;
    },
    trans
  });
  if (!moved) {
    return false;
  }
  const path = moved.path;
  const now = cell.sharedModel.getSource();
  const edit =
    now.slice(range.start, range.end) === value
      ? replaceWithReference(now, range, language, path)
      : null;
  if (!edit) {
    services.failed(
      trans.__(
        'Secret %1 was created, but the cell changed: replace the credential with code reading %2 yourself.',
        moved.secretName,
        path
      )
    );
    return false;
  }
  cell.sharedModel.updateSource(edit.from, edit.to, edit.insert);
  const marker = trans.__('<moved to %1>', path);
  scrubOutputs(services.notebook, value, marker);
  await services.save();
  services.done(doneMessage(moved, path, trans));
  return true;
}

export function doneMessage(
  moved: IMoved,
  path: string,
  trans: TranslationBundle
): string {
  switch (moved.appears) {
    case 'restart':
      return trans.__(
        'Moved to Secret %1 (key %2, namespace %3). The cell now reads %4, which appears when the workspace restarts.',
        moved.secretName,
        moved.key,
        moved.namespace,
        path
      );
    case 'sync':
      return trans.__(
        'Added key %2 to Secret %1. The cell now reads %3, which appears within about a minute.',
        moved.secretName,
        moved.key,
        path
      );
    default:
      return trans.__(
        'Moved to Secret %1 (key %2, namespace %3). The cell now reads %4 once an administrator mounts it there.',
        moved.secretName,
        moved.key,
        moved.namespace,
        path
      );
  }
}

/** Replace `value` in every string of a JSON value (output data, stream text, tracebacks). */
function replaced(json: unknown, value: string, marker: string): unknown {
  if (typeof json === 'string') {
    return json.split(value).join(marker);
  }
  if (Array.isArray(json)) {
    return json.map(item => replaced(item, value, marker));
  }
  if (json && typeof json === 'object') {
    return Object.fromEntries(
      Object.entries(json).map(([key, item]) => [
        key,
        replaced(item, value, marker)
      ])
    );
  }
  return json;
}

/** Take the value out of every output of the notebook that printed it. */
export function scrubOutputs(
  notebook: INotebookModel,
  value: string,
  marker: string
): number {
  let changed = 0;
  for (const cell of notebook.cells) {
    if (cell.type !== 'code') {
      continue;
    }
    const outputs = (cell as ICodeCellModel).outputs;
    for (let index = 0; index < outputs.length; index++) {
      const json = outputs.get(index).toJSON();
      if (JSON.stringify(json).includes(JSON.stringify(value).slice(1, -1))) {
        outputs.set(index, replaced(json, value, marker) as nbformat.IOutput);
        changed++;
      }
    }
  }
  return changed;
}
