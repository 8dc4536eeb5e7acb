/**
 * Read what the audit needs from the cluster: Secret metadata, pods, and
 * (where the cluster has them and the caller may read them) PodDefaults,
 * Workspaces and RBAC bindings.
 */
import type {
  V1ClusterRole,
  V1ClusterRoleBinding,
  V1Pod,
  V1Role,
  V1RoleBinding
} from '@kubernetes/client-node';
import { ownerExists, type IOwnerRef } from './owners';
import { analyseAudit, type IAuditResult } from './audit';
import { KubeError, httpStatusOf } from './errors';
import {
  CLUSTERROLEBINDINGS,
  CLUSTERROLES,
  ROLEBINDINGS,
  ROLES,
  listCustomObjects,
  listNamespaces,
  listPods,
  listServiceAccounts,
  INGRESSES,
  NOTEBOOKS,
  WORKLOADS,
  listSecretMetadata,
  PODDEFAULTS,
  WORKSPACES,
  type ICustomObject,
  type ICustomResource,
  type ISecretMetadata
} from './list';
import type { WorkspaceLabels } from './pod-secrets';
import {
  ingressReferences,
  serviceAccountReferences,
  templateReferences,
  type IKindedObject,
  type IReference
} from './secret-references';
import type { IKubeSession } from './session';

export interface IAuditOptions {
  allPods?: boolean;
  workspaceLabels?: WorkspaceLabels;
  pageSize?: number;
}

export interface IAuditReport extends IAuditResult {
  server: string;
  context: string;
  /** `all` for a cluster-wide list, else the namespaces audited. */
  scope: 'all' | string[];
  /** Things that could not be read, one sentence each (the audit went on without them). */
  skipped: string[];
}

/** Call `read`; on 403 or 404 note why and return undefined instead of failing. */
async function optional<T>(
  read: () => Promise<T>,
  skipped: string[],
  what: string
): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    const status = httpStatusOf(error);
    if (status === 404) {
      // The custom resource is not installed: nothing to report.
      return undefined;
    }
    if (status === 403) {
      skipped.push(`${what}: not allowed to list them, so they are left out.`);
      return undefined;
    }
    throw error;
  }
}

interface IScopeData {
  secrets: ISecretMetadata[];
  pods: V1Pod[];
  podDefaults: ICustomObject[];
  workspaces: ICustomObject[];
  references: IReference[];
}

/**
 * What else keeps a Secret in use: pod templates (workloads, also scaled to
 * zero; Jobs, CronJobs; Notebooks, also stopped), ServiceAccounts, Ingresses.
 * Each kind is optional: one the caller may not list is noted and skipped.
 */
async function readReferences(
  session: IKubeSession,
  namespace: string | undefined,
  skipped: string[],
  pageSize: number | undefined,
  where: string
): Promise<IReference[]> {
  const templates: IKindedObject[] = [];
  for (const { kind, resource } of [
    ...WORKLOADS,
    { kind: 'Notebook' as const, resource: NOTEBOOKS }
  ]) {
    const objects = await optional(
      () => listCustomObjects(session, resource, namespace, pageSize),
      skipped,
      `${kind}s${where} (Secrets only they use may be reported unused)`
    );
    templates.push(...(objects ?? []).map(object => ({ kind, object })));
  }
  const accounts = await optional(
    () => listServiceAccounts(session, namespace, pageSize),
    skipped,
    `ServiceAccounts${where} (image pull Secrets may be reported unused)`
  );
  const ingresses = await optional(
    () => listCustomObjects(session, INGRESSES, namespace, pageSize),
    skipped,
    `Ingresses${where} (TLS Secrets may be reported unused)`
  );
  return [
    ...templateReferences(templates),
    ...serviceAccountReferences(accounts ?? []),
    ...ingressReferences(ingresses ?? [])
  ];
}

async function readScope(
  session: IKubeSession,
  namespace: string | undefined,
  skipped: string[],
  pageSize: number | undefined
): Promise<IScopeData> {
  const where = namespace ? ` in namespace ${namespace}` : ' in all namespaces';
  const secrets = await listSecretMetadata(session, namespace, pageSize);
  const pods = await listPods(session, namespace, pageSize);
  const podDefaults =
    (await optional(
      () => listCustomObjects(session, PODDEFAULTS, namespace, pageSize),
      skipped,
      `PodDefaults${where}`
    )) ?? [];
  const workspaces =
    (await optional(
      () => listCustomObjects(session, WORKSPACES, namespace, pageSize),
      skipped,
      `Workspaces${where}`
    )) ?? [];
  const references = await readReferences(
    session,
    namespace,
    skipped,
    pageSize,
    where
  );
  return { secrets, pods, podDefaults, workspaces, references };
}

/** One RBAC type in the audited scope, or undefined (and a note) when it cannot be read. */
async function readRbacKind<T>(
  session: IKubeSession,
  resource: ICustomResource,
  namespaces: 'all' | string[] | 'cluster',
  skipped: string[],
  what: string
): Promise<T[] | undefined> {
  return optional(
    async () => {
      if (namespaces === 'all' || namespaces === 'cluster') {
        return listCustomObjects<T>(session, resource, undefined);
      }
      const items: T[] = [];
      for (const namespace of namespaces) {
        items.push(
          ...(await listCustomObjects<T>(session, resource, namespace))
        );
      }
      return items;
    },
    skipped,
    what
  );
}

