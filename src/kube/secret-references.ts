/**
 * Uses of Secrets that no running pod shows: configuration that will start
 * pods (PodDefaults, Workspaces, stopped Notebooks, workloads scaled to zero,
 * Jobs and CronJobs between runs) and objects that use a Secret without
 * mounting it (ServiceAccount image pull Secrets, Ingress TLS). Pure: the
 * audit gathers the objects.
 */
import type {
  V1Pod,
  V1PodSpec,
  V1ServiceAccount
} from '@kubernetes/client-node';
import type { ICustomObject } from './list';
import { secretUsesOfPod } from './pod-secrets';

/** A use through configuration or another object rather than a running pod. */
export interface IConfiguredUse {
  kind:
    | 'poddefault'
    | 'workspace'
    | 'notebook'
    | 'workload'
    | 'serviceaccount'
    | 'ingress';
  /** The object's name; `Kind/name` for workloads (e.g. `CronJob/backup`). */
  object: string;
  mountPath?: string;
  envVar?: string;
  /** Used as an image pull Secret (no mount). */
  imagePull?: boolean;
}

/** Kinds whose objects hold a pod template. */
export type WorkloadKind =
  'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob';

/** An object listed from the cluster with the kind it was listed as (typed lists drop it). */
export interface IKindedObject {
  kind: WorkloadKind | 'Notebook';
  object: ICustomObject;
}

/** A use of the Secret `namespace/secretName`. */
export interface IReference {
  namespace: string;
  secretName: string;
  use: IConfiguredUse;
}

interface ITemplateSpec {
  template?: { spec?: V1PodSpec };
  jobTemplate?: { spec?: { template?: { spec?: V1PodSpec } } };
}

function podSpecOf({ kind, object }: IKindedObject): V1PodSpec | undefined {
  const spec = (object.spec ?? {}) as ITemplateSpec;
  return kind === 'CronJob'
    ? spec.jobTemplate?.spec?.template?.spec
    : spec.template?.spec;
}

/** Secrets a pod template would use, whether or not a pod runs from it now. */
export function templateReferences(objects: IKindedObject[]): IReference[] {
  const references: IReference[] = [];
  for (const item of objects) {
    const spec = podSpecOf(item);
    const namespace = item.object.metadata?.namespace ?? '';
    const name = item.object.metadata?.name ?? '';
    if (!spec?.containers) {
      continue;
    }
    const pod: V1Pod = { metadata: { name, namespace }, spec };
    for (const use of secretUsesOfPod(pod)) {
      references.push({
        namespace,
        secretName: use.secretName,
        use: {
          kind: item.kind === 'Notebook' ? 'notebook' : 'workload',
          object: item.kind === 'Notebook' ? name : `${item.kind}/${name}`,
          mountPath: use.mountPath,
          envVar: use.envVar,
          imagePull: use.kind === 'imagePullSecret' || undefined
        }
      });
    }
  }
  return references;
}

/** Image pull Secrets (and legacy token Secrets) of ServiceAccounts. */
export function serviceAccountReferences(
  accounts: V1ServiceAccount[]
): IReference[] {
  return accounts.flatMap(account => {
    const namespace = account.metadata?.namespace ?? '';
    const object = account.metadata?.name ?? '';
    return [
      ...(account.imagePullSecrets ?? []).map(ref => ({
        name: ref.name,
        imagePull: true
      })),
      ...(account.secrets ?? []).map(ref => ({
        name: ref.name,
        imagePull: undefined
      }))
    ]
      .filter((ref): ref is { name: string; imagePull: true | undefined } =>
        Boolean(ref.name)
      )
      .map(ref => ({
        namespace,
        secretName: ref.name,
        use: {
          kind: 'serviceaccount' as const,
          object,
          imagePull: ref.imagePull
        }
      }));
  });
}

interface IIngressSpec {
  tls?: { secretName?: string }[];
}

/** TLS Secrets of Ingresses. */
export function ingressReferences(ingresses: ICustomObject[]): IReference[] {
  return ingresses.flatMap(ingress =>
    ((ingress.spec as IIngressSpec | undefined)?.tls ?? [])
      .map(tls => tls.secretName)
      .filter((name): name is string => !!name)
      .map(secretName => ({
        namespace: ingress.metadata?.namespace ?? '',
        secretName,
        use: { kind: 'ingress' as const, object: ingress.metadata?.name ?? '' }
      }))
  );
}

/** How a configured use reads in the audit's text report. */
export function describeConfiguredUse(use: IConfiguredUse): string {
  const how = use.mountPath
    ? ` at ${use.mountPath}`
    : use.envVar
      ? ` as env ${use.envVar}`
      : use.imagePull
        ? ' to pull images'
        : '';
  switch (use.kind) {
    case 'poddefault':
      return `PodDefault ${use.object}${how}`;
    case 'workspace':
      return `Workspace ${use.object}${how}`;
    case 'notebook':
      return `Notebook ${use.object}${how}`;
    case 'workload':
      return `${use.object} template${how}`;
    case 'serviceaccount':
      return `ServiceAccount ${use.object}${how || ' (token Secret)'}`;
    case 'ingress':
      return `Ingress ${use.object} (TLS)`;
  }
}
