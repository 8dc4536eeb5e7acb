import type { ICellModel, ICodeCellModel } from '@jupyterlab/cells';
import type { INotebookModel } from '@jupyterlab/notebook';
import type { IObservableString } from '@jupyterlab/observables';
import type { IOutputAreaModel } from '@jupyterlab/outputarea';
import type { IOutputModel } from '@jupyterlab/rendermime';
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { ILeakMatch } from '../mounts/types';
import { outputTexts } from '../scanner';
import { ICheckText, ILeakChecker } from './checker';
import { remapRange } from './remap';
import {
  FindingLocation,
  ICellFindings,
  IGuardFinding,
  IPatternFinding,
  MOUNTED_VALUE_RULE,
  PatternScan
} from './types';

/** A finding together with the index of its cell, in notebook order. */
export interface INotebookFinding extends IGuardFinding {
  cellIndex: number;
}

/** What the guard knows about one cell. */
interface ICellState {
  cell: ICellModel;
  /** Source text the source findings refer to. */
  source: string;
  sourcePatterns: IGuardFinding[];
  sourceExact: IGuardFinding[];
  outputPatterns: IGuardFinding[];
  outputExact: IGuardFinding[];
  sourceDirty: boolean;
  outputsDirty: boolean;
  /** Bumped on every change, so late server answers for old text are dropped. */
  sourceVersion: number;
  outputsVersion: number;
  /** Cached merge of the four lists above. */
  merged: IGuardFinding[] | null;
}

/**
 * Live findings of one notebook: watches the notebook model (not the editors,
 * which are windowed), rescans only the cells whose source or outputs changed,
 * after a quiet period, with the pattern engine and the server's exact-value
 * check. State and signals only; no UI.
 */
export class NotebookGuardModel implements IDisposable {
  constructor(options: NotebookGuardModel.IOptions) {
    this._model = options.model;
    this._scan = options.scan;
    this._checker = options.checker;
    this._debounce = options.debounce ?? 300;
    this._outputsEnabled = options.scanOutputs ?? true;
    this._trans =
      options.trans ?? nullTranslator.load('jupyterlab-secret-mounts');
    this._model.cells.changed.connect(this._syncCells, this);
    this._syncCells();
  }

  /** Emitted after findings changed (any cell). */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Emitted with the cell whose findings changed. */
  get cellChanged(): ISignal<this, ICellModel> {
    return this._cellChanged;
  }

