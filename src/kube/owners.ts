/**
 * Owners of Secrets: `create --owner KIND/NAME` sets an ownerReference so the
 * garbage collector deletes the Secret with its owner (a pod, a Workspace, a
 * Notebook...), and `audit` reports Secrets whose owner is gone. Owners are
 * read as metadata only.
 */
import type { V1OwnerReference } from '@kubernetes/client-node';
import { KubeError, httpStatusOf } from './errors';
import { getJson, RawHttpError } from './raw';
import { METADATA_ACCEPT } from './secret-write';
import type { IKubeSession } from './session';

/** A namespaced kind that can own a Secret, and where it is read. */
export interface IOwnerKind {
  kind: string;
  apiVersion: string;
  plural: string;
}

/** The kinds `--owner` takes (by kind, case-insensitive) and `audit` checks. */
export const OWNER_KINDS: readonly IOwnerKind[] = [
  { kind: 'Pod', apiVersion: 'v1', plural: 'pods' },
  {
    kind: 'Workspace',
    apiVersion: 'kubeflow.org/v1beta1',
    plural: 'workspaces'
  },
  { kind: 'Notebook', apiVersion: 'kubeflow.org/v1', plural: 'notebooks' },
  { kind: 'Deployment', apiVersion: 'apps/v1', plural: 'deployments' },
  { kind: 'StatefulSet', apiVersion: 'apps/v1', plural: 'statefulsets' },
  { kind: 'Job', apiVersion: 'batch/v1', plural: 'jobs' },
  { kind: 'CronJob', apiVersion: 'batch/v1', plural: 'cronjobs' },
  { kind: 'ServiceAccount', apiVersion: 'v1', plural: 'serviceaccounts' }
];

/** Where one object of a kind is read. */
export function objectPath(
  kind: IOwnerKind,
  namespace: string,
  name: string
): string {
  const base = kind.apiVersion.includes('/')
    ? `/apis/${kind.apiVersion}`
    : `/api/${kind.apiVersion}`;
  return `${base}/namespaces/${encodeURIComponent(namespace)}/${kind.plural}/${encodeURIComponent(name)}`;
}

/** `pod/jupyter-alice`, `Workspace/alice-ws` -> kind and name. */
export function parseOwner(text: string): { kind: IOwnerKind; name: string } {
  const slash = text.indexOf('/');
  const kindName = text.slice(0, slash).toLowerCase();
  const name = text.slice(slash + 1);
  const kind = OWNER_KINDS.find(k => k.kind.toLowerCase() === kindName);
  if (slash <= 0 || !kind || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) {
    throw new KubeError(
      `--owner takes KIND/NAME with KIND one of ${OWNER_KINDS.map(k => k.kind).join(', ')}, e.g. --owner pod/jupyter-alice.`
    );
  }
  return { kind, name };
}

/** The metadata of one object, or undefined when it does not exist (404). */
async function readMetadata(
  session: IKubeSession,
  kind: IOwnerKind,
  namespace: string,
  name: string
): Promise<{ uid?: string } | undefined> {
  try {
    const object = (await getJson(
      session,
      objectPath(kind, namespace, name),
      METADATA_ACCEPT
    )) as { metadata?: { uid?: string } };
    return object.metadata ?? {};
  } catch (error) {
    const status =
      error instanceof RawHttpError ? error.code : httpStatusOf(error);
    if (status === 404) {
      return undefined;
    }
    throw new KubeError(
      status === 403
        ? `You may not read ${kind.kind} ${namespace}/${name} (403); its uid is needed for the ownerReference.`
        : `Could not read ${kind.kind} ${namespace}/${name} from ${session.server}: ${status ? `HTTP ${status}` : (error as Error).message}.`,
      status
    );
  }
}

/**
 * The ownerReference for `--owner KIND/NAME`, with the owner's uid read from
 * the API: a Secret names its owner by uid, so a new object of the same name
 * is not taken for the old one. `blockOwnerDeletion` makes a foreground
 * deletion of the owner wait until the garbage collector has deleted the
 * Secret, as for objects a controller creates; `controller` stays false, since
 * no controller manages this Secret and a controller may claim only objects
 * whose controller reference names it.
 */
export async function ownerReference(
  session: IKubeSession,
  namespace: string,
  owner: string
): Promise<V1OwnerReference> {
  const { kind, name } = parseOwner(owner);
  const metadata = await readMetadata(session, kind, namespace, name);
  if (!metadata) {
    throw new KubeError(
      `${kind.kind} ${name} does not exist in namespace ${namespace}; nothing was written. An owner must be in the Secret's namespace.`,
      404
    );
  }
  if (!metadata.uid) {
    throw new KubeError(
      `The Kubernetes API at ${session.server} sent ${kind.kind} ${name} without a uid; nothing was written.`
    );
  }
  return {
    apiVersion: kind.apiVersion,
    kind: kind.kind,
    name,
    uid: metadata.uid,
    blockOwnerDeletion: true,
    controller: false
  };
}

/** A Secret's owner as the audit keeps it. */
export interface IOwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

/**
 * Whether an owner still exists: the object of that name is there with the
 * same uid (one re-created under the old name is another object). Undefined
 * when it cannot be told (a kind not known here, no permission).
 */
export async function ownerExists(
  session: IKubeSession,
  namespace: string,
  owner: IOwnerRef
): Promise<boolean | undefined> {
  const kind = OWNER_KINDS.find(
    k => k.kind === owner.kind && k.apiVersion === owner.apiVersion
  );
  if (!kind) {
    return undefined;
  }
  try {
    const metadata = await readMetadata(session, kind, namespace, owner.name);
    return metadata !== undefined && metadata.uid === owner.uid;
  } catch {
    return undefined;
  }
}
