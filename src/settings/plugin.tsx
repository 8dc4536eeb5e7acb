/**
 * Registers our fields with the Settings Editor's form (as core's extensions register theirs):
 * snippet templates as multi-line text, the guard's rule and pattern lists one per line.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { IFormRendererRegistry } from '@jupyterlab/ui-components';
import React from 'react';

import { guardPlugin } from '../notebook/plugin';
import { snippetsPlugin } from '../snippets/plugin';
import { LinesField, TemplatesField } from './fields';

export const settingsFormPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-secret-mounts:settings-form',
  description:
    'Settings Editor fields for snippet templates and the guard’s lists.',
  autoStart: true,
  requires: [IFormRendererRegistry],
  optional: [ITranslator],
  activate: (
    app: JupyterFrontEnd,
    forms: IFormRendererRegistry,
    translator: ITranslator | null
  ) => {
    const trans = (translator ?? nullTranslator).load(
      'jupyterlab-secret-mounts'
    );
    forms.addRenderer(`${snippetsPlugin.id}.templates`, {
      fieldRenderer: props => <TemplatesField {...props} trans={trans} />
    });
    forms.addRenderer(`${guardPlugin.id}.disabledRules`, {
      fieldRenderer: props => (
        <LinesField {...props} placeholder={trans.__('One rule id per line')} />
      )
    });
    forms.addRenderer(`${guardPlugin.id}.allowlist`, {
      fieldRenderer: props => (
        <LinesField
          {...props}
          placeholder={trans.__('One regular expression per line')}
        />
      )
    });
  }
};
