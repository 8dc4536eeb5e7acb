import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { SecretMountsModel } from './mounts/model';
import { revealValue } from './mounts/reveal';
import { versionMismatchMessage } from './mounts/versioncheck';
import { guardPlugin } from './notebook/plugin';
import { secretMountsIcon } from './sidebar/icons';
import { settingsFormPlugin } from './settings/plugin';
import { PANEL_ID, SecretMountsPanel } from './sidebar/panel';
import { snippetsPlugin } from './snippets/plugin';
import { CommandIDs, ISecretMountsModel } from './tokens';
import { FRONTEND_VERSION } from './version';

/** Keeps the mounted secret folders and the server policy up to date; checks versions. */
const modelPlugin: JupyterFrontEndPlugin<ISecretMountsModel> = {
  id: 'jupyterlab-secret-mounts:model',
  description: 'The mounted secret folders and the server policy.',
  autoStart: true,
  provides: ISecretMountsModel,
  optional: [ITranslator, ISettingRegistry],
  activate: (
    app: JupyterFrontEnd,
    translator: ITranslator | null,
    settingRegistry: ISettingRegistry | null
  ): ISecretMountsModel => {
    const trans = (translator ?? nullTranslator).load(
      'jupyterlab-secret-mounts'
    );
    const model = new SecretMountsModel({
      serverSettings: app.serviceManager.serverSettings,
      translator: translator ?? nullTranslator
    });

    settingRegistry
      ?.load(modelPlugin.id)
      .then(settings => {
        const apply = () => {
          model.pollInterval = settings.composite.pollInterval as number;
        };
        apply();
        settings.changed.connect(apply);
      })
      .catch(reason =>
        console.warn('jupyterlab-secret-mounts: cannot load settings', reason)
      );

    void model.ready.then(() => {
      const message = versionMismatchMessage(
        FRONTEND_VERSION,
        model.serverVersion ?? '',
        trans
      );
      if (message) {
        Notification.warning(message, { autoClose: false });
      }
    });
    return model;
  }
};

/** The "Secret Mounts" sidebar panel and its commands. */
const panelPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-secret-mounts:panel',
  description:
    'A sidebar listing mounted secret folders and keys, values masked.',
  autoStart: true,
  requires: [ISecretMountsModel],
  optional: [ILayoutRestorer, ICommandPalette, ITranslator, ISettingRegistry],
  activate: (
    app: JupyterFrontEnd,
    model: ISecretMountsModel,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null,
    settingRegistry: ISettingRegistry | null
  ) => {
    const trans = (translator ?? nullTranslator).load(
      'jupyterlab-secret-mounts'
    );
    const panel = new SecretMountsPanel({
      model,
      commands: app.commands,
      translator: translator ?? nullTranslator,
      reveal: (mount, key) =>
        revealValue(
          { path: mount.path, key: key.name },
          app.serviceManager.serverSettings
        )
    });
    app.shell.add(panel, 'left', { rank: 650, type: 'Secret Mounts' });
    restorer?.add(panel, PANEL_ID);

    settingRegistry
      ?.load(panelPlugin.id)
      .then(settings => {
        const apply = () => {
          panel.adminGuideUrl = settings.composite.adminGuideUrl as string;
        };
        apply();
        settings.changed.connect(apply);
      })
      .catch(reason =>
        console.warn('jupyterlab-secret-mounts: cannot load settings', reason)
      );

    app.commands.addCommand(CommandIDs.openPanel, {
      label: trans.__('Show Secret Mounts'),
      caption: trans.__('Open the panel listing mounted secret folders'),
      icon: args => (args.isPalette ? undefined : secretMountsIcon),
      execute: () => app.shell.activateById(panel.id)
    });
    app.commands.addCommand(CommandIDs.refresh, {
      label: trans.__('Reload Secret Mounts'),
      caption: trans.__('Reload the list of mounted secret folders'),
      execute: () => model.refresh()
    });

    const category = trans.__('Secret Mounts');
    palette?.addItem({ command: CommandIDs.openPanel, category });
    palette?.addItem({ command: CommandIDs.refresh, category });
  }
};

// Other parts append their plugins here.
export default [
  modelPlugin,
  panelPlugin,
  snippetsPlugin,
  guardPlugin,
  settingsFormPlugin
];
