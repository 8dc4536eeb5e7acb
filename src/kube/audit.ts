/**
 * Audit analysis: which pods (and PodDefaults / Workspaces) use each Secret,
 * and what is risky about it. Pure: the command gathers the inputs.
 */
import type {
  V1ClusterRole,
  V1ClusterRoleBinding,
  V1Pod,
  V1PolicyRule,
  V1Role,
  V1RoleBinding
} from '@kubernetes/client-node';
import type { ICustomObject, ISecretMetadata } from './list';
import type { IOwnerRef } from './owners';
import type { IConfiguredUse, IReference } from './secret-references';
import {
  secretUsesOfPod,
  serviceAccountTokenMount,
  workspaceFlavor,
  type ISecretUse,
  type WorkspaceLabels
} from './pod-secrets';

export type Level = 'error' | 'warning' | 'note';

export type RuleId =
  | 'secret-in-env'
  | 'subpath-no-rotation'
  | 'world-readable-mode'
  | 'unneeded-service-account-token'
  | 'secret-values-in-annotation'
  | 'secret-missing'
  | 'secret-unused'
  | 'secret-owner-gone'
  | 'git-credential-unmounted';

export interface IRule {
  id: RuleId;
  level: Level;
  title: string;
  /** Why it matters and what to do; also the SARIF rule help. */
  help: string;
}

export const AUDIT_RULES: Record<RuleId, IRule> = {
  'secret-in-env': {
    id: 'secret-in-env',
    level: 'warning',
    title: 'Secret exposed as environment variables',
    help: 'Environment variables are inherited by every process, including notebook kernels and the shells they start; `env`, `os.environ` and crash reports print them, and printed values end up in saved notebook outputs. Mount the Secret as a folder and read the file instead.'
  },
  'subpath-no-rotation': {
    id: 'subpath-no-rotation',
    level: 'warning',
    title: 'Secret mounted with subPath does not rotate',
    help: 'The kubelet never updates a subPath mount after the container starts, so the file keeps the old value after the Secret is rotated, until the pod restarts. Mount the whole folder (optionally with items) instead.'
  },
  'world-readable-mode': {
    id: 'world-readable-mode',
    level: 'note',
    title: 'Secret files readable by every user in the container',
    help: 'The files are readable by any user ID in the container (mode o+r; 0644 is the Kubernetes default). Where the pod sets fsGroup, defaultMode 0440 keeps them readable to the notebook user only.'
  },
  'unneeded-service-account-token': {
    id: 'unneeded-service-account-token',
    level: 'warning',
    title: 'Workspace mounts an API token it does not need',
    help: "A workspace runs user code, and a mounted service-account token lets that code call the Kubernetes API (and is itself a credential people paste). Heuristic: the pod mounts an API token, and no RoleBinding or ClusterRoleBinding grants its service account (directly or through the system:serviceaccounts groups) a role with rules on API resources; the bindings every cluster starts with (labelled kubernetes.io/bootstrapping=rbac-defaults, such as system:service-account-issuer-discovery for all service accounts) grant only discovery and are not counted. When bindings cannot be read, a pod running as the namespace's `default` service account is reported. Set automountServiceAccountToken: false on the pod or service account."
  },
  'secret-values-in-annotation': {
    id: 'secret-values-in-annotation',
    level: 'warning',
    title: 'Secret values copied into an annotation',
    help: "kubectl apply stored the Secret's values in the kubectl.kubernetes.io/last-applied-configuration annotation, so anyone (and any cache) that reads only metadata gets the values too. Re-create the Secret with kubectl create, server-side apply, or this tool's create command."
  },
  'secret-missing': {
    id: 'secret-missing',
    level: 'warning',
    title: 'Pod refers to a Secret that does not exist',
    help: 'The pod cannot start (or runs without the credential) until the Secret is created.'
  },
  'secret-unused': {
    id: 'secret-unused',
    level: 'note',
    title: 'Secret used nowhere',
    help: 'Nothing in scope refers to this Secret: no pod, no pod template (Deployments, StatefulSets and DaemonSets, also scaled to zero; Jobs and CronJobs; Kubeflow Notebooks, also stopped), no PodDefault or Workspace, no ServiceAccount (image pull Secrets) and no Ingress (TLS). Secrets managed by Helm, cert-manager, service accounts or an owner object are not reported. Delete credentials nobody uses.'
  },
  'secret-owner-gone': {
    id: 'secret-owner-gone',
    level: 'warning',
    title: 'Secret outlived its owner',
    help: "Every object named in the Secret's ownerReferences is gone (or was re-created under the same name, which is another object: owners are named by uid), yet the Secret is still there. The garbage collector deletes such dependents unless the owner was deleted with --cascade=orphan, the reference is invalid (an owner in another namespace, a wrong apiVersion) or garbage collection is stuck. A credential made for a pod or a build (BinderHub keeps git credentials for the builder pod's lifespan) should not outlive it: delete the Secret, and revoke the token if nothing else uses it."
  },
  'git-credential-unmounted': {
    id: 'git-credential-unmounted',
    level: 'warning',
    title: 'Git credential mounted nowhere',
    help: 'The Secret holds a git credential (annotation jupyterlab-secret-mounts/git-host, set by create --git-host, or a tekton.dev/git-N annotation), and no pod, pod template, PodDefault or Workspace in scope uses it. A token nobody can use still opens the repository to whoever reads the Secret: revoke it at the git host and delete the Secret, or mount it where it is needed.'
  }
};

