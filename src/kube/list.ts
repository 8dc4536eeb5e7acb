/**
 * Paginated reads. Secrets are listed as metadata only: the request asks for
 * a PartialObjectMetadataList and names no fallback, so an API server that
 * cannot convert answers 406 instead of sending Secret data.
 */
import {
  setHeaderOptions,
  type V1ObjectMeta,
  type V1Pod,
  type V1ServiceAccount
} from '@kubernetes/client-node';
import {
  KubeError,
  httpStatusOf,
  toKubeError,
  type IKubeAction
} from './errors';
import { gitHostOf } from './git-secrets';
import type { IOwnerRef } from './owners';
import type { WorkloadKind } from './secret-references';
import type { IKubeSession } from './session';

export const METADATA_LIST_ACCEPT =
  'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';

export const DEFAULT_PAGE_SIZE = 500;

/** One page of a list: its items and the token for the next page. */
export interface IPage<T> {
  items: T[];
  next?: string;
}

/**
 * Follow `continue` tokens until the list is complete. A 410 Gone means the
 * server's snapshot expired mid-way; the list is restarted once from the top
 * so the result stays consistent.
 */
export async function collectPages<T>(
  fetchPage: (token: string | undefined) => Promise<IPage<T>>,
  action: IKubeAction
): Promise<T[]> {
  for (let attempt = 0; ; attempt++) {
    const items: T[] = [];
    let token: string | undefined = undefined;
    try {
      do {
        const page: IPage<T> = await fetchPage(token);
        items.push(...page.items);
        token = page.next || undefined;
      } while (token);
      return items;
    } catch (error) {
      if (httpStatusOf(error) === 410 && token !== undefined && attempt === 0) {
        continue;
      }
      throw toKubeError(error, action);
    }
  }
}

/** What the audit keeps of a Secret's metadata; annotations are dropped on arrival. */
export interface ISecretMetadata {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** Created time (RFC 3339), when known. */
  created?: string;
  /** Who manages it, when the metadata says so; such Secrets are not reported as unused. */
  managedBy?: 'helm' | 'service-account' | 'controller' | 'cert-manager';
  /** The last-applied-configuration annotation carries `data`/`stringData` (values). */
  valuesInAnnotation: boolean;
  /** Objects the garbage collector deletes it with (its ownerReferences). */
  owners: IOwnerRef[];
  /** The git host it holds a credential for, when its annotations say so. */
  gitHost?: string;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Does the kubectl last-applied annotation hold Secret values? Never returns them. */
function annotationHoldsValues(
  annotations: Record<string, string> | undefined
): boolean {
  const text = annotations?.[LAST_APPLIED];
  if (!text) {
    return false;
  }
  try {
    const applied = JSON.parse(text) as Record<string, unknown>;
    return ['data', 'stringData'].some(key => {
      const value = applied[key];
      return (
        !!value && typeof value === 'object' && Object.keys(value).length > 0
      );
    });
  } catch {
    return false;
  }
}

function managedBy(metadata: V1ObjectMeta): ISecretMetadata['managedBy'] {
  const labels = metadata.labels ?? {};
  const annotations = metadata.annotations ?? {};
  if (labels['owner'] === 'helm' && labels['name']) {
    return 'helm';
  }
  if (annotations['kubernetes.io/service-account.name']) {
    return 'service-account';
  }
  if (annotations['cert-manager.io/certificate-name']) {
    return 'cert-manager';
  }
  if ((metadata.ownerReferences ?? []).length > 0) {
    return 'controller';
  }
  return undefined;
}

export function summariseSecretMetadata(
  metadata: V1ObjectMeta,
  namespace: string
): ISecretMetadata {
  const created = metadata.creationTimestamp;
  return {
    namespace: metadata.namespace ?? namespace,
    name: metadata.name ?? '',
    labels: { ...(metadata.labels ?? {}) },
    created: created instanceof Date ? created.toISOString() : created,
    managedBy: managedBy(metadata),
    valuesInAnnotation: annotationHoldsValues(metadata.annotations),
    owners: (metadata.ownerReferences ?? []).map(ref => ({
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      name: ref.name,
      uid: ref.uid
    })),
    ...(gitHostOf(metadata.annotations)
      ? { gitHost: gitHostOf(metadata.annotations) }
      : {})
  };
}

/**
 * List Secrets by metadata only, in one namespace or (namespace undefined) in
 * all namespaces. Refuses to go on if the server answered with full Secrets.
 */
export async function listSecretMetadata(
  session: IKubeSession,
  namespace: string | undefined,
  pageSize = DEFAULT_PAGE_SIZE
): Promise<ISecretMetadata[]> {
  const options = setHeaderOptions('Accept', METADATA_LIST_ACCEPT);
  const action: IKubeAction = {
    verb: 'list',
    resource: 'secrets',
    namespace,
    server: session.server
  };
  return collectPages(async token => {
    const page =
      namespace === undefined
        ? await session.core.listSecretForAllNamespaces(
            { limit: pageSize, _continue: token },
            options
          )
        : await session.core.listNamespacedSecret(
            { namespace, limit: pageSize, _continue: token },
            options
          );
    if (
      page.kind !== 'PartialObjectMetadataList' ||
      page.items.some(item => item.data || item.stringData)
    ) {
      throw new KubeError(
        `The Kubernetes API at ${session.server} answered a metadata-only list with full Secrets; the audit stopped so that no more Secret data is downloaded.`
      );
    }
    return {
      items: page.items.map(item =>
        summariseSecretMetadata(item.metadata ?? {}, namespace ?? '')
      ),
      next: page.metadata?._continue
    };
  }, action);
}

/** One page request of a core (v1) list. */
interface IPageParams {
  limit: number;
  _continue?: string;
}
type CoreList<T> = { items: T[]; metadata?: { _continue?: string } };

/** A core list across all namespaces or in one, followed page by page. */
function listCore<T>(
  session: IKubeSession,
  resource: string,
  namespace: string | undefined,
  pageSize: number,
  inAll: (params: IPageParams) => Promise<CoreList<T>>,
  inOne: (params: IPageParams & { namespace: string }) => Promise<CoreList<T>>
): Promise<T[]> {
  const action: IKubeAction = {
    verb: 'list',
    resource,
    namespace,
    server: session.server
  };
  return collectPages(async token => {
    const params = { limit: pageSize, _continue: token };
    const page =
      namespace === undefined
        ? await inAll(params)
        : await inOne({ ...params, namespace });
    return { items: page.items, next: page.metadata?._continue };
  }, action);
}

export function listPods(
  session: IKubeSession,
  namespace: string | undefined,
  pageSize = DEFAULT_PAGE_SIZE
): Promise<V1Pod[]> {
  return listCore(
    session,
    'pods',
    namespace,
    pageSize,
    params => session.core.listPodForAllNamespaces(params),
    params => session.core.listNamespacedPod(params)
  );
}

export function listServiceAccounts(
  session: IKubeSession,
  namespace: string | undefined,
  pageSize = DEFAULT_PAGE_SIZE
): Promise<V1ServiceAccount[]> {
  return listCore(
    session,
    'serviceaccounts',
    namespace,
    pageSize,
    params => session.core.listServiceAccountForAllNamespaces(params),
    params => session.core.listNamespacedServiceAccount(params)
  );
}

export async function listNamespaces(session: IKubeSession): Promise<string[]> {
  const action: IKubeAction = {
    verb: 'list',
    resource: 'namespaces',
    server: session.server
  };
  const items = await collectPages(async token => {
    const page = await session.core.listNamespace({
      limit: DEFAULT_PAGE_SIZE,
      _continue: token
    });
    return { items: page.items, next: page.metadata?._continue };
  }, action);
  return items
    .map(item => item.metadata?.name ?? '')
    .filter(name => name !== '');
}

/** An object as this project reads it (untyped beyond metadata). */
export interface ICustomObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
  };
  spec?: unknown;
}

