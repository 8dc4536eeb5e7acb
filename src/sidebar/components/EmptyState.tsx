import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

export interface IEmptyStateProps {
  /** Folders the server looks in. */
  roots: readonly string[];
  /** Link to the admin guide; when empty, the guide is named by its path in the project. */
  adminGuideUrl: string;
  trans: TranslationBundle;
}

/** No secret folder found: say where the server looked and how to mount one. */
export function EmptyState(props: IEmptyStateProps): JSX.Element {
  const { trans } = props;
  return (
    <div className="jp-SecretMounts-empty" data-role="empty">
      <p className="jp-SecretMounts-emptyTitle">
        {trans.__('No secret folders are mounted in this workspace.')}
      </p>
      {props.roots.length > 0 && (
        <p>{trans.__('Secret Mounts looks in: %1', props.roots.join(', '))}</p>
      )}
      <p>
        {trans.__(
          'Mount a Kubernetes Secret as a folder (not as environment variables), then restart the workspace:'
        )}
      </p>
      <ul className="jp-SecretMounts-howto">
        <li>
          <strong>{trans.__('Kubeflow 1.x')}</strong>{' '}
          {trans.__(
            'Ask your admin for a PodDefault that mounts the Secret, then select it under "Configurations" when you create the notebook server.'
          )}
        </li>
        <li>
          <strong>{trans.__('Kubeflow Notebooks 2.0')}</strong>{' '}
          {trans.__(
            'Add the Secret under the workspace\'s volumes, "secrets" section; it is mounted at /secrets/<secret name> by default.'
          )}
        </li>
        <li>
          <strong>{trans.__('JupyterHub (KubeSpawner)')}</strong>{' '}
          {trans.__(
            'Add a secret volume to singleuser.storage.extraVolumes and a mount to extraVolumeMounts in the Helm values (or KubeSpawner.volumes and volume_mounts).'
          )}
        </li>
      </ul>
      <p>
        {props.adminGuideUrl ? (
          <a
            href={props.adminGuideUrl}
            target="_blank"
            rel="noopener noreferrer"
          >
            {trans.__('Admin guide: mounting secrets')}
          </a>
        ) : (
          trans.__(
            'Step-by-step instructions are in docs/admin-guide.md of the jupyterlab-secret-mounts project.'
          )
        )}
      </p>
    </div>
  );
}
