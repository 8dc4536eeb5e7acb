/**
 * Commands that insert code reading a mounted secret file: "Insert secret reference" (picker)
 * and `insert-key` (one key, used by the panel).
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { IConsoleTracker } from '@jupyterlab/console';
import { IEditorTracker } from '@jupyterlab/fileeditor';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { CommandIDs } from '../commands';
import { IKeyRef, ISecretMountsModel } from '../mounts/tokens';
import { keyRefs, refLabel } from './filter';
import { activeTarget, IInsertTarget, ITrackers } from './insert';
import { detectLanguage, Language } from './languages';
import { pickSecretKey, styleLabel } from './picker';
import {
  DEFAULT_TEMPLATES,
  mergeTemplates,
  renderSnippet,
  SnippetStyle,
  STYLES,
  stylesFor,
  TemplateSet
} from './templates';

/** Settings of `schema/snippets.json`. */
interface ISnippetSettings {
  templates: TemplateSet;
  pythonStyle: SnippetStyle;
}

/** A target and the styles it can take, first the default. */
interface IPrepared {
  target: IInsertTarget;
  styles: SnippetStyle[];
}

export const snippetsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-secret-mounts:snippets',
  description:
    'Insert code that reads a mounted secret file, in the language of the kernel.',
  autoStart: true,
  requires: [ISecretMountsModel, INotebookTracker],
  optional: [
    IConsoleTracker,
    IEditorTracker,
    ICommandPalette,
    ISettingRegistry,
    ITranslator
  ],
  activate: (
    app: JupyterFrontEnd,
    model: ISecretMountsModel,
    notebooks: INotebookTracker,
    consoles: IConsoleTracker | null,
    editors: IEditorTracker | null,
    palette: ICommandPalette | null,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null
  ) => {
    const trans = (translator ?? nullTranslator).load(
      'jupyterlab-secret-mounts'
    );
    const trackers: ITrackers = { notebooks, consoles, editors };
    const settings: ISnippetSettings = {
      templates: DEFAULT_TEMPLATES,
      pythonStyle: 'python'
    };
    if (settingRegistry) {
      settingRegistry
        .load(snippetsPlugin.id)
        .then(loaded => {
          const update = () => {
            settings.templates = mergeTemplates(loaded.composite.templates);
            const style = loaded.composite.pythonStyle;
            settings.pythonStyle =
              typeof style === 'string' && style in STYLES
                ? (style as SnippetStyle)
                : 'python';
          };
          update();
          loaded.changed.connect(update);
        })
        .catch(reason => {
          console.warn('jupyterlab-secret-mounts: snippet settings', reason);
        });
    }

    /** The active document and its styles, or null after telling the user why not. */
    const prepare = (): IPrepared | null => {
      const target = activeTarget(app.shell.currentWidget, trackers);
      if (!target) {
        Notification.warning(
          trans.__(
            'Open a notebook, console or file editor to insert a secret reference.'
          ),
          { autoClose: 5000 }
        );
        return null;
      }
      const detection = detectLanguage(target.hints());
      if (detection.kind === 'unsupported') {
        Notification.warning(
          trans.__(
            'No secret reference template for "%1". Templates exist for Python, R, Julia and Bash.',
            detection.name
          ),
          { autoClose: 8000 }
        );
        return null;
      }
      // Nothing to go on (no kernel, no metadata): Python is the likeliest.
      const language: Language =
        detection.kind === 'supported' ? detection.language : 'python';
      return {
        target,
        styles: preferFirst(
          stylesFor(language, target.context),
          settings.pythonStyle
        )
      };
    };

    /** Readable keys, or null after telling the user why there are none. */
    const availableRefs = async (): Promise<IKeyRef[] | null> => {
      if (model.status !== 'ready') {
        try {
          await model.refresh();
        } catch {
          // The model reports the failure through `status` and `error`.
        }
      }
      if (model.status === 'error') {
        Notification.error(
          trans.__(
            'Could not list the mounted secrets: %1',
            model.error ?? trans.__('unknown error')
          ),
          { autoClose: 8000 }
        );
        return null;
      }
      const refs = keyRefs(model.mounts);
      if (refs.length === 0) {
        Notification.info(
          trans.__(
            'No mounted secret keys were found. Secrets mounted as folders of files (for example under /secrets) are listed in the Secret Mounts panel.'
          ),
          { autoClose: 8000 }
        );
        return null;
      }
      return refs;
    };

    const insert = async (
      target: IInsertTarget,
      ref: IKeyRef,
      style: SnippetStyle
    ): Promise<void> => {
      if (target.widget.isDisposed) {
        return;
      }
      const result = renderSnippet({
        mount: ref.mount,
        key: ref.key,
        style,
        templates: settings.templates
      });
      if (!result.ok) {
        Notification.warning(
          snippetProblem(result.reason, result.kind, style, ref, trans),
          { autoClose: 8000 }
        );
        return;
      }
      const outcome = await target.insert(result.code, result.cellMagic);
      if (outcome === 'prompt-not-empty') {
        Notification.warning(
          trans.__(
            'A %1 snippet must start the cell: clear the console prompt first.',
            styleLabel(style, trans)
          ),
          { autoClose: 5000 }
        );
      } else if (outcome === 'unavailable') {
        Notification.warning(
          trans.__('This document cannot be edited right now.'),
          { autoClose: 5000 }
        );
      }
    };

    app.commands.addCommand(CommandIDs.insertReference, {
      label: trans.__('Insert secret reference'),
      caption: trans.__(
        'Insert code that reads a mounted secret file, in the language of the kernel'
      ),
      execute: async () => {
        const prepared = prepare();
        const refs = prepared ? await availableRefs() : null;
        if (!prepared || !refs) {
          return;
        }
        const picked = await pickSecretKey({
          refs,
          styles: prepared.styles,
          trans
        });
        if (picked) {
          await insert(prepared.target, picked.ref, picked.style);
        }
      }
    });

    app.commands.addCommand(CommandIDs.insertKey, {
      label: args => {
        const ref =
          typeof args.path === 'string' ? model.findKey(args.path) : undefined;
        return ref
          ? trans.__('Insert reference to %1', refLabel(ref))
          : trans.__('Insert reference');
      },
      caption: trans.__(
        'Insert code that reads this secret file at the cursor (or in a new cell)'
      ),
      describedBy: {
        args: {
          type: 'object',
          properties: {
            path: {
              type: 'string',
              description: trans.__('Absolute path of the secret key file')
            },
            style: {
              type: 'string',
              enum: Object.keys(STYLES),
              description: trans.__('Snippet style (default: from settings)')
            }
          },
          required: ['path']
        }
      },
      execute: async (args: ReadonlyPartialJSONObject) => {
        const path = typeof args.path === 'string' ? args.path : '';
        const ref = path ? model.findKey(path) : undefined;
        if (!ref) {
          Notification.warning(
            trans.__(
              'The secret key "%1" is not mounted (any more). Refresh the Secret Mounts panel.',
              path
            ),
            { autoClose: 5000 }
          );
          return;
        }
        const prepared = prepare();
        if (!prepared) {
          return;
        }
        const asked = args.style as SnippetStyle | undefined;
        const style =
          asked && prepared.styles.includes(asked) ? asked : prepared.styles[0];
        await insert(prepared.target, ref, style);
      }
    });

    palette?.addItem({
      command: CommandIDs.insertReference,
      category: trans.__('Secret Mounts')
    });
  }
};

