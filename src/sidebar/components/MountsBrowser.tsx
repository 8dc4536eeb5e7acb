import { TranslationBundle } from '@jupyterlab/translation';
import { filterIcon } from '@jupyterlab/ui-components';
import React, { useId, useState } from 'react';

import { ISecretMount, IServerPolicy } from '../../mounts/types';
import { MountsStatus } from '../../mounts/tokens';
import { filterMounts } from '../format';
import { IKeyActions } from './actions';
import { EmptyState } from './EmptyState';
import { FolderItem } from './FolderItem';
import { GitSection, IGitSectionProps } from './GitSection';
import { ConfigErrors, PolicySection } from './PolicySection';

export interface IMountsBrowserProps {
  status: MountsStatus;
  error: string | null;
  mounts: readonly ISecretMount[];
  warnings: readonly string[];
  policy: IServerPolicy | null;
  actions: IKeyActions;
  /** Where the empty state links for instructions ('' names the file instead). */
  adminGuideUrl: string;
  onRetry: () => void;
  /** Which key git reads for which host (absent without Use for git). */
  git?: Omit<IGitSectionProps, 'trans'>;
  trans: TranslationBundle;
}

/** The panel's body: filter, states, folders with their keys, and the server policy. */
export function MountsBrowser(props: IMountsBrowserProps): JSX.Element {
  const { status, mounts, policy, trans } = props;
  const [query, setQuery] = useState('');
  const filterId = useId();

  // Reveal exists only where the server allows it: no policy, no control.
  const actions: IKeyActions = {
    ...props.actions,
    reveal: policy?.allowReveal ? props.actions.reveal : undefined
  };
  const revealSeconds = policy?.revealSeconds ?? 0;
  const visible = filterMounts(mounts, query);
  const hasData = mounts.length > 0;

  return (
    <div className="jp-SecretMounts-browser" data-status={status}>
      <div className="jp-SecretMounts-filter">
        <label htmlFor={filterId} className="jp-SecretMounts-srOnly">
          {trans.__('Filter by folder or key name')}
        </label>
        <filterIcon.react tag="span" className="jp-SecretMounts-filterIcon" />
        <input
          id={filterId}
          type="search"
          className="jp-mod-styled"
          // Short enough for the narrowest sidebar; the label says it in full.
          placeholder={trans.__('Filter by name')}
          title={trans.__('Filter by folder or key name')}
          value={query}
          onChange={event => setQuery(event.target.value)}
        />
      </div>

      {status === 'loading' && !hasData && (
        <div
          className="jp-SecretMounts-loading"
          data-role="loading"
          role="status"
        >
          <span className="jp-SecretMounts-spinner" aria-hidden="true" />
          {trans.__('Loading secret mounts…')}
        </div>
      )}

      {status === 'error' && (
        <div className="jp-SecretMounts-error" data-role="error" role="alert">
          <p>{props.error ?? trans.__('Could not load secret mounts.')}</p>
          {hasData && (
            <p className="jp-SecretMounts-note">
              {trans.__('Showing the last list received.')}
            </p>
          )}
          <button
            type="button"
            className="jp-Button jp-mod-styled jp-mod-accept"
            data-action="retry"
            onClick={props.onRetry}
          >
            {trans.__('Retry')}
          </button>
        </div>
      )}

      {policy && policy.configErrors.length > 0 && (
        <ConfigErrors errors={policy.configErrors} trans={trans} />
      )}

      {props.warnings.length > 0 && (
        <ul className="jp-SecretMounts-warnings" data-role="warnings">
          {props.warnings.map(warning => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      )}

      {status === 'ready' && !hasData && (
        <EmptyState
          roots={policy?.roots ?? []}
          adminGuideUrl={props.adminGuideUrl}
          trans={trans}
        />
      )}

      {hasData && (
        <ul
          className="jp-SecretMounts-folders"
          aria-label={trans.__('Mounted secret folders')}
        >
          {visible.map(mount => (
            <FolderItem
              key={mount.path}
              mount={mount}
              actions={actions}
              revealSeconds={revealSeconds}
              trans={trans}
            />
          ))}
        </ul>
      )}

      {hasData && visible.length === 0 && (
        <p className="jp-SecretMounts-note" data-role="no-match">
          {trans.__('No folder or key matches "%1".', query.trim())}
        </p>
      )}

      {props.git && <GitSection {...props.git} trans={trans} />}

      {policy && <PolicySection policy={policy} trans={trans} />}
    </div>
  );
}
