import { TranslationBundle } from '@jupyterlab/translation';
import { addIcon, Button } from '@jupyterlab/ui-components';
import React from 'react';

import { ICreateStatus, IPendingMount } from '../../mounts/types';

export interface ICreationSectionProps {
  status: ICreateStatus | null;
  pending: readonly IPendingMount[];
  /** Opens the "Add secret" dialog; undefined when not available. */
  onAdd?: () => void;
  trans: TranslationBundle;
}

/** When a pending key will appear in its folder. */
function pendingState(
  pending: IPendingMount,
  trans: TranslationBundle
): string {
  switch (pending.appears) {
    case 'restart':
      return trans.__('pending: restart the workspace to mount');
    case 'sync':
      return trans.__('pending: appears within about a minute');
    default:
      return trans.__('pending: an administrator mounts it');
  }
}

/**
 * Creating Kubernetes Secrets from here: what the server can do (or why not), the
 * "Add secret" action, and Secrets created here that are not mounted yet.
 */
export function CreationSection(
  props: ICreationSectionProps
): JSX.Element | null {
  const { status, pending, onAdd, trans } = props;
  if (!status || (!status.allowed && pending.length === 0)) {
    return null;
  }
  const owner = status.owner ? `${status.owner.kind} ${status.owner.name}` : '';
  return (
    <section className="jp-SecretMounts-creation" data-role="creation">
      <h3>{trans.__('Kubernetes Secrets')}</h3>
      <p className="jp-SecretMounts-note" data-role="creation-status">
        {status.ready
          ? status.target === 'none'
            ? trans.__(
                'Credentials can be moved into new Secrets in namespace %1; an administrator mounts them.',
                status.namespace ?? ''
              )
            : trans.__(
                'Credentials can be moved into new Secrets in namespace %1, mounted through %2.',
                status.namespace ?? '',
                owner
              )
          : status.reason}
      </p>
      {status.ready && onAdd && (
        <Button
          className="jp-SecretMounts-addSecret"
          minimal
          small
          onClick={onAdd}
          title={trans.__('Create a Secret from a value and mount it here')}
        >
          <addIcon.react tag="span" elementSize="small" />
          {trans.__('Add secret')}
        </Button>
      )}
      {pending.length > 0 && (
        <ul
          className="jp-SecretMounts-pending"
          aria-label={trans.__('Pending mounts')}
        >
          {pending.map(item => (
            <li key={`${item.secretName}/${item.key}`} data-pending={item.path}>
              <code>{item.path}</code>
              <span className="jp-SecretMounts-pendingState">
                {pendingState(item, trans)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