/** `styles` with `preferred` first when it is one of them. */
function preferFirst(
  styles: SnippetStyle[],
  preferred: SnippetStyle
): SnippetStyle[] {
  return styles.includes(preferred)
    ? [preferred, ...styles.filter(style => style !== preferred)]
    : styles;
}

/** A user-facing explanation of why a snippet could not be written. */
function snippetProblem(
  reason: 'no-template' | 'unsafe-path' | 'unrepresentable',
  kind: 'text' | 'binary' | 'json',
  style: SnippetStyle,
  ref: IKeyRef,
  trans: TranslationBundle
): string {
  const label = refLabel(ref);
  switch (reason) {
    case 'no-template':
      return kind === 'binary'
        ? trans.__(
            'No %1 template for binary keys such as %2. Choose another style in the picker, or ask your admin to add one.',
            styleLabel(style, trans),
            label
          )
        : trans.__(
            'No %1 template is configured (Settings → Secret Mounts snippets).',
            styleLabel(style, trans)
          );
    case 'unsafe-path':
      return trans.__(
        'The path of %1 holds "$" or "\'", which an IPython shell command cannot quote reliably. Choose the Python style instead.',
        label
      );
    case 'unrepresentable':
      return trans.__(
        'The path of %1 is not valid Unicode text and cannot be written as a string literal.',
        label
      );
  }
}
