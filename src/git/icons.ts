import { LabIcon } from '@jupyterlab/ui-components';

import gitSvg from '../../style/icons/git-key.svg';

/** "Use for git": a branch with a key. */
export const gitIcon = new LabIcon({
  name: 'jupyterlab-secret-mounts:git',
  svgstr: gitSvg
});