  /** Emitted once, when the guard is disposed. */
  get disposed(): ISignal<this, void> {
    return this._disposed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** The notebook model watched. */
  get model(): INotebookModel {
    return this._model;
  }

  /** All findings in notebook order (cell order, then source before outputs). */
  get findings(): INotebookFinding[] {
    const all: INotebookFinding[] = [];
    let cellIndex = 0;
    for (const cell of this._model.cells) {
      const state = this._cells.get(cell);
      if (state) {
        for (const finding of this._merged(state)) {
          all.push({ ...finding, cellIndex });
        }
      }
      cellIndex++;
    }
    return all;
  }

  /** Number of findings, without building the list. */
  get count(): number {
    let count = 0;
    for (const state of this._cells.values()) {
      count += this._merged(state).length;
    }
    return count;
  }

  /** Whether a scan is scheduled or a server check is in flight. */
  get pending(): boolean {
    return this._timer !== null || this._inFlight > 0;
  }

  /** Findings of one cell, or null when the cell is not part of this notebook. */
  cellFindings(cell: ICellModel): ICellFindings | null {
    const state = this._cells.get(cell);
    if (!state) {
      return null;
    }
    return { source: state.source, findings: this._merged(state) };
  }

  /** Whether this guard watches the given cell model. */
  hasCell(cell: unknown): boolean {
    return this._cells.has(cell as ICellModel);
  }

  /** Change the quiet period (ms) before a rescan. */
  set debounce(value: number) {
    this._debounce = Math.max(0, value);
  }

  /** Turn output scanning on or off; rescans outputs. */
  set scanOutputs(value: boolean) {
    if (value === this._outputsEnabled) {
      return;
    }
    this._outputsEnabled = value;
    for (const state of this._cells.values()) {
      this._markDirty(state, false, true);
    }
  }

  /** Rescan everything (after a settings change or when mounts changed). */
  rescanAll(): void {
    for (const state of this._cells.values()) {
      this._markDirty(state, true, true);
    }
  }

  /**
   * Scan now instead of waiting for the quiet period; resolves once the
   * server has answered (or failed).
   */
  async flush(): Promise<void> {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
    await this._scanDirty();
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._disposed.emit();
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
    for (const cell of this._cells.keys()) {
      cell.sharedModel.changed.disconnect(this._onSourceChanged, this);
    }
    this._cells.clear();
    this._sourceOwners.clear();
    Signal.disconnectReceiver(this);
    Signal.clearData(this);
  }

  /** Follow cells added to or removed from the notebook. */
  private _syncCells(): void {
    const present = new Set<ICellModel>();
    for (const cell of this._model.cells) {
      present.add(cell);
      if (!this._cells.has(cell)) {
        this._watchCell(cell);
      }
    }
    let removed = false;
    for (const [cell] of this._cells) {
      if (!present.has(cell)) {
        this._cells.delete(cell);
        this._sourceOwners.delete(cell.sharedModel);
        cell.sharedModel.changed.disconnect(this._onSourceChanged, this);
        removed = true;
      }
    }
    if (removed) {
      this._changed.emit();
    }
  }

  private _watchCell(cell: ICellModel): void {
    const state: ICellState = {
      cell,
      source: '',
      sourcePatterns: [],
      sourceExact: [],
      outputPatterns: [],
      outputExact: [],
      sourceDirty: false,
      outputsDirty: false,
      sourceVersion: 0,
      outputsVersion: 0,
      merged: null
    };
    this._cells.set(cell, state);
    this._sourceOwners.set(cell.sharedModel, state);
    cell.sharedModel.changed.connect(this._onSourceChanged, this);
    const outputs = Private.outputsOf(cell);
    if (outputs) {
      this._outputOwners.set(outputs, state);
      outputs.changed.connect(this._onOutputsChanged, this);
      for (let i = 0; i < outputs.length; i++) {
        this._watchStream(outputs.get(i), state);
      }
    }
    this._markDirty(state, true, true);
  }

  /** Stream outputs grow in place (chunks are merged) without an outputs change. */
  private _watchStream(output: IOutputModel, state: ICellState): void {
    const text = output.streamText;
    if (text && !this._streamOwners.has(text)) {
      this._streamOwners.set(text, state);
      text.changed.connect(this._onStreamChanged, this);
    }
  }

  private _onSourceChanged(
    sender: ICellModel['sharedModel'],
    change: { sourceChange?: unknown }
  ): void {
    const state = this._sourceOwners.get(sender);
    if (change.sourceChange && state) {
      this._markDirty(state, true, false);
    }
  }

  private _onOutputsChanged(
    sender: IOutputAreaModel,
    args: IOutputAreaModel.ChangedArgs
  ): void {
    const state = this._outputOwners.get(sender);
    if (!state || !this._cells.has(state.cell)) {
      return;
    }
    for (const output of args.newValues ?? []) {
      this._watchStream(output, state);
    }
    this._markDirty(state, false, true);
  }

  private _onStreamChanged(sender: IObservableString): void {
    const state = this._streamOwners.get(sender);
    if (state && this._cells.get(state.cell) === state) {
      this._markDirty(state, false, true);
    }
  }

  private _markDirty(state: ICellState, source: boolean, outputs: boolean) {
    if (source) {
      state.sourceDirty = true;
      state.sourceVersion++;
    }
    if (outputs) {
      state.outputsDirty = true;
      state.outputsVersion++;
    }
    this._dirty.add(state);
    this._schedule();
  }

  /**
   * Scan after a quiet period; but a notebook that never goes quiet (a loop
   * printing every few milliseconds) is still scanned every `MAX_WAIT` ms.
   */
  private _schedule(): void {
    if (this._isDisposed) {
      return;
    }
    const now = Date.now();
    if (this._timer !== null) {
      clearTimeout(this._timer);
    } else {
      this._pendingSince = now;
    }
    const overdue = this._pendingSince + Private.MAX_WAIT - now;
    this._timer = setTimeout(
      () => {
        this._timer = null;
        void this._scanDirty();
      },
      Math.max(0, Math.min(this._debounce, overdue))
    );
  }

  /** Pattern-scan the dirty cells at once, then ask the server about them in one request. */
  private async _scanDirty(): Promise<void> {
    const dirty = [...this._dirty].filter(s => this._cells.get(s.cell) === s);
    this._dirty.clear();
    if (dirty.length === 0 || this._isDisposed) {
      return;
    }
    const texts: ICheckText[] = [];
    const jobs: Private.ICheckJob[] = [];
    for (const state of dirty) {
      if (state.sourceDirty) {
        state.sourceDirty = false;
        const job = this._scanSource(state);
        texts.push({ id: job.id, text: job.text });
        jobs.push(job);
      }
      if (state.outputsDirty) {
        state.outputsDirty = false;
        for (const job of this._scanOutputTexts(state)) {
          texts.push({ id: job.id, text: job.text });
          jobs.push(job);
        }
      }
      state.merged = null;
      this._cellChanged.emit(state.cell);
    }
    this._changed.emit();

    if (texts.length === 0) {
      return;
    }
    this._inFlight++;
    let matches: ILeakMatch[] = [];
    try {
      matches = await this._checker.check(texts);
    } finally {
      this._inFlight--;
    }
    if (this._isDisposed) {
      return;
    }
    this._applyMatches(jobs, matches);
  }

  private _scanSource(state: ICellState): Private.ICheckJob {
    const before = state.source;
    const text = state.cell.sharedModel.getSource();
    state.source = text;
    const location: FindingLocation = { kind: 'source' };
    state.sourcePatterns = this._patternFindings(state, text, location);
    // Keep known exact matches where the text around them did not change.
    state.sourceExact = state.sourceExact.flatMap(finding => {
      const range = remapRange(before, text, finding);
      return range
        ? [{ ...finding, ...range, ...Private.lineColumn(text, range.start) }]
        : [];
    });
    return {
      id: `${state.cell.id}\u0000source`,
      text,
      state,
      location,
      version: state.sourceVersion
    };
  }

  private _scanOutputTexts(state: ICellState): Private.ICheckJob[] {
    state.outputPatterns = [];
    state.outputExact = [];
    const outputs = Private.outputsOf(state.cell);
    if (!outputs || !this._outputsEnabled) {
      return [];
    }
    // The texts of the notebook-text contract (src/scanner/notebook.ts).
    const json: unknown[] = [];
    for (let index = 0; index < outputs.length; index++) {
      json.push(outputs.get(index).toJSON());
    }
    return outputTexts(json).map(({ part, outputIndex, mimeType, text }) => {
      const index = outputIndex ?? 0;
      const location: FindingLocation = { kind: 'output', index, mimeType };
      state.outputPatterns.push(
        ...this._patternFindings(state, text, location)
      );
      return {
        id: `${state.cell.id}\u0000${part}\u0000${index}\u0000${mimeType ?? ''}`,
        text,
        state,
        location,
        version: state.outputsVersion
      };
    });
  }

  private _patternFindings(
    state: ICellState,
    text: string,
    location: FindingLocation
  ): IGuardFinding[] {
    let found: IPatternFinding[];
    try {
      found = this._scan(text);
    } catch (error) {
      // A broken rule or allowlist must not stop the guard; say so without the text.
      console.warn('secret-mounts guard: pattern scan failed', error);
      found = [];
    }
    return found.map(f => ({
      cellId: state.cell.id,
      location,
      start: f.start,
      end: f.end,
      line: f.line,
      column: f.column,
      ruleId: f.ruleId,
      message: f.message,
      preview: f.preview
    }));
  }

  private _applyMatches(jobs: Private.ICheckJob[], matches: ILeakMatch[]) {
    const byId = new Map<string, ILeakMatch[]>();
    for (const match of matches) {
      const list = byId.get(match.id) ?? [];
      list.push(match);
      byId.set(match.id, list);
    }
    const touched = new Set<ICellState>();
    for (const job of jobs) {
      const { state, location } = job;
      const isSource = location.kind === 'source';
      const current = isSource ? state.sourceVersion : state.outputsVersion;
      if (this._cells.get(state.cell) !== state || current !== job.version) {
        continue; // The cell changed again: a newer scan is already scheduled.
      }
      const exact = (byId.get(job.id) ?? []).map(match =>
        this._exactFinding(state, job.text, location, match)
      );
      if (isSource) {
        state.sourceExact = exact;
      } else {
        state.outputExact.push(...exact);
      }
      touched.add(state);
    }
    for (const state of touched) {
      state.merged = null;
      this._cellChanged.emit(state.cell);
    }
    if (touched.size > 0) {
      this._changed.emit();
    }
  }

  private _exactFinding(
    state: ICellState,
    text: string,
    location: FindingLocation,
    match: ILeakMatch
  ): IGuardFinding {
    // Folder name and key, as the panel and the server's messages name them.
    const folder =
      match.mount.replace(/\/+$/, '').split('/').pop() || match.mount;
    const where = `${folder}/${match.key}`;
    const message =
      match.encoding === 'base64'
        ? this._trans.__('Base64 form of the mounted secret %1', where)
        : match.encoding === 'url'
          ? this._trans.__('URL-encoded form of the mounted secret %1', where)
          : this._trans.__('Value of the mounted secret %1', where);
    return {
      cellId: state.cell.id,
      location,
      start: match.start,
      end: match.end,
      ...Private.lineColumn(text, match.start),
      ruleId: MOUNTED_VALUE_RULE,
      message,
      preview: where,
      secret: { mount: match.mount, key: match.key, encoding: match.encoding }
    };
  }

  /**
   * One list per cell: source findings first, then outputs; a pattern finding
   * that overlaps a mounted value is dropped (the mounted value says more and
   * offers the fix). Several renderings of one output count once.
   */
  private _merged(state: ICellState): IGuardFinding[] {
    if (state.merged) {
      return state.merged;
    }
    const source = [
      ...state.sourceExact,
      ...state.sourcePatterns.filter(
        p => !Private.overlapsAny(p, state.sourceExact)
      )
    ].sort((a, b) => a.start - b.start);
    const outputs: IGuardFinding[] = [];
    const seen = new Set<string>();
    for (const finding of [
      ...state.outputExact,
      ...state.outputPatterns.filter(
        p =>
          !Private.overlapsAny(
            p,
            state.outputExact.filter(e => Private.sameLocation(e, p))
          )
      )
    ]) {
      const index =
        finding.location.kind === 'output' ? finding.location.index : -1;
      const key = `${index}\u0000${finding.ruleId}\u0000${finding.preview}`;
      if (!seen.has(key)) {
        seen.add(key);
        outputs.push(finding);
      }
    }
    outputs.sort((a, b) => Private.outputIndex(a) - Private.outputIndex(b));
    state.merged = [...source, ...outputs];
    return state.merged;
  }

  private _model: INotebookModel;
  private _scan: PatternScan;
  private _checker: ILeakChecker;
  private _debounce: number;
  private _outputsEnabled: boolean;
  private _sourceOwners = new Map<ICellModel['sharedModel'], ICellState>();
  private _trans: TranslationBundle;
  private _cells = new Map<ICellModel, ICellState>();
  private _outputOwners = new WeakMap<IOutputAreaModel, ICellState>();
  private _streamOwners = new WeakMap<IObservableString, ICellState>();
  private _dirty = new Set<ICellState>();
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _pendingSince = 0;
  private _inFlight = 0;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
  private _cellChanged = new Signal<this, ICellModel>(this);
  private _disposed = new Signal<this, void>(this);
}

export namespace NotebookGuardModel {
  export interface IOptions {
    model: INotebookModel;
    /** The pattern engine, configured with the user's rules and allowlist. */
    scan: PatternScan;
    /** Exact-value checks on the server. */
    checker: ILeakChecker;
    /** Quiet period in ms after the last change before a rescan (default 300). */
    debounce?: number;
    /** Whether outputs are scanned (default true). */
    scanOutputs?: boolean;
    trans?: TranslationBundle;
  }
}

namespace Private {
  /** Longest time (ms) changes may keep postponing a scan. */
  export const MAX_WAIT = 2000;

