import type { INotebookModel } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { NotebookGuardModel } from './guardmodel';
import { guardIcon } from './icons';
import { GuardRegistry } from './registry';

/**
 * A notebook toolbar button showing how many credentials the guard found in
 * the notebook; neutral when none, hidden when the guard is off. Activating it
 * opens the findings list.
 */
export class GuardIndicator extends Widget {
  constructor(options: GuardIndicator.IOptions) {
    super({ node: document.createElement('button') });
    this._registry = options.registry;
    this._notebook = options.notebook;
    this._trans = options.trans;
    this.addClass('jp-SecretMounts-guardIndicator');
    this.addClass('jp-ToolbarButtonComponent');
    const button = this.node as HTMLButtonElement;
    button.type = 'button';
    guardIcon.element({
      container: button.appendChild(document.createElement('span')),
      className: 'jp-SecretMounts-guardIcon',
      tag: 'span'
    });
    this._count = button.appendChild(document.createElement('span'));
    this._count.className = 'jp-SecretMounts-guardCount';
    button.addEventListener('click', () => options.onActivate());
    this._registry.guardsChanged.connect(this._bind, this);
    this._bind();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    Signal.disconnectReceiver(this);
    super.dispose();
  }

  /** Follow the guard of this notebook (there is none while the guard is off or loading). */
  private _bind(): void {
    const model = this._notebook();
    const guard = model
      ? (this._registry.guards.find(g => g.model === model) ?? null)
      : null;
    if (guard !== this._guard) {
      this._guard?.changed.disconnect(this._update, this);
      this._guard = guard;
      guard?.changed.connect(this._update, this);
    }
    this._update();
  }

  private _update(): void {
    const guard = this._guard;
    const count = guard && !guard.isDisposed ? guard.count : 0;
    this.setHidden(!guard || guard.isDisposed);
    this.toggleClass('jp-mod-warning', count > 0);
    this.toggleClass('jp-mod-clean', count === 0);
    this._count.textContent = count > 0 ? String(count) : '';
    const label =
      count > 0
        ? this._trans._n(
            '%1 possible credential in this notebook: show the list',
            '%1 possible credentials in this notebook: show the list',
            count
          )
        : this._trans.__('No credentials found in this notebook');
    this.node.title = label;
    this.node.setAttribute('aria-label', label);
  }

  private _registry: GuardRegistry;
  private _notebook: () => INotebookModel | null;
  private _trans: TranslationBundle;
  private _guard: NotebookGuardModel | null = null;
  private _count: HTMLElement;
}

export namespace GuardIndicator {
  export interface IOptions {
    registry: GuardRegistry;
    /** The notebook model this indicator belongs to (null until loaded). */
    notebook: () => INotebookModel | null;
    onActivate: () => void;
    trans: TranslationBundle;
  }
}
