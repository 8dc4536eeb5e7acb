import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { mountsPlugin } from './mounts/plugin';
import { guardPlugin } from './notebook/plugin';
import { panelPlugin } from './sidebar/plugin';
import { snippetsPlugin } from './snippets/plugin';

/** The extension's plugins; each is defined in its feature folder. */
const plugins: JupyterFrontEndPlugin<unknown>[] = [
  mountsPlugin,
  panelPlugin,
  snippetsPlugin,
  guardPlugin
];

export default plugins;