  /** One text sent to the server, and where its answer belongs. */
  export interface ICheckJob {
    id: string;
    text: string;
    state: ICellState;
    location: FindingLocation;
    version: number;
  }

  export function outputsOf(cell: ICellModel): IOutputAreaModel | null {
    return cell.type === 'code' ? (cell as ICodeCellModel).outputs : null;
  }

  /** 1-based line and column of an offset. */
  export function lineColumn(
    text: string,
    offset: number
  ): { line: number; column: number } {
    let line = 1;
    let lineStart = 0;
    for (
      let i = text.indexOf('\n');
      i >= 0 && i < offset;
      i = text.indexOf('\n', i + 1)
    ) {
      line++;
      lineStart = i + 1;
    }
    return { line, column: offset - lineStart + 1 };
  }

  export function overlapsAny(
    finding: IGuardFinding,
    others: readonly IGuardFinding[]
  ): boolean {
    return others.some(o => finding.start < o.end && o.start < finding.end);
  }

  export function sameLocation(a: IGuardFinding, b: IGuardFinding): boolean {
    return (
      a.location.kind === 'output' &&
      b.location.kind === 'output' &&
      a.location.index === b.location.index &&
      a.location.mimeType === b.location.mimeType
    );
  }

  export function outputIndex(finding: IGuardFinding): number {
    return finding.location.kind === 'output' ? finding.location.index : -1;
  }
}
