import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { CommandIDs } from '../commands';
import { ISecretMountsModel } from '../mounts/tokens';
import { askAndMove } from './dialog';
import { SecretCreationModel } from './model';
import { ISecretCreation } from './tokens';

/**
 * Creating Kubernetes Secrets from the workspace (server policy
 * `c.SecretMounts.allow_create_secrets`): the server's status, and "Add secret".
 */
export const secretsPlugin: JupyterFrontEndPlugin<ISecretCreation> = {
  id: 'jupyterlab-secret-mounts:create-secrets',
  description:
    'Moves credentials into Kubernetes Secrets created and mounted by the server.',
  autoStart: true,
  provides: ISecretCreation,
  requires: [ISecretMountsModel],
  optional: [ITranslator, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    mounts: ISecretMountsModel,
    translator: ITranslator | null,
    palette: ICommandPalette | null
  ): ISecretCreation => {
    const trans = (translator ?? nullTranslator).load(
      'jupyterlab-secret-mounts'
    );
    const creation = new SecretCreationModel(app.serviceManager.serverSettings);
    // Asked once the policy allows it (no request otherwise), and again if the policy changes.
    let allowed = false;
    const update = () => {
      const now = mounts.policy?.allowCreateSecrets === true;
      if (now !== allowed) {
        allowed = now;
        void creation.refresh();
      }
    };
    mounts.changed.connect(update);
    update();

    app.commands.addCommand(CommandIDs.addSecret, {
      label: trans.__('Add Kubernetes Secret…'),
      caption: trans.__(
        'Create a Kubernetes Secret from a value and mount it in this workspace'
      ),
      isEnabled: () => creation.ready,
      execute: async () => {
        const moved = await askAndMove({
          creation,
          names: { secretName: '', key: 'token' },
          source: { kind: 'typed' },
          value: () => null,
          trans
        });
        if (moved) {
          await mounts.refresh();
          Notification.success(
            trans.__(
              'Created Secret %1 (key %2, namespace %3). Code can read %4 once it is mounted; the panel shows it as pending until then.',
              moved.secretName,
              moved.key,
              moved.namespace,
              moved.path
            ),
            { autoClose: 10000 }
          );
        }
      }
    });
    palette?.addItem({
      command: CommandIDs.addSecret,
      category: trans.__('Secret Mounts')
    });
    creation.changed.connect(() =>
      app.commands.notifyCommandChanged(CommandIDs.addSecret)
    );
    return creation;
  }
};