/**
 * Bindings and roles, each kind read on its own: a 403 on ClusterRoleBindings
 * keeps the RoleBindings already read. Bindings count as unreadable only when
 * neither kind could be read.
 */
async function readRbac(
  session: IKubeSession,
  scope: 'all' | string[],
  skipped: string[]
): Promise<{
  bindings?: (V1RoleBinding | V1ClusterRoleBinding)[];
  roles?: (V1Role | V1ClusterRole)[];
}> {
  const tokenCheck = '(the service-account token check counts';
  const roleBindings = await readRbacKind<V1RoleBinding>(
    session,
    ROLEBINDINGS,
    scope,
    skipped,
    `RoleBindings ${tokenCheck} only the bindings it could read)`
  );
  const clusterRoleBindings = await readRbacKind<V1ClusterRoleBinding>(
    session,
    CLUSTERROLEBINDINGS,
    'cluster',
    skipped,
    `ClusterRoleBindings ${tokenCheck} only the bindings it could read)`
  );
  const roles = await readRbacKind<V1Role>(
    session,
    ROLES,
    scope,
    skipped,
    `Roles ${tokenCheck} every binding as granting access)`
  );
  const clusterRoles = await readRbacKind<V1ClusterRole>(
    session,
    CLUSTERROLES,
    'cluster',
    skipped,
    `ClusterRoles ${tokenCheck} every binding as granting access)`
  );
  if (!roleBindings && !clusterRoleBindings) {
    return {};
  }
  return {
    bindings: [...(roleBindings ?? []), ...(clusterRoleBindings ?? [])],
    roles: roles && clusterRoles ? [...roles, ...clusterRoles] : undefined
  };
}

/**
 * Audit one namespace, or all namespaces. For all namespaces, a caller who may
 * not list cluster-wide gets every namespace they may list instead.
 */
export async function gatherAudit(
  session: IKubeSession,
  options: IAuditOptions = {}
): Promise<IAuditReport> {
  const skipped: string[] = [];
  const data: IScopeData = {
    secrets: [],
    pods: [],
    podDefaults: [],
    workspaces: [],
    references: []
  };
  let scope: 'all' | string[];
  const merge = (part: IScopeData) => {
    data.secrets.push(...part.secrets);
    data.pods.push(...part.pods);
    data.podDefaults.push(...part.podDefaults);
    data.workspaces.push(...part.workspaces);
    data.references.push(...part.references);
  };

  if (!session.allNamespaces) {
    scope = [session.namespace];
    merge(
      await readScope(session, session.namespace, skipped, options.pageSize)
    );
  } else {
    try {
      merge(await readScope(session, undefined, skipped, options.pageSize));
      scope = 'all';
    } catch (error) {
      if (httpStatusOf(error) !== 403) {
        throw error;
      }
      let namespaces: string[];
      try {
        namespaces = await listNamespaces(session);
      } catch (inner) {
        if (httpStatusOf(inner) === 403) {
          throw new KubeError(
            'You may neither list Secrets and pods in all namespaces nor list the namespaces; pass -n NAMESPACE instead of -A.',
            403
          );
        }
        throw inner;
      }
      scope = [];
      for (const namespace of namespaces) {
        try {
          merge(await readScope(session, namespace, skipped, options.pageSize));
          scope.push(namespace);
        } catch (inner) {
          if (httpStatusOf(inner) !== 403) {
            throw inner;
          }
          skipped.push(
            `Namespace ${namespace}: not allowed to list its Secrets or pods.`
          );
        }
      }
    }
  }

  const rbac = await readRbac(session, scope, skipped);
  const ownersGone = await findGoneOwners(session, data);
  const result = analyseAudit({
    ...data,
    ...rbac,
    ownersGone,
    listedNamespaces: scope,
    allPods: options.allPods,
    workspaceLabels: options.workspaceLabels
  });
  return {
    ...result,
    server: session.server,
    context: session.context,
    scope,
    skipped
  };
}

/**
 * Secrets all of whose owners are gone. Owners among the pods and Workspaces
 * already read are looked up there; others are read one by one (metadata
 * only). A Secret with an owner that cannot be checked is left out.
 */
async function findGoneOwners(
  session: IKubeSession,
  data: IScopeData
): Promise<Map<string, IOwnerRef[]>> {
  const known = new Set(
    [...data.pods, ...data.workspaces]
      .map(object => object.metadata?.uid)
      .filter((uid): uid is string => !!uid)
  );
  const gone = new Map<string, IOwnerRef[]>();
  for (const secret of data.secrets) {
    if (secret.owners.length === 0) {
      continue;
    }
    let allGone = true;
    for (const owner of secret.owners) {
      const exists = known.has(owner.uid)
        ? true
        : await ownerExists(session, secret.namespace, owner);
      if (exists !== false) {
        allGone = false;
        break;
      }
    }
    if (allGone) {
      gone.set(`${secret.namespace}/${secret.name}`, secret.owners);
    }
  }
  return gone;
}
