import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Clipboard,
  Dialog,
  ICommandPalette,
  IToolbarWidgetRegistry,
  Notification
} from '@jupyterlab/apputils';
import type { ICellModel } from '@jupyterlab/cells';
import {
  EditorExtensionRegistry,
  IEditorExtensionRegistry
} from '@jupyterlab/codemirror';
import { IEditorTracker } from '@jupyterlab/fileeditor';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import { IDisposable } from '@lumino/disposable';

import { SecretMountsAPIError } from '../api';
import { CommandIDs } from '../commands';
import { gitActionContext, useMountedSecretForUrl } from '../git/actions';
import { IGitCredentialsModel } from '../git/tokens';
import { ISecretMountsModel } from '../mounts/tokens';
import { moveCredential } from '../secrets/move';
import { ISecretCreation } from '../secrets/tokens';
import { renderSnippet, stylesFor } from '../snippets/templates';
import { Language } from '../snippets/languages';
import { LeakChecker } from './checker';
import { FindingsList } from './findingslist';
import { goToFinding } from './gotofinding';
import { INotebookFinding, NotebookGuardModel } from './guardmodel';
import { guardIcon } from './icons';
import { GuardIndicator } from './indicator';
import { guardLintExtension } from './lint';
import { installOutputMasking } from './maskrenderer';
import { createPatternScan } from './patternscan';
import { IQuickFixServices, quickFixesFor } from './quickfixes';
import { GuardRegistry } from './registry';
import { SaveNotices } from './savenotices';
import { readGuardSettings } from './settings';
import { DEFAULT_GUARD_SETTINGS, IGuardSettings } from './types';

/** Opens the findings list of the current notebook. */
export const SHOW_FINDINGS = 'secret-mounts:show-findings';

/**
 * How often open notebooks want the list of mounts checked (a rotation changes what is a
 * leak). About what kubelet takes to show a rotated Secret in the pod anyway.
 */
const GUARD_REFRESH_MS = 60 * 1000;

const PLUGIN_ID = 'jupyterlab-secret-mounts:guard';

/**
 * The notebook guard: live credential warnings in cells, a toolbar count with
 * the findings list, masking of mounted values in outputs, and notifications
 * about the server's save policy.
 */
