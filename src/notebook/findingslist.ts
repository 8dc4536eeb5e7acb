import { TranslationBundle } from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { IServerPolicy } from '../mounts/types';
import { INotebookFinding, NotebookGuardModel } from './guardmodel';
import { IQuickFix } from './lint';
import { MOUNTED_VALUE_RULE } from './types';

/**
 * The list of a notebook's findings (the body of the findings dialog): cell,
 * place, rule and redacted preview, with quick fixes; selecting a row asks to
 * jump to it. Also states the server's save policy, read-only. Plain buttons,
 * so everything works from the keyboard.
 */
export class FindingsList extends Widget {
  constructor(options: FindingsList.IOptions) {
    super();
    this._guard = options.guard;
    this._policy = options.policy;
    this._fixes = options.fixes;
    this._trans = options.trans;
    this.addClass('jp-SecretMounts-guardList');
    this._guard.changed.connect(this._render, this);
    this._render();
  }

  /** Emitted with the finding the user chose to go to. */
  get selected(): ISignal<this, INotebookFinding> {
    return this._selected;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    Signal.disconnectReceiver(this);
    Signal.clearData(this);
    super.dispose();
  }

  private _render(): void {
    const trans = this._trans;
    const node = this.node;
    node.replaceChildren();

    const policy = node.appendChild(document.createElement('p'));
    policy.className = 'jp-SecretMounts-guardPolicy';
    policy.textContent = policyText(this._policy?.savePolicy ?? null, trans);

    const findings = this._guard.findings;
    if (findings.length === 0) {
      const empty = node.appendChild(document.createElement('p'));
      empty.className = 'jp-SecretMounts-guardEmpty';
      empty.textContent = this._guard.pending
        ? trans.__('Checking…')
        : trans.__('No credentials found in this notebook.');
      return;
    }

    const table = node.appendChild(document.createElement('table'));
    table.className = 'jp-SecretMounts-guardTable';
    const head = table.createTHead().insertRow();
    for (const title of [
      trans.__('Where'),
      trans.__('What'),
      trans.__('Preview'),
      trans.__('Fix')
    ]) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = title;
      head.appendChild(th);
    }
    const body = table.createTBody();
    for (const finding of findings) {
      const row = body.insertRow();
      row.className = 'jp-SecretMounts-guardItem';
      row.dataset.cellIndex = String(finding.cellIndex);

      const jump = document.createElement('button');
      jump.type = 'button';
      jump.className = 'jp-SecretMounts-guardJump jp-mod-styled';
      jump.textContent = placeText(finding, trans);
      jump.title = trans.__('Go to this finding');
      jump.addEventListener('click', () => this._selected.emit(finding));
      row.insertCell().appendChild(jump);

      const what = row.insertCell();
      what.className = 'jp-SecretMounts-guardRule';
      what.textContent = finding.message;
      what.title =
        finding.ruleId === MOUNTED_VALUE_RULE
          ? trans.__('Equals the value of a mounted secret')
          : finding.ruleId;

      const preview = row
        .insertCell()
        .appendChild(document.createElement('code'));
      preview.className = 'jp-SecretMounts-guardPreview';
      preview.textContent = finding.preview;
      if (finding.secret) {
        preview.title = `${finding.secret.mount.replace(/\/+$/, '')}/${finding.secret.key}`;
      }

      const fixes = row.insertCell();
      for (const fix of this._fixes(finding)) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'jp-SecretMounts-guardFix jp-mod-styled';
        button.textContent = fix.label;
        button.addEventListener('click', () => fix.apply());
        fixes.appendChild(button);
      }
    }
  }

  private _guard: NotebookGuardModel;
  private _policy: IServerPolicy | null;
  private _fixes: (finding: INotebookFinding) => IQuickFix[];
  private _trans: TranslationBundle;
  private _selected = new Signal<this, INotebookFinding>(this);
}

export namespace FindingsList {
  export interface IOptions {
    guard: NotebookGuardModel;
    /** The server's policy (read-only here); null while unknown. */
    policy: IServerPolicy | null;
    fixes: (finding: INotebookFinding) => IQuickFix[];
    trans: TranslationBundle;
  }
}

/** "Cell 3, line 2" or "Cell 3, output 1" (1-based, as users count). */
export function placeText(
  finding: INotebookFinding,
  trans: TranslationBundle
): string {
  const cell = finding.cellIndex + 1;
  return finding.location.kind === 'source'
    ? trans.__('Cell %1, line %2', cell, finding.line)
    : trans.__('Cell %1, output %2', cell, finding.location.index + 1);
}

/** The server's save policy in words, stating who sets it. */
export function policyText(
  policy: IServerPolicy['savePolicy'] | null,
  trans: TranslationBundle
): string {
  switch (policy) {
    case 'block':
      return trans.__(
        'Save policy (set by your administrator): block. A notebook holding a credential cannot be saved.'
      );
    case 'warn':
      return trans.__(
        'Save policy (set by your administrator): warn. Notebooks holding credentials are saved with a warning.'
      );
    case 'off':
      return trans.__(
        'Save policy (set by your administrator): off. Saves are not checked.'
      );
    default:
      return trans.__('Save policy: unknown (the server has not answered).');
  }
}