export interface IFinding {
  rule: RuleId;
  level: Level;
  message: string;
  namespace: string;
  secret?: string;
  pod?: string;
  container?: string;
}

export type { IConfiguredUse } from './secret-references';

export interface IAuditedSecret extends ISecretMetadata {
  uses: ISecretUse[];
  configured: IConfiguredUse[];
}

export interface IAuditInput {
  secrets: ISecretMetadata[];
  pods: V1Pod[];
  podDefaults: ICustomObject[];
  workspaces: ICustomObject[];
  /** Uses by Notebooks, workload templates, ServiceAccounts and Ingresses. */
  references?: IReference[];
  /** Undefined when bindings could not be read. */
  bindings?: (V1RoleBinding | V1ClusterRoleBinding)[];
  /** Roles and ClusterRoles, to judge what a binding grants; undefined when not readable. */
  roles?: (V1Role | V1ClusterRole)[];
  /** Namespaces whose Secrets were listed (for the missing-Secret check). */
  listedNamespaces: 'all' | string[];
  /** Report env, subPath, mode findings for every pod, not only workspaces. */
  allPods?: boolean;
  /** Secrets (`namespace/name`) all of whose owners are known to be gone. */
  ownersGone?: Map<string, IOwnerRef[]>;
  workspaceLabels?: WorkspaceLabels;
}

export interface IAuditResult {
  secrets: IAuditedSecret[];
  findings: IFinding[];
  pods: number;
  workspacePods: number;
}

// Bound to system:authenticated in every cluster; they grant discovery only.
const DISCOVERY_ROLES = new Set([
  'system:basic-user',
  'system:discovery',
  'system:public-info-viewer',
  'system:service-account-issuer-discovery'
]);

/** kube-apiserver's own bindings, reconciled at every start; they grant discovery and system components only. */
const BOOTSTRAP_LABEL = 'kubernetes.io/bootstrapping';

// Resources every user may "create" to ask what they may do: no access to anything.
const SELF_REVIEWS = new Set([
  'selfsubjectaccessreviews',
  'selfsubjectrulesreviews',
  'selfsubjectreviews'
]);

/** Whether a rule reaches API objects (not only discovery URLs or self-reviews). */
function grantsAccess(rule: V1PolicyRule): boolean {
  return (rule.resources ?? []).some(resource => !SELF_REVIEWS.has(resource));
}

/**
 * Whether a binding gives its subjects any API access. Judged by the role's
 * rules when roles were read; otherwise every role but the discovery ones counts.
 */
function bindingGrantsAccess(
  binding: V1RoleBinding | V1ClusterRoleBinding,
  roles: Map<string, V1Role | V1ClusterRole> | undefined
): boolean {
  if (binding.metadata?.labels?.[BOOTSTRAP_LABEL] === 'rbac-defaults') {
    return false;
  }
  const ref = binding.roleRef;
  if (!roles) {
    return !DISCOVERY_ROLES.has(ref.name);
  }
  const namespace = ref.kind === 'Role' ? binding.metadata?.namespace : '';
  const role = roles.get(`${namespace ?? ''}/${ref.name}`);
  // A binding to a role that does not exist grants nothing (yet).
  return !!role && (role.rules ?? []).some(grantsAccess);
}