export const guardPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'Warns about credentials in notebook cells and outputs, masks mounted secret values in outputs.',
  autoStart: true,
  requires: [INotebookTracker, IEditorExtensionRegistry, IRenderMimeRegistry],
  optional: [
    ISecretMountsModel,
    ISettingRegistry,
    ITranslator,
    IToolbarWidgetRegistry,
    ICommandPalette,
    ISecretCreation,
    IGitCredentialsModel,
    IEditorTracker
  ],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    extensions: IEditorExtensionRegistry,
    rendermime: IRenderMimeRegistry,
    mounts: ISecretMountsModel | null,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null,
    toolbarRegistry: IToolbarWidgetRegistry | null,
    palette: ICommandPalette | null,
    creation: ISecretCreation | null,
    git: IGitCredentialsModel | null,
    editors: IEditorTracker | null
  ) => {
    const trans = (translator ?? nullTranslator).load(
      'jupyterlab-secret-mounts'
    );
    let settings: IGuardSettings = { ...DEFAULT_GUARD_SETTINGS };
    // The server decides whether suppression comments count; the live scan agrees with it.
    const suppressionAllowed = (): boolean =>
      mounts?.policy?.allowInlineSuppression !== false;
    let scanSuppresses = suppressionAllowed();
    const buildScan = () =>
      createPatternScan(
        settings,
        pattern =>
          Notification.warning(
            trans.__(
              'The guard allowlist entry %1 is not a valid regular expression; it is ignored.',
              JSON.stringify(pattern)
            ),
            { autoClose: 8000 }
          ),
        scanSuppresses
      );
    let scan = createPatternScan(settings, undefined, scanSuppresses);
    let warnedCheckFailure = false;
    const checker = new LeakChecker({
      onError: error => {
        // Once per session; server messages name no value.
        if (warnedCheckFailure) {
          return;
        }
        warnedCheckFailure = true;
        if (error instanceof SecretMountsAPIError && error.status === 403) {
          Notification.info(
            trans.__(
              'Mounted secret values are not looked for in your notebooks: this server lets only users who may run code ask which values are mounted. Credential patterns are still flagged.'
            ),
            { autoClose: 10000 }
          );
          return;
        }
        console.warn(
          'jupyterlab-secret-mounts: exact-value check unavailable:',
          error instanceof Error ? error.message : String(error)
        );
      }
    });
    const registry = new GuardRegistry();
    const guards = new Map<NotebookPanel, NotebookGuardModel>();
    // Mounts are checked for rotations while a notebook is guarded, not otherwise.
    let watchingMounts: IDisposable | null = null;
    const guardsChanged = (): void => {
      if (guards.size > 0) {
        watchingMounts ??= mounts?.watch(GUARD_REFRESH_MS) ?? null;
      } else {
        watchingMounts?.dispose();
        watchingMounts = null;
      }
    };

    // Outputs: mask mounted values before they are rendered.
    installOutputMasking(rendermime, {
      checker,
      enabled: () => settings.maskOutputs,
      worthChecking: text => Private.worthChecking(mounts, text),
      // Without server redaction, the file keeps what the screen hides: say so.
      mask: () =>
        mounts?.policy?.redactOutputs === false
          ? trans.__('[REDACTED: still in the saved file]')
          : trans.__('[REDACTED]')
    });

    const services: IQuickFixServices = {
      registry,
      trans,
      isBinary: path => mounts?.findKey(path)?.key.binary,
      copySnippet: (mount, key, language) =>
        Private.copySnippet(mounts, mount, key, language, trans),
      useSecretFile: () => Private.explainSecretFiles(app, trans),
      canMoveToSecret: () => creation?.ready === true,
      moveToSecret: found => {
        const notebook = registry.guardFor(found.cell)?.model;
        const panel = tracker.find(p => p.content.model === notebook);
        if (!creation || !notebook || !panel) {
          return;
        }
        void moveCredential(found, {
          creation,
          notebook,
          save: async () => {
            // The file and its checkpoint: no saved copy keeps the value.
            await panel.context.save();
            await panel.context.createCheckpoint();
          },
          trans,
          done: message => Notification.success(message, { autoClose: 10000 }),
          failed: message => Notification.warning(message, { autoClose: false })
        });
      },
      notApplied: message => Notification.warning(message, { autoClose: 5000 }),
      suppressionAllowed,
      useSecretForGit:
        git && mounts
          ? (found, known) =>
              useMountedSecretForUrl(
                gitActionContext(app, git, mounts, trans),
                found,
                known
              )
          : undefined
    };

    // Cell editors: findings as lint warnings with quick fixes.
    extensions.addExtension({
      name: 'jupyterlab-secret-mounts:guard',
      factory: ({ model }) =>
        EditorExtensionRegistry.createImmutableExtension(
          guardLintExtension({
            registry,
            cell: model,
            source: trans.__('Secret Mounts'),
            fixes: (finding, cell) =>
              quickFixesFor(finding, cell as ICellModel, services)
          })
        )
    });

    const startGuard = (panel: NotebookPanel): void => {
      const model = panel.content.model;
      if (
        !settings.enabled ||
        guards.has(panel) ||
        !model ||
        panel.isDisposed
      ) {
        return;
      }
      const guard = new NotebookGuardModel({
        model,
        scan: text => scan(text),
        checker,
        debounce: settings.debounce,
        scanOutputs: settings.scanOutputs,
        trans
      });
      guards.set(panel, guard);
      registry.add(guard);
      guardsChanged();
    };
    const stopGuard = (panel: NotebookPanel): void => {
      guards.get(panel)?.dispose();
      guards.delete(panel);
      guardsChanged();
    };

    const showFindings = async (panel: NotebookPanel): Promise<void> => {
      const guard = guards.get(panel);
      if (!guard) {
        return;
      }
      await guard.flush();
      const body = new FindingsList({
        guard,
        policy: mounts?.policy ?? null,
        fixes: finding => {
          const cell = Private.cellById(guard, finding.cellId);
          return cell ? quickFixesFor(finding, cell, services) : [];
        },
        trans
      });
      const dialog = new Dialog({
        title: trans.__('Credentials in %1', panel.title.label),
        body,
        buttons: [Dialog.cancelButton({ label: trans.__('Close') })]
      });
      dialog.addClass('jp-SecretMounts-guardDialog');
      let target: INotebookFinding | null = null;
      body.selected.connect((_, finding) => {
        target = finding;
        dialog.resolve();
      });
      await dialog.launch();
      body.dispose();
      if (target) {
        await goToFinding(panel, target);
      }
    };

    // What the server's save check found, whoever saved (collaborators included).
    const panelOf = (path: string): NotebookPanel | undefined =>
      tracker.find(panel => panel.context.localPath === path);
    const notices = new SaveNotices({
      events: app.serviceManager.events,
      trans,
      // Text files are checked on save too; their notices have no findings list.
      isOpen: path =>
        !!panelOf(path) ||
        !!editors?.find(editor => editor.context.localPath === path),
      canShowFindings: path => !!panelOf(path),
      showFindings: path => {
        const panel = panelOf(path);
        if (panel) {
          app.shell.activateById(panel.id);
          void showFindings(panel);
        }
      }
    });

    const watchPanel = (panel: NotebookPanel): void => {
      void panel.context.ready.then(() => {
        startGuard(panel);
        void notices.opened(panel.context.localPath);
      });
      panel.disposed.connect(() => {
        stopGuard(panel);
        notices.closed(panel.context.localPath);
      });
    };
    tracker.forEach(watchPanel);
    tracker.widgetAdded.connect((_, panel) => watchPanel(panel));

    toolbarRegistry?.addFactory<NotebookPanel>(
      'Notebook',
      'secret-mounts-guard',
      panel =>
        new GuardIndicator({
          registry,
          notebook: () => panel.content.model,
          onActivate: () => void showFindings(panel),
          trans
        })
    );

    app.commands.addCommand(SHOW_FINDINGS, {
      label: trans.__('Show Credential Findings'),
      caption: trans.__(
        'List the credentials found in the current notebook and go to them'
      ),
      icon: args => (args.isPalette ? undefined : guardIcon),
      isEnabled: () =>
        !!tracker.currentWidget && guards.has(tracker.currentWidget),
      execute: () => {
        const panel = tracker.currentWidget;
        return panel ? showFindings(panel) : undefined;
      }
    });
    palette?.addItem({
      command: SHOW_FINDINGS,
      category: trans.__('Secret Mounts')
    });

    // Settings: rules and allowlist change the pattern engine; the rest is read live.
    const applySettings = (next: IGuardSettings): void => {
      const rescan =
        next.disabledRules.join('\n') !== settings.disabledRules.join('\n') ||
        next.allowlist.join('\n') !== settings.allowlist.join('\n');
      settings = next;
      if (rescan) {
        scan = buildScan();
      }
      tracker.forEach(panel => {
        if (!settings.enabled) {
          stopGuard(panel);
          return;
        }
        startGuard(panel);
        const guard = guards.get(panel);
        if (guard) {
          guard.debounce = settings.debounce;
          guard.scanOutputs = settings.scanOutputs;
          if (rescan) {
            guard.rescanAll();
          }
        }
      });
    };
    settingRegistry
      ?.load(PLUGIN_ID)
      .then(loaded => {
        const apply = () => applySettings(readGuardSettings(loaded.composite));
        apply();
        loaded.changed.connect(apply);
      })
      .catch(reason =>
        console.warn(
          'jupyterlab-secret-mounts: cannot load guard settings',
          reason
        )
      );

    // New or rotated mounts change which texts are leaks: check again.
    let mountsSignature = '';
    mounts?.changed.connect(() => {
      if (suppressionAllowed() !== scanSuppresses) {
        scanSuppresses = suppressionAllowed();
        scan = buildScan();
        guards.forEach(guard => guard.rescanAll());
      }
      const signature = Private.mountsSignature(mounts);
      if (signature !== mountsSignature) {
        const first = mountsSignature === '';
        mountsSignature = signature;
        if (!first) {
          guards.forEach(guard => guard.rescanAll());
        }
      }
    });
  }
};

