import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { CommandIDs } from '../commands';
import { IGitCredentialsModel } from '../git/tokens';
import { revealValue } from '../mounts/reveal';
import { ISecretMountsModel } from '../mounts/tokens';
import { ISecretCreation } from '../secrets/tokens';
import { secretMountsIcon } from './icons';
import { PANEL_ID, SecretMountsPanel } from './panel';

/** The "Secret Mounts" sidebar panel and its commands. */
export const panelPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-secret-mounts:panel',
  description:
    'A sidebar listing mounted secret folders and keys, values masked.',
  autoStart: true,
  requires: [ISecretMountsModel],
  optional: [
    ILayoutRestorer,
    ICommandPalette,
    ITranslator,
    ISettingRegistry,
    ISecretCreation,
    IGitCredentialsModel,
    ILabShell
  ],
  activate: (
    app: JupyterFrontEnd,
    model: ISecretMountsModel,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null,
    settingRegistry: ISettingRegistry | null,
    creation: ISecretCreation | null,
    git: IGitCredentialsModel | null,
    labShell: ILabShell | null
  ) => {
    const trans = (translator ?? nullTranslator).load(
      'jupyterlab-secret-mounts'
    );
    const panel = new SecretMountsPanel({
      model,
      git,
      commands: app.commands,
      translator: translator ?? nullTranslator,
      creation,
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
    // Jupyter Notebook 7 lists "Show <panel>" in its palette for every side panel itself;
    // only JupyterLab's shell needs ours (else Notebook 7 shows it twice).
    if (labShell) {
      palette?.addItem({ command: CommandIDs.openPanel, category });
    }
    palette?.addItem({ command: CommandIDs.refresh, category });
  }
};