/** Service accounts (`ns/name`) that some binding grants API access. */
function boundServiceAccounts(
  bindings: (V1RoleBinding | V1ClusterRoleBinding)[],
  roleList: (V1Role | V1ClusterRole)[] | undefined
): {
  accounts: Set<string>;
  allAccounts: boolean;
  namespaces: Set<string>;
} {
  const roles = roleList
    ? new Map(
        roleList.map(role => [
          `${role.metadata?.namespace ?? ''}/${role.metadata?.name ?? ''}`,
          role
        ])
      )
    : undefined;
  const accounts = new Set<string>();
  const namespaces = new Set<string>();
  let allAccounts = false;
  for (const binding of bindings) {
    if (!bindingGrantsAccess(binding, roles)) {
      continue;
    }
    for (const subject of binding.subjects ?? []) {
      if (subject.kind === 'ServiceAccount') {
        accounts.add(
          `${subject.namespace ?? binding.metadata?.namespace ?? ''}/${subject.name}`
        );
      } else if (subject.kind === 'Group') {
        if (
          subject.name === 'system:serviceaccounts' ||
          subject.name === 'system:authenticated'
        ) {
          allAccounts = true;
        } else if (subject.name.startsWith('system:serviceaccounts:')) {
          namespaces.add(subject.name.slice('system:serviceaccounts:'.length));
        }
      }
    }
  }
  return { accounts, allAccounts, namespaces };
}

interface IPodDefaultSpec {
  volumes?: { name?: string; secret?: { secretName?: string } }[];
  volumeMounts?: { name?: string; mountPath?: string }[];
  env?: {
    name?: string;
    valueFrom?: { secretKeyRef?: { name?: string; key?: string } };
  }[];
  envFrom?: { secretRef?: { name?: string }; prefix?: string }[];
}

interface IWorkspaceSpec {
  podTemplate?: {
    volumes?: { secrets?: { secretName?: string; mountPath?: string }[] };
  };
}

function configuredUses(
  podDefaults: ICustomObject[],
  workspaces: ICustomObject[],
  references: IReference[]
): Map<string, IConfiguredUse[]> {
  const byKey = new Map<string, IConfiguredUse[]>();
  const add = (namespace: string, secretName: string, use: IConfiguredUse) => {
    const key = `${namespace}/${secretName}`;
    byKey.set(key, [...(byKey.get(key) ?? []), use]);
  };
  for (const reference of references) {
    add(reference.namespace, reference.secretName, reference.use);
  }
  for (const object of podDefaults) {
    const namespace = object.metadata?.namespace ?? '';
    const name = object.metadata?.name ?? '';
    const spec = (object.spec ?? {}) as IPodDefaultSpec;
    for (const volume of spec.volumes ?? []) {
      const secretName = volume.secret?.secretName;
      if (secretName) {
        const mount = (spec.volumeMounts ?? []).find(
          m => m.name === volume.name
        );
        add(namespace, secretName, {
          kind: 'poddefault',
          object: name,
          mountPath: mount?.mountPath
        });
      }
    }
    for (const env of spec.env ?? []) {
      const ref = env.valueFrom?.secretKeyRef;
      if (ref?.name) {
        add(namespace, ref.name, {
          kind: 'poddefault',
          object: name,
          envVar: env.name
        });
      }
    }
    for (const source of spec.envFrom ?? []) {
      if (source.secretRef?.name) {
        add(namespace, source.secretRef.name, {
          kind: 'poddefault',
          object: name,
          envVar: `${source.prefix ?? ''}*`
        });
      }
    }
  }
  for (const object of workspaces) {
    const namespace = object.metadata?.namespace ?? '';
    const spec = (object.spec ?? {}) as IWorkspaceSpec;
    for (const entry of spec.podTemplate?.volumes?.secrets ?? []) {
      if (entry.secretName) {
        add(namespace, entry.secretName, {
          kind: 'workspace',
          object: object.metadata?.name ?? '',
          mountPath: entry.mountPath
        });
      }
    }
  }
  return byKey;
}

function podLabel(use: ISecretUse): string {
  return `${use.workspace ? 'workspace pod' : 'pod'} ${use.namespace}/${use.pod}`;
}

