import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { gitPlugin } from './git/plugin';
import { mountsPlugin } from './mounts/plugin';
import { guardPlugin } from './notebook/plugin';
import { secretsPlugin } from './secrets/plugin';
import { settingsFormPlugin } from './settings/plugin';
import { panelPlugin } from './sidebar/plugin';
import { snippetsPlugin } from './snippets/plugin';

/** The extension's plugins; each is defined in its feature folder. */
const plugins: JupyterFrontEndPlugin<unknown>[] = [
  mountsPlugin,
  secretsPlugin,
  gitPlugin,
  panelPlugin,
  snippetsPlugin,
  guardPlugin,
  settingsFormPlugin
];

export default plugins;
