import type { ICellModel } from '@jupyterlab/cells';
import { ISignal, Signal } from '@lumino/signaling';

import { NotebookGuardModel } from './guardmodel';
import { ICellFindings } from './types';

/**
 * The guards of the open notebooks, looked up by cell model. Editor extensions
 * only know the model of their editor; this finds the findings that belong to it.
 */
export class GuardRegistry {
  /** Emitted with a cell whose findings changed, in any notebook. */
  get cellChanged(): ISignal<this, ICellModel> {
    return this._cellChanged;
  }

  /** Emitted when a guard is added or removed. */
  get guardsChanged(): ISignal<this, void> {
    return this._guardsChanged;
  }

  get guards(): readonly NotebookGuardModel[] {
    return [...this._guards];
  }

  /** Follow a guard until it is disposed. */
  add(guard: NotebookGuardModel): void {
    if (this._guards.has(guard)) {
      return;
    }
    this._guards.add(guard);
    guard.cellChanged.connect(this._forward, this);
    guard.disposed.connect(this._remove, this);
    this._guardsChanged.emit();
  }

  /** Stop following a guard (it stays usable). */
  remove(guard: NotebookGuardModel): void {
    this._remove(guard);
  }

  /** The guard watching a cell model, if any. */
  guardFor(cell: unknown): NotebookGuardModel | null {
    for (const guard of this._guards) {
      if (!guard.isDisposed && guard.hasCell(cell)) {
        return guard;
      }
    }
    return null;
  }

  /** The findings of a cell model (an editor's model in a notebook), if watched. */
  findingsFor(cell: unknown): ICellFindings | null {
    return this.guardFor(cell)?.cellFindings(cell as ICellModel) ?? null;
  }

  private _remove(guard: NotebookGuardModel): void {
    if (this._guards.delete(guard)) {
      guard.cellChanged.disconnect(this._forward, this);
      guard.disposed.disconnect(this._remove, this);
      this._guardsChanged.emit();
    }
  }

  private _forward(_: NotebookGuardModel, cell: ICellModel): void {
    this._cellChanged.emit(cell);
  }

  private _guards = new Set<NotebookGuardModel>();
  private _cellChanged = new Signal<this, ICellModel>(this);
  private _guardsChanged = new Signal<this, void>(this);
}
