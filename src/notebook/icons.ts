import { LabIcon } from '@jupyterlab/ui-components';

import guardShieldSvg from '../../style/icons/guard-shield.svg';

/** The notebook guard's indicator: a shield with an exclamation mark. */
export const guardIcon = new LabIcon({
  name: 'jupyterlab-secret-mounts:guard',
  svgstr: guardShieldSvg
});
