import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { CommandIDs } from '../commands';
import { ISecretMountsModel } from '../mounts/tokens';
import { gitActionContext, useForGit } from './actions';
import { gitIcon } from './icons';
import { GitCredentialsModel } from './model';
import { IGitCredentialsModel } from './tokens';

/** Use for git: the model of which key git reads for which host, and its command. */
export const gitPlugin: JupyterFrontEndPlugin<IGitCredentialsModel> = {
  id: 'jupyterlab-secret-mounts:git',
  description:
    'Lets git read a mounted secret key as its password for a host, through a credential helper.',
  autoStart: true,
  provides: IGitCredentialsModel,
  requires: [ISecretMountsModel],
  optional: [ICommandPalette, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    mounts: ISecretMountsModel,
    palette: ICommandPalette | null,
    translator: ITranslator | null
  ): IGitCredentialsModel => {
    const trans = (translator ?? nullTranslator).load(
      'jupyterlab-secret-mounts'
    );
    const model = new GitCredentialsModel({
      serverSettings: app.serviceManager.serverSettings
    });
    void model.refresh();
    // A key that appears or goes away changes whether git can read it.
    mounts.changed.connect(() => void model.refresh());
    model.changed.connect(() =>
      app.commands.notifyCommandChanged(CommandIDs.useForGit)
    );

    app.commands.addCommand(CommandIDs.useForGit, {
      label: trans.__('Use a Mounted Secret for Git…'),
      caption: trans.__(
        'Let git read a mounted key as its password for a host, without copying the value'
      ),
      icon: args => (args.isPalette ? undefined : gitIcon),
      isEnabled: () => model.allowed,
      execute: args =>
        useForGit(gitActionContext(app, model, mounts, trans), {
          path: typeof args.path === 'string' ? args.path : undefined
        })
    });
    palette?.addItem({
      command: CommandIDs.useForGit,
      category: trans.__('Secret Mounts')
    });
    return model;
  }
};