/** Findings about how one pod uses Secrets. */
function useFindings(use: ISecretUse): IFinding[] {
  const at = {
    namespace: use.namespace,
    secret: use.secretName,
    pod: use.pod,
    container: use.container
  };
  switch (use.kind) {
    case 'env':
      return [
        {
          ...at,
          rule: 'secret-in-env',
          level: AUDIT_RULES['secret-in-env'].level,
          message: `Container ${use.container} of ${podLabel(use)} exposes key ${use.key} of Secret ${use.secretName} as environment variable ${use.envVar}.`
        }
      ];
    case 'envFrom':
      return [
        {
          ...at,
          rule: 'secret-in-env',
          level: AUDIT_RULES['secret-in-env'].level,
          message: `Container ${use.container} of ${podLabel(use)} exposes every key of Secret ${use.secretName} as environment variables${use.envVar ? ` (prefix ${use.envVar})` : ''}.`
        }
      ];
    case 'subPath':
    case 'folder':
    case 'projected': {
      const findings: IFinding[] = [];
      if (use.kind === 'subPath') {
        findings.push({
          ...at,
          rule: 'subpath-no-rotation',
          level: AUDIT_RULES['subpath-no-rotation'].level,
          message: `Container ${use.container} of ${podLabel(use)} mounts Secret ${use.secretName} with subPath ${use.subPath} at ${use.mountPath}; that file will not follow updates of the Secret.`
        });
      }
      const readable = (use.modes ?? []).filter(
        mode => (parseInt(mode, 8) & 0o004) !== 0
      );
      if (readable.length > 0) {
        findings.push({
          ...at,
          rule: 'world-readable-mode',
          level: AUDIT_RULES['world-readable-mode'].level,
          message: `Secret ${use.secretName} is mounted at ${use.mountPath} in ${podLabel(use)} with mode ${readable.join(', ')}${use.defaultMode ? ' (the default)' : ''}, readable by every user in the container.`
        });
      }
      return findings;
    }
    default:
      return [];
  }
}

