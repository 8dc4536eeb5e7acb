import { TranslationBundle } from '@jupyterlab/translation';
import { closeIcon } from '@jupyterlab/ui-components';
import React from 'react';

import { displayHost } from '../../git/hosts';
import { IGitCredential } from '../../git/types';
import { ActionButton } from './ActionButton';

export interface IGitSectionProps {
  credentials: readonly IGitCredential[];
  /** Why git's config could not be read. */
  error: string | null;
  /** Stop git reading the key for this credential's host. */
  onForget: (credential: IGitCredential) => void;
  trans: TranslationBundle;
}

/** Which key git reads for which host, with a way to undo each. */
export function GitSection(props: IGitSectionProps): JSX.Element | null {
  const { credentials, error, trans } = props;
  if (credentials.length === 0 && !error) {
    return null;
  }
  return (
    <section className="jp-SecretMounts-git" data-role="git-credentials">
      <h3 className="jp-SecretMounts-sectionTitle">
        {trans.__('Used by git')}
      </h3>
      {error && (
        <p className="jp-SecretMounts-errorText" role="alert">
          {error}
        </p>
      )}
      <ul>
        {credentials.map(credential => (
          <GitCredentialRow
            key={credential.url}
            credential={credential}
            onForget={props.onForget}
            trans={trans}
          />
        ))}
      </ul>
    </section>
  );
}

function GitCredentialRow(props: {
  credential: IGitCredential;
  onForget: (credential: IGitCredential) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { credential, trans } = props;
  const host = displayHost(credential.url);
  const path = `${credential.mount.replace(/\/+$/, '')}/${credential.key}`;
  return (
    <li
      className="jp-SecretMounts-gitCredential"
      data-url={credential.url}
      data-status={credential.status}
    >
      <div className="jp-SecretMounts-keyHeader">
        <span className="jp-SecretMounts-keyName">{host}</span>
        <span className="jp-SecretMounts-actions">
          <ActionButton
            action="forget-git"
            icon={closeIcon}
            label={trans.__('Stop using %1 for git on %2', path, host)}
            onClick={() => props.onForget(credential)}
          />
        </span>
      </div>
      <div className="jp-SecretMounts-keyMeta">
        {trans.__('reads %1 as %2', path, credential.username)}
      </div>
      {credential.status === 'missing' && (
        <div className="jp-SecretMounts-errorText" data-role="git-missing">
          {trans.__(
            'This key is not mounted now: git will fail to sign in to %1.',
            host
          )}
        </div>
      )}
      {credential.status === 'overridden' && (
        <div className="jp-SecretMounts-errorText" data-role="git-overridden">
          {trans.__(
            'A later empty credential.helper line in your git config makes git skip this; choose Use for git again to put it last.'
          )}
        </div>
      )}
      {credential.alsoGivenTo.length > 0 && (
        <div className="jp-SecretMounts-errorText" data-role="git-also">
          {trans.__(
            'Git also hands this token to %1 after it worked, which may save it in a file. Remove that helper from your git config, or choose Use for git again to put this one last.',
            credential.alsoGivenTo.join(', ')
          )}
        </div>
      )}
    </li>
  );
}