namespace Private {
  /** Whether a text could hold an indexed value (skips a round trip when it cannot). */
  export function worthChecking(
    mounts: ISecretMountsModel | null,
    text: string
  ): boolean {
    if (mounts?.status === 'ready' && mounts.mounts.length === 0) {
      return false;
    }
    return text.length >= Math.max(1, mounts?.policy?.minMatchLength ?? 1);
  }

  /** Changes when any key of any mount is added, removed or rotated. */
  export function mountsSignature(mounts: ISecretMountsModel): string {
    return mounts.mounts
      .map(
        m =>
          `${m.path}:${m.keys.map(k => `${k.name}=${k.fingerprint}`).join(',')}`
      )
      .join(';');
  }

  export function cellById(
    guard: NotebookGuardModel,
    id: string
  ): ICellModel | null {
    for (const cell of guard.model.cells) {
      if (cell.id === id) {
        return cell;
      }
    }
    return null;
  }

  /** Copy a snippet that reads a mounted key, in the notebook's language. */
  export function copySnippet(
    mounts: ISecretMountsModel | null,
    mount: string,
    key: string,
    language: Language | null,
    trans: TranslationBundle
  ): void {
    const path = `${mount.replace(/\/+$/, '')}/${key}`;
    const ref = mounts?.findKey(path);
    const result = renderSnippet({
      mount: ref?.mount ?? {
        path: mount,
        name: mount.split('/').pop() ?? mount
      },
      key: ref?.key ?? { name: key, path, binary: false, json: false },
      style: stylesFor(language ?? 'python', 'notebook')[0]
    });
    if (!result.ok) {
      Notification.warning(
        trans.__('No file-read snippet can be written for %1 here.', path),
        { autoClose: 5000 }
      );
      return;
    }
    Clipboard.copyToSystem(result.code);
    Notification.success(
      trans.__(
        'Copied code that reads %1 into the variable %2. Paste it into a cell and use the variable instead of the value.',
        path,
        result.variable
      ),
      { autoClose: 8000 }
    );
  }

  /** Guidance for a credential that is not (yet) a mounted secret. */
  export function explainSecretFiles(
    app: JupyterFrontEnd,
    trans: TranslationBundle
  ): void {
    const canInsert = app.commands.hasCommand(CommandIDs.insertReference);
    Notification.info(
      trans.__(
        'Keep this credential in a Kubernetes Secret mounted into the workspace, and read it from its file instead of writing it in the notebook.'
      ),
      {
        autoClose: false,
        actions: canInsert
          ? [
              {
                label: trans.__('Insert secret reference…'),
                callback: () =>
                  void app.commands.execute(CommandIDs.insertReference)
              }
            ]
          : []
      }
    );
  }
}
