import { Notification } from '@jupyterlab/apputils';
import type { Event } from '@jupyterlab/services';
import { TranslationBundle } from '@jupyterlab/translation';
import { IDisposable } from '@lumino/disposable';

import { requestAPI } from '../api';
import { SavePolicy } from '../mounts/types';

/** The server's save-check event (jupyterlab_secret_mounts/guard/events.py). */
export const SAVE_CHECK_EVENT =
  'https://events.jupyter.org/jupyterlab_secret_mounts/save_check/v1';

/**
 * What the server's pre-save check made of a save: `warned` saved it with findings,
 * `blocked` refused it, `marked` saved it with markers in place of the findings
 * (a collaborative document under `block`).
 */
export type SaveOutcome = 'clean' | 'warned' | 'blocked' | 'marked';

/** One save-check event: places and rule or key names, never a value. */
export interface ISaveCheck {
  path: string;
  policy: SavePolicy;
  outcome: SaveOutcome;
  /** One sentence naming the places, from the server. */
  message: string;
  /** When the check ran (seconds since the epoch). */
  checked: number;
}

/**
 * `GET /secret-mounts/findings?path=`: what the server's pre-save check found
 * in the last save of a file (places and rule/key names, never a value).
 */
export interface ISaveReport {
  path: string;
  policy: SavePolicy;
  /** When the check ran (seconds since the epoch); null when the file was never checked. */
  checked: number | null;
  blocked: boolean;
  /** Saved with markers in place of the findings (a collaborative save under `block`). */
  marked?: boolean;
  /** One sentence naming the places, from the server. */
  message: string;
  /** At most 1,000 findings are kept; `total` counts them all. */
  findings: unknown[];
  total?: number;
  /**
   * False when the check could not complete (out of time, a secret folder
   * unreadable): under `warn` the save then went through incompletely checked.
   */
  complete?: boolean;
}

/** Fetch the report of the last save of a file. */
export function fetchSaveReport(path: string): Promise<ISaveReport> {
  return requestAPI<ISaveReport>(`findings?path=${encodeURIComponent(path)}`);
}

/** The outcome a stored report stands for. */
export function outcomeOf(report: ISaveReport): SaveOutcome {
  if (report.blocked) {
    return 'blocked';
  }
  if (report.marked) {
    return 'marked';
  }
  const incomplete = report.complete === false;
  return report.findings.length > 0 || incomplete ? 'warned' : 'clean';
}

/**
 * Tells the user what the server's save check found, on every page that has
 * the file open, whoever or whatever saved it: a collaborative document is saved
 * by the collaboration server itself, so no page gets an answer to its own save.
 *
 * The server emits a save-check event for each save with findings and for the
 * first clean one after them. Each open file with findings gets one notification
 * that stays until a clean save (or until the user closes it; it comes back when
 * the findings change), with a "Show findings" action.
 */
export class SaveNotices implements IDisposable {
  constructor(options: SaveNotices.IOptions) {
    this._options = options;
    options.events.stream.connect(this._onEvent, this);
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * A file was opened here: show the outcome of its last save, if it had
   * findings (a collaborator who joins later learns what the others were told).
   */
  async opened(path: string): Promise<void> {
    const fetchReport = this._options.fetchReport ?? fetchSaveReport;
    let report: ISaveReport;
    try {
      report = await fetchReport(path);
    } catch {
      return; // No server guard (older server): nothing to say.
    }
    const known = this._shown.get(path);
    if (report.checked === null || (known && known.checked >= report.checked)) {
      return;
    }
    this._show({
      path,
      policy: report.policy,
      outcome: outcomeOf(report),
      message: report.message,
      checked: report.checked
    });
  }

  /** A file was closed here: its notification goes too. */
  closed(path: string): void {
    const shown = this._shown.get(path);
    if (shown) {
      Notification.dismiss(shown.id);
      this._shown.delete(path);
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._options.events.stream.disconnect(this._onEvent, this);
  }

  private _onEvent(_: Event.IManager, emission: Event.Emission): void {
    if (emission.schema_id !== SAVE_CHECK_EVENT) {
      return;
    }
    const check = Private.asSaveCheck(emission);
    if (check && this._options.isOpen(check.path)) {
      this._show(check);
    }
  }

  private _show(check: ISaveCheck): void {
    const { trans } = this._options;
    const known = this._shown.get(check.path);
    if (known && known.checked > check.checked) {
      return; // An older save (events and fetched reports can cross).
    }
    if (check.outcome === 'clean') {
      this.closed(check.path);
      return;
    }
    if (known && known.message === check.message) {
      // Same findings again (a collaborative document saves every second):
      // still shown, or closed by the user. Either way, nothing new to say.
      known.checked = check.checked;
      return;
    }
    if (known) {
      Notification.dismiss(known.id);
    }
    const actions: Notification.IAction[] = this._options.canShowFindings(
      check.path
    )
      ? [
          {
            label: trans.__('Show findings'),
            caption: trans.__('List the credentials found in this notebook'),
            callback: () => this._options.showFindings(check.path)
          }
        ]
      : [];
    const id = Notification.emit(
      check.message,
      check.outcome === 'blocked' ? 'error' : 'warning',
      { autoClose: false, actions }
    );
    this._shown.set(check.path, {
      id,
      message: check.message,
      checked: check.checked
    });
  }

  private _isDisposed = false;
  private _options: SaveNotices.IOptions;
  private _shown = new Map<
    string,
    { id: string; message: string; checked: number }
  >();
}

export namespace SaveNotices {
  export interface IOptions {
    /** The server's event bus (`serviceManager.events`). */
    events: Event.IManager;
    trans: TranslationBundle;
    /** Whether a file (server path) is open on this page. */
    isOpen: (path: string) => boolean;
    /** Whether the findings list can be shown for a file (notebooks only). */
    canShowFindings: (path: string) => boolean;
    /** Show the findings list of a file. */
    showFindings: (path: string) => void;
    /** How to get the last report (replaceable in tests). */
    fetchReport?: (path: string) => Promise<ISaveReport>;
  }
}

namespace Private {
  const OUTCOMES: readonly string[] = ['clean', 'warned', 'blocked', 'marked'];

  /** The event's data, if it has the shape the server sends. */
  export function asSaveCheck(emission: Event.Emission): ISaveCheck | null {
    const { path, policy, outcome, message, checked } = emission;
    if (
      typeof path !== 'string' ||
      (policy !== 'warn' && policy !== 'block') ||
      typeof outcome !== 'string' ||
      !OUTCOMES.includes(outcome) ||
      typeof message !== 'string' ||
      typeof checked !== 'number'
    ) {
      return null;
    }
    return { path, policy, outcome: outcome as SaveOutcome, message, checked };
  }
}