/**
 * Coordinates of a resource type in a named API group: custom resources, and
 * built-in groups (apps, batch, rbac...), which the same generic client reads.
 */
export interface ICustomResource {
  group: string;
  version: string;
  plural: string;
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';
export const ROLEBINDINGS: ICustomResource = {
  group: RBAC_GROUP,
  version: 'v1',
  plural: 'rolebindings'
};
export const CLUSTERROLEBINDINGS: ICustomResource = {
  ...ROLEBINDINGS,
  plural: 'clusterrolebindings'
};
export const ROLES: ICustomResource = { ...ROLEBINDINGS, plural: 'roles' };
export const CLUSTERROLES: ICustomResource = {
  ...ROLEBINDINGS,
  plural: 'clusterroles'
};

export const PODDEFAULTS: ICustomResource = {
  group: 'kubeflow.org',
  version: 'v1alpha1',
  plural: 'poddefaults'
};
export const WORKSPACES: ICustomResource = {
  group: 'kubeflow.org',
  version: 'v1beta1',
  plural: 'workspaces'
};
/** Kubeflow 1.x notebooks: the pod template stays when the notebook is stopped. */
export const NOTEBOOKS: ICustomResource = {
  group: 'kubeflow.org',
  version: 'v1',
  plural: 'notebooks'
};
export const INGRESSES: ICustomResource = {
  group: 'networking.k8s.io',
  version: 'v1',
  plural: 'ingresses'
};
/** Workload kinds with a pod template, and where to list them. */
export const WORKLOADS: { kind: WorkloadKind; resource: ICustomResource }[] = [
  ['Deployment', 'apps', 'deployments'],
  ['StatefulSet', 'apps', 'statefulsets'],
  ['DaemonSet', 'apps', 'daemonsets'],
  ['Job', 'batch', 'jobs'],
  ['CronJob', 'batch', 'cronjobs']
].map(([kind, group, plural]) => ({
  kind: kind as WorkloadKind,
  resource: { group, version: 'v1', plural }
}));
export const WORKSPACEKINDS: ICustomResource = {
  group: 'kubeflow.org',
  version: 'v1beta1',
  plural: 'workspacekinds'
};

interface IRawList<T> {
  items?: T[];
  metadata?: { continue?: string };
}

/**
 * List objects of a named API group in one namespace, or (namespace
 * undefined) across all namespaces or for a cluster-scoped type.
 */
export async function listCustomObjects<T = ICustomObject>(
  session: IKubeSession,
  resource: ICustomResource,
  namespace: string | undefined,
  pageSize = DEFAULT_PAGE_SIZE
): Promise<T[]> {
  const action: IKubeAction = {
    verb: 'list',
    resource: resource.plural,
    group: resource.group,
    namespace,
    server: session.server
  };
  return collectPages(async token => {
    const page = (
      namespace === undefined
        ? await session.custom.listCustomObjectForAllNamespaces({
            ...resource,
            limit: pageSize,
            _continue: token
          })
        : await session.custom.listNamespacedCustomObject({
            ...resource,
            namespace,
            limit: pageSize,
            _continue: token
          })
    ) as IRawList<T>;
    return { items: page.items ?? [], next: page.metadata?.continue };
  }, action);
}
