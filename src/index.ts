import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';

import { FRONTEND_VERSION } from './version';

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-secret-mounts:plugin',
  description: 'Keep credentials out of notebooks.',
  autoStart: true,
  activate: (app: JupyterFrontEnd) => {
    console.log(`jupyterlab-secret-mounts ${FRONTEND_VERSION} activated`);
  }
};

export default plugin;
