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
        <dt>{trans.__('Printed values in outputs')}</dt>
        <dd data-policy="redactOutputs">
          {policy.redactOutputs
            ? trans.__('replaced by a marker when the notebook is saved')
            : trans.__('saved as printed (masked on screen only)')}
        </dd>
        <dt>{trans.__('Suppression comments')}</dt>
        <dd data-policy="allowInlineSuppression">
          {policy.allowInlineSuppression
            ? trans.__('honoured')
            : trans.__('ignored: a suppressed credential is still reported')}
        </dd>
        <dt>{trans.__('Git credentials (Use for git)')}</dt>
        <dd data-policy="allowGitCredentials">
          {policy.allowGitCredentials
            ? trans.__('allowed: git may read a mounted key when it asks')
            : trans.__('turned off')}
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

export interface IConfigErrorsProps {
  errors: readonly string[];
  trans: TranslationBundle;
}

/**
 * Settings the server refused. It runs on without them, each with its safest
 * value (a save policy it cannot read is `block`); only the administrator can
 * fix them, so the lines are shown as the server wrote them.
 */
export function ConfigErrors(props: IConfigErrorsProps): JSX.Element {
  const { errors, trans } = props;
  return (
    <div
      className="jp-SecretMounts-configErrors"
      data-role="config-errors"
      role="alert"
    >
      <p>
        {trans._n(
          'The server refused %1 secret-mounts setting and uses its safest value instead. Ask your administrator to fix it:',
          'The server refused %1 secret-mounts settings and uses their safest values instead. Ask your administrator to fix them:',
          errors.length
        )}
      </p>
      <ul>
        {errors.map(line => (
          <li key={line}>
            <code>{line}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}
