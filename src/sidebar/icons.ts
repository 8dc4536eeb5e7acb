import { LabIcon } from '@jupyterlab/ui-components';

import eyeOffSvg from '../../style/icons/eye-off.svg';
import eyeSvg from '../../style/icons/eye.svg';
import secretMountsSvg from '../../style/icons/secret-mounts.svg';

/** The panel's tab icon: a folder with a key. */
export const secretMountsIcon = new LabIcon({
  name: 'jupyterlab-secret-mounts:panel',
  svgstr: secretMountsSvg
});

export const revealIcon = new LabIcon({
  name: 'jupyterlab-secret-mounts:reveal',
  svgstr: eyeSvg
});

export const hideIcon = new LabIcon({
  name: 'jupyterlab-secret-mounts:hide',
  svgstr: eyeOffSvg
});