/** Combine what was read from the cluster into per-Secret uses and findings. */
export function analyseAudit(input: IAuditInput): IAuditResult {
  const labels = input.workspaceLabels ?? [];
  const secretsByKey = new Map(
    input.secrets.map(secret => [`${secret.namespace}/${secret.name}`, secret])
  );
  const tokenSecrets = new Set(
    input.secrets
      .filter(secret => secret.managedBy === 'service-account')
      .map(s => `${s.namespace}/${s.name}`)
  );
  const usesByKey = new Map<string, ISecretUse[]>();
  const findings: IFinding[] = [];
  const missingReported = new Set<string>();
  const listed = (namespace: string) =>
    input.listedNamespaces === 'all' ||
    input.listedNamespaces.includes(namespace);
  const bound = input.bindings
    ? boundServiceAccounts(input.bindings, input.roles)
    : undefined;
  let workspacePods = 0;

  for (const pod of input.pods) {
    const namespace = pod.metadata?.namespace ?? '';
    const flavor = workspaceFlavor(pod, labels);
    if (flavor) {
      workspacePods++;
    }
    for (const use of secretUsesOfPod(pod, labels)) {
      const key = `${use.namespace}/${use.secretName}`;
      usesByKey.set(key, [...(usesByKey.get(key) ?? []), use]);
      if (flavor || input.allPods) {
        findings.push(...useFindings(use));
      }
      if (
        !secretsByKey.has(key) &&
        !use.optional &&
        listed(use.namespace) &&
        !missingReported.has(`${key}@${use.pod}`)
      ) {
        missingReported.add(`${key}@${use.pod}`);
        findings.push({
          rule: 'secret-missing',
          level: AUDIT_RULES['secret-missing'].level,
          namespace: use.namespace,
          secret: use.secretName,
          pod: use.pod,
          message: `${podLabel(use)} refers to Secret ${use.secretName}, which does not exist.`
        });
      }
    }
    if (flavor) {
      const token = serviceAccountTokenMount(pod, name =>
        tokenSecrets.has(`${namespace}/${name}`)
      );
      if (token) {
        const account = `${namespace}/${token.serviceAccount}`;
        const unneeded = bound
          ? !bound.allAccounts &&
            !bound.namespaces.has(namespace) &&
            !bound.accounts.has(account)
          : token.serviceAccount === 'default';
        if (unneeded) {
          const why = bound
            ? `no role binding grants service account ${token.serviceAccount} access to API resources`
            : `it runs as the namespace's default service account (role bindings could not be read)`;
          findings.push({
            rule: 'unneeded-service-account-token',
            level: AUDIT_RULES['unneeded-service-account-token'].level,
            namespace,
            pod: pod.metadata?.name,
            message: `Workspace pod ${namespace}/${pod.metadata?.name} mounts an API token (volume ${token.volume}) it likely does not need: ${why}.`
          });
        }
      }
    }
  }

  const configured = configuredUses(
    input.podDefaults,
    input.workspaces,
    input.references ?? []
  );
  for (const object of input.podDefaults) {
    const spec = (object.spec ?? {}) as IPodDefaultSpec;
    const namespace = object.metadata?.namespace ?? '';
    const envSecrets = [
      ...(spec.env ?? []).map(env => env.valueFrom?.secretKeyRef?.name),
      ...(spec.envFrom ?? []).map(source => source.secretRef?.name)
    ].filter((name): name is string => !!name);
    for (const secretName of new Set(envSecrets)) {
      findings.push({
        rule: 'secret-in-env',
        level: AUDIT_RULES['secret-in-env'].level,
        namespace,
        secret: secretName,
        message: `PodDefault ${namespace}/${object.metadata?.name} injects Secret ${secretName} into workspaces as environment variables.`
      });
    }
  }

  const secrets: IAuditedSecret[] = input.secrets.map(secret => {
    const key = `${secret.namespace}/${secret.name}`;
    return {
      ...secret,
      uses: usesByKey.get(key) ?? [],
      configured: configured.get(key) ?? []
    };
  });
  for (const secret of secrets) {
    if (secret.valuesInAnnotation) {
      findings.push({
        rule: 'secret-values-in-annotation',
        level: AUDIT_RULES['secret-values-in-annotation'].level,
        namespace: secret.namespace,
        secret: secret.name,
        message: `Secret ${secret.namespace}/${secret.name} keeps a copy of its values in the kubectl last-applied-configuration annotation.`
      });
    }
    const gone = input.ownersGone?.get(`${secret.namespace}/${secret.name}`);
    if (gone) {
      findings.push({
        rule: 'secret-owner-gone',
        level: AUDIT_RULES['secret-owner-gone'].level,
        namespace: secret.namespace,
        secret: secret.name,
        message: `Secret ${secret.namespace}/${secret.name} is owned by ${gone.map(o => `${o.kind} ${o.name} (uid ${o.uid})`).join(' and ')}, which no longer exist${gone.length === 1 ? 's' : ''}.`
      });
    }
    const unused = secret.uses.length === 0 && secret.configured.length === 0;
    if (unused && secret.gitHost) {
      findings.push({
        rule: 'git-credential-unmounted',
        level: AUDIT_RULES['git-credential-unmounted'].level,
        namespace: secret.namespace,
        secret: secret.name,
        message: `Secret ${secret.namespace}/${secret.name} holds a git credential for ${secret.gitHost} and is mounted nowhere: no pod, pod template, PodDefault or Workspace in scope uses it.`
      });
    } else if (unused && !secret.managedBy) {
      findings.push({
        rule: 'secret-unused',
        level: AUDIT_RULES['secret-unused'].level,
        namespace: secret.namespace,
        secret: secret.name,
        message: `Secret ${secret.namespace}/${secret.name} is used nowhere: no pod, pod template, PodDefault, Workspace, Notebook, ServiceAccount or Ingress in scope refers to it.`
      });
    }
  }

  const order: Record<Level, number> = { error: 0, warning: 1, note: 2 };
  findings.sort(
    (a, b) =>
      order[a.level] - order[b.level] ||
      a.rule.localeCompare(b.rule) ||
      a.namespace.localeCompare(b.namespace) ||
      (a.secret ?? '').localeCompare(b.secret ?? '') ||
      (a.pod ?? '').localeCompare(b.pod ?? '')
  );
  secrets.sort(
    (a, b) =>
      a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name)
  );
  return { secrets, findings, pods: input.pods.length, workspacePods };
}
