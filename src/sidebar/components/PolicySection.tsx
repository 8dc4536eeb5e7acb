import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { IServerPolicy, SavePolicy } from '../../mounts/types';

export interface IPolicySectionProps {
  policy: IServerPolicy;
  trans: TranslationBundle;
}

function describeSavePolicy(
  policy: SavePolicy,
  trans: TranslationBundle
): string {
  switch (policy) {
    case 'block':
      return trans.__('block: saving a notebook that holds a credential fails');
    case 'warn':
      return trans.__('warn: saving works, with a warning');
    default:
      return trans.__('off: no check on save');
  }
}

/** The admin's policy, read-only: users see it here but change it nowhere in the browser. */
export function PolicySection(props: IPolicySectionProps): JSX.Element {
  const { policy, trans } = props;
  return (
    <details className="jp-SecretMounts-policy" data-role="policy">
      <summary>{trans.__('Server policy')}</summary>
      <dl>
        <dt>{trans.__('Save check')}</dt>
        <dd data-policy="savePolicy">
          {describeSavePolicy(policy.savePolicy, trans)}
        </dd>
        <dt>{trans.__('Reveal values')}</dt>
        <dd data-policy="allowReveal">
          {policy.allowReveal
            ? trans.__(
                'allowed, for %1 seconds at a time',
                policy.revealSeconds
              )
            : trans.__('not allowed')}
        </dd>
        <dt>{trans.__('Folders searched')}</dt>
        <dd data-policy="roots">
          {policy.roots.length > 0 ? (
            <ul>
              {policy.roots.map(root => (
                <li key={root}>
                  <code>{root}</code>
                </li>
              ))}
            </ul>
          ) : (
            trans.__('none')
          )}
        </dd>
        {policy.excluded.length > 0 && (
          <>
            <dt>{trans.__('Hidden paths')}</dt>
            <dd data-policy="excluded">
              <ul>
                {policy.excluded.map(pattern => (
                  <li key={pattern}>
                    <code>{pattern}</code>
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
      </dl>
      <p className="jp-SecretMounts-note">
        {trans.__(
          'Your administrator sets this policy on the Jupyter server (c.SecretMounts in jupyter_server_config); it cannot be changed from JupyterLab.'
        )}
      </p>
    </details>
  );
}
