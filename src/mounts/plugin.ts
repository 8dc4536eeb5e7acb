import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { FRONTEND_VERSION } from '../version';
import { SecretMountsModel } from './model';
import { ISecretMountsModel } from './tokens';
import { versionMismatchMessage } from './versioncheck';

/** Keeps the mounted secret folders and the server policy up to date; checks versions. */
export const mountsPlugin: JupyterFrontEndPlugin<ISecretMountsModel> = {
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
      ?.load(mountsPlugin.id)
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
