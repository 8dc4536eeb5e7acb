/**
 * Create a Secret, or update it when it exists (409 on create). The existing
 * Secret is read as metadata only, so its current values are never fetched.
 */
import {
  setHeaderOptions,
  type V1ObjectMeta,
  type V1OwnerReference,
  type V1Secret
} from '@kubernetes/client-node';
import {
  KubeError,
  httpStatusOf,
  statusReasonOf,
  toKubeError,
  type IKubeAction
} from './errors';
import { MANAGED_BY } from './mount-plan';
import { getJson } from './raw';
import { FIELD_MANAGER, type IKubeSession } from './session';

/** Labels that let the Kubeflow Notebooks 2.0 UI offer (and edit) the Secret. */
export const CAN_MOUNT = 'notebooks.kubeflow.org/can-mount';
export const CAN_UPDATE = 'notebooks.kubeflow.org/can-update';

/**
 * The git host a Secret holds a credential for (`create --git-host`): the audit reports such
 * Secrets when no workspace mounts them, since a token nobody can use should be revoked.
 */
export const GIT_HOST_ANNOTATION = 'jupyterlab-secret-mounts/git-host';

export const METADATA_ACCEPT =
  'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export interface ISecretRequest {
  name: string;
  namespace: string;
  type: string;
  data: Map<string, Buffer>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** The object the Secret is deleted with (`create --owner`). */
  owner?: V1OwnerReference;
}

/** The Secret object to send; values base64-encoded as the API expects. */
export function secretManifest(request: ISecretRequest): V1Secret {
  const data: Record<string, string> = {};
  for (const [key, value] of request.data) {
    data[key] = value.toString('base64');
  }
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: request.name,
      namespace: request.namespace,
      labels: {
        ...(request.labels ?? {}),
        ...MANAGED_BY,
        [CAN_MOUNT]: 'true',
        [CAN_UPDATE]: 'true'
      },
      ...(request.annotations && Object.keys(request.annotations).length
        ? { annotations: { ...request.annotations } }
        : {}),
      ...(request.owner ? { ownerReferences: [request.owner] } : {})
    },
    type: request.type,
    data
  };
}

export type WriteOutcome = 'created' | 'updated';

const TABLE_ACCEPT = 'application/json;as=Table;g=meta.k8s.io;v=v1';

interface ITable {
  kind?: string;
  columnDefinitions?: { name?: string }[];
  rows?: { cells?: unknown[] }[];
}

/**
 * The type of an existing Secret, read the way `kubectl get secret` shows it:
 * as a Table row without the object (name, type, number of keys, age), so no
 * value is fetched. Undefined when the server cannot say.
 */
export async function readSecretType(
  session: IKubeSession,
  namespace: string,
  name: string
): Promise<string | undefined> {
  try {
    const table = (await getJson(
      session,
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}?includeObject=None`,
      TABLE_ACCEPT
    )) as ITable;
    const column = (table.columnDefinitions ?? []).findIndex(
      definition => definition.name === 'Type'
    );
    const cell = table.rows?.[0]?.cells?.[column];
    return table.kind === 'Table' && column >= 0 && typeof cell === 'string'
      ? cell
      : undefined;
  } catch {
    return undefined;
  }
}

/** Keep what others put on the existing Secret, except a stale copy of its values. */
function mergedMetadata(
  existing: V1ObjectMeta,
  wanted: V1ObjectMeta
): V1ObjectMeta {
  const annotations = {
    ...(existing.annotations ?? {}),
    ...(wanted.annotations ?? {})
  };
  delete annotations[LAST_APPLIED];
  // A new owner is added beside the existing ones (the same object is named once).
  const owners = [
    ...(existing.ownerReferences ?? []).filter(
      ref => !(wanted.ownerReferences ?? []).some(w => w.uid === ref.uid)
    ),
    ...(wanted.ownerReferences ?? [])
  ];
  return {
    ...wanted,
    labels: { ...(existing.labels ?? {}), ...(wanted.labels ?? {}) },
    annotations: Object.keys(annotations).length ? annotations : undefined,
    ownerReferences: owners.length ? owners : undefined,
    finalizers: existing.finalizers,
    resourceVersion: existing.resourceVersion
  };
}

/**
 * Create the Secret; if it already exists, replace its data and type, keeping
 * its other labels and annotations. A Secret not labelled can-update is only
 * replaced with `overwrite`.
 */
export async function createOrUpdateSecret(
  session: IKubeSession,
  secret: V1Secret,
  overwrite: boolean
): Promise<WriteOutcome> {
  const namespace = secret.metadata?.namespace ?? session.namespace;
  const name = secret.metadata?.name ?? '';
  const action: IKubeAction = {
    verb: 'create',
    resource: 'secrets',
    name,
    namespace,
    server: session.server
  };
  try {
    await session.core.createNamespacedSecret({
      namespace,
      body: secret,
      fieldManager: FIELD_MANAGER
    });
    return 'created';
  } catch (error) {
    if (
      httpStatusOf(error) !== 409 ||
      statusReasonOf(error) !== 'AlreadyExists'
    ) {
      throw toKubeError(error, action);
    }
  }

  let existing: V1Secret;
  try {
    existing = await session.core.readNamespacedSecret(
      { namespace, name },
      setHeaderOptions('Accept', METADATA_ACCEPT)
    );
  } catch (error) {
    throw toKubeError(error, { ...action, verb: 'get' });
  }
  if (existing.data || existing.stringData) {
    throw new KubeError(
      `The Kubernetes API at ${session.server} answered a metadata-only read with the Secret's values; stopping.`
    );
  }
  // A Secret's type never changes: say so before anything is sent.
  const existingType = await readSecretType(session, namespace, name);
  if (existingType !== undefined && existingType !== secret.type) {
    throw new KubeError(
      `Secret ${name} already exists in namespace ${namespace} with type ${existingType}, and a Secret's type cannot be changed; nothing was written. Use --type ${existingType}, or delete the Secret first.`
    );
  }
  const labels = existing.metadata?.labels ?? {};
  if (labels[CAN_UPDATE] !== 'true' && !overwrite) {
    throw new KubeError(
      `Secret ${name} already exists in namespace ${namespace} and is not labelled ${CAN_UPDATE}=true; pass --overwrite to replace its values anyway.`
    );
  }
  const body: V1Secret = {
    ...secret,
    metadata: mergedMetadata(existing.metadata ?? {}, secret.metadata ?? {})
  };
  try {
    await session.core.replaceNamespacedSecret({
      namespace,
      name,
      body,
      fieldManager: FIELD_MANAGER
    });
    return 'updated';
  } catch (error) {
    throw toKubeError(error, { ...action, verb: 'update' });
  }
}
