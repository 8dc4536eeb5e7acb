import { TranslationBundle } from '@jupyterlab/translation';
import { caretDownIcon, caretRightIcon } from '@jupyterlab/ui-components';
import React, { useId, useState } from 'react';

import { ISecretMount } from '../../mounts/types';
import { IKeyActions } from './actions';
import { KeyRow } from './KeyRow';

export interface IFolderItemProps {
  mount: ISecretMount;
  actions: IKeyActions;
  revealSeconds: number;
  trans: TranslationBundle;
}

/** Date and time with seconds, so a rotation a few seconds ago is visible. */
function formatTime(seconds: number): string {
  const lang = document.documentElement.lang || undefined;
  return new Intl.DateTimeFormat(lang, {
    dateStyle: 'short',
    timeStyle: 'medium'
  }).format(new Date(seconds * 1000));
}

/** A mounted secret folder: what it is, whether it follows rotations, and its keys. */
export function FolderItem(props: IFolderItemProps): JSX.Element {
  const { mount, trans } = props;
  const [expanded, setExpanded] = useState(true);
  const keysId = useId();
  const Caret = expanded ? caretDownIcon : caretRightIcon;
  const updated = Number.isFinite(mount.updated) && mount.updated > 0;

  return (
    <li
      className="jp-SecretMounts-folder"
      data-path={mount.path}
      data-kind={mount.kind}
      data-rotates={String(mount.rotates)}
      data-updated={mount.updated}
    >
      <div className="jp-SecretMounts-folderHeader">
        <button
          type="button"
          className="jp-SecretMounts-toggle"
          aria-expanded={expanded}
          aria-controls={keysId}
          onClick={() => setExpanded(!expanded)}
        >
          <Caret.react tag="span" className="jp-SecretMounts-caret" />
          <span className="jp-SecretMounts-folderName">{mount.name}</span>
        </button>
        <span
          className="jp-SecretMounts-badge"
          data-badge="kind"
          title={
            mount.kind === 'kubernetes'
              ? trans.__('A Kubernetes Secret volume written by kubelet')
              : trans.__('A plain folder')
          }
        >
          {mount.kind === 'kubernetes'
            ? trans.__('Kubernetes')
            : trans.__('folder')}
        </span>
      </div>
      <div className="jp-SecretMounts-folderMeta">
        <span className="jp-SecretMounts-path" title={mount.path}>
          {mount.path}
        </span>
        {mount.source && (
          <span className="jp-SecretMounts-source" data-role="source">
            {mount.source.namespace
              ? trans.__(
                  'Secret %1 in namespace %2',
                  mount.source.secretName,
                  mount.source.namespace
                )
              : trans.__('Secret %1', mount.source.secretName)}
          </span>
        )}
        <span
          className="jp-SecretMounts-rotation"
          data-role="rotation"
          title={
            mount.rotates
              ? trans.__(
                  'kubelet updates this folder when the Secret changes (usually within a minute).'
                )
              : trans.__(
                  'This folder does not follow Secret updates (for example a subPath mount): changes show up only after the pod restarts.'
                )
          }
        >
          {mount.rotates
            ? trans.__('updates on rotation')
            : trans.__('fixed (subPath)')}
        </span>
        {updated && (
          <span className="jp-SecretMounts-updated" data-role="updated">
            {trans.__('updated %1', formatTime(mount.updated))}
          </span>
        )}
        {mount.error && (
          <span className="jp-SecretMounts-errorText" data-role="folder-error">
            {mount.error}
          </span>
        )}
      </div>
      {expanded && (
        <ul
          id={keysId}
          className="jp-SecretMounts-keys"
          aria-label={trans.__('Keys of %1', mount.name)}
        >
          {mount.keys.map(key => (
            <KeyRow
              key={key.path}
              mount={mount}
              secretKey={key}
              actions={props.actions}
              revealSeconds={props.revealSeconds}
              trans={trans}
            />
          ))}
          {mount.keys.length === 0 && !mount.error && (
            <li className="jp-SecretMounts-note">
              {trans.__('This folder holds no keys.')}
            </li>
          )}
        </ul>
      )}
    </li>
  );
}
