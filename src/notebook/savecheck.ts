import { Notification } from '@jupyterlab/apputils';
import type { DocumentRegistry } from '@jupyterlab/docregistry';
import { TranslationBundle } from '@jupyterlab/translation';

import { requestAPI } from '../api';
import { SavePolicy } from '../mounts/types';

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

/** What the save watcher needs. */
export interface ISaveWatchOptions {
  trans: TranslationBundle;
  /** The server's save policy, if known. */
  policy: () => SavePolicy | null;
  /** Open the findings list of the notebook that was saved. */
  showFindings: () => void;
  /** How to get the last report (replaceable in tests). */
  fetchReport?: (path: string) => Promise<ISaveReport>;
}

/**
 * Tell the user what the server's save check found. With `warn`, a save that
 * went through with findings raises a warning notification (once per distinct
 * result, so autosave does not repeat it). With `block`, JupyterLab already
 * shows the server's refusal in its save-error dialog; a notification with a
 * "Show findings" action is added so the user can get to the cells in one step.
 */
export function watchSaves(
  context: DocumentRegistry.IContext<DocumentRegistry.IModel>,
  options: ISaveWatchOptions
): void {
  const { trans } = options;
  const fetchReport = options.fetchReport ?? fetchSaveReport;
  let lastShown = '';
  // The `checked` time of the last report seen: an unchanged one is not about this save.
  let lastChecked: number | null = null;
  let notificationId: string | null = null;

  const show = (
    type: 'warning' | 'error',
    message: string,
    autoClose: number | false
  ) => {
    if (notificationId) {
      Notification.dismiss(notificationId);
    }
    notificationId = Notification.emit(message, type, {
      autoClose,
      actions: [
        {
          label: trans.__('Show findings'),
          caption: trans.__('List the credentials found in this notebook'),
          callback: () => options.showFindings()
        }
      ]
    });
  };

  context.saveState.connect(async (_, state) => {
    if (state !== 'completed' && state !== 'failed') {
      return;
    }
    const policy = options.policy();
    if (policy === 'off') {
      return;
    }
    let report: ISaveReport;
    try {
      report = await fetchReport(context.path);
    } catch {
      return; // No server guard (older server): nothing to say.
    }
    const fresh = report.checked !== null && report.checked !== lastChecked;
    lastChecked = report.checked;
    if (!fresh) {
      return;
    }
    if (state === 'failed') {
      if (report.blocked) {
        lastShown = '';
        show('error', report.message, false);
      }
      return;
    }
    const incomplete = report.complete === false;
    if (report.blocked || (report.findings.length === 0 && !incomplete)) {
      lastShown = '';
      if (notificationId) {
        Notification.dismiss(notificationId);
        notificationId = null;
      }
      return;
    }
    if (report.message !== lastShown) {
      lastShown = report.message;
      show('warning', report.message, 10000);
    }
  });
}
