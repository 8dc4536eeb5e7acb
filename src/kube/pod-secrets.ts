/**
 * How a pod consumes Secrets, read from its spec alone (pure; no API calls).
 */
import type {
  V1Container,
  V1KeyToPath,
  V1Pod,
  V1Volume
} from '@kubernetes/client-node';

/** Which notebook platform started a pod, recognised by the labels it sets. */
export type WorkspaceFlavor =
  'kubeflow-notebooks' | 'kubeflow-workspaces' | 'jupyterhub' | 'custom';

/** Extra label selectors (`key` or `key=value`) that mark workspace pods. */
export type WorkspaceLabels = readonly string[];

export function workspaceFlavor(
  pod: V1Pod,
  extra: WorkspaceLabels = []
): WorkspaceFlavor | undefined {
  const labels = pod.metadata?.labels ?? {};
  if (labels['notebooks.kubeflow.org/workspace-name']) {
    return 'kubeflow-workspaces';
  }
  if (labels['notebook-name']) {
    return 'kubeflow-notebooks';
  }
  if (
    labels['component'] === 'singleuser-server' ||
    labels['app.kubernetes.io/component'] === 'singleuser-server'
  ) {
    return 'jupyterhub';
  }
  for (const selector of extra) {
    const [key, value] = selector.split('=', 2);
    if (key in labels && (value === undefined || labels[key] === value)) {
      return 'custom';
    }
  }
  return undefined;
}

/** How a Secret reaches a container. */
export type SecretUseKind =
  'folder' | 'subPath' | 'projected' | 'env' | 'envFrom' | 'imagePullSecret';

export interface ISecretUse {
  kind: SecretUseKind;
  secretName: string;
  namespace: string;
  pod: string;
  workspace?: WorkspaceFlavor;
  /** Absent for imagePullSecrets. */
  container?: string;
  volume?: string;
  mountPath?: string;
  subPath?: string;
  /** Effective file modes (octal strings) of the files this use creates. */
  modes?: string[];
  /** Whether every file mode comes from the Kubernetes default (no defaultMode nor item mode set). */
  defaultMode?: boolean;
  /** Keys projected (from `items`); absent means all keys. */
  keys?: string[];
  /** Environment variable name (env) or prefix (envFrom). */
  envVar?: string;
  key?: string;
  optional?: boolean;
}

const DEFAULT_MODE = 0o644;

export function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}

function itemModes(
  items: V1KeyToPath[] | undefined,
  fallback: number
): number[] {
  if (!items || items.length === 0) {
    return [fallback];
  }
  return [...new Set(items.map(item => item.mode ?? fallback))];
}

function allContainers(pod: V1Pod): V1Container[] {
  const spec = pod.spec;
  if (!spec) {
    return [];
  }
  // Ephemeral containers share the container shape for env and mounts.
  return [
    ...(spec.initContainers ?? []),
    ...spec.containers,
    ...((spec.ephemeralContainers ?? []) as V1Container[])
  ];
}

interface ISecretSource {
  secretName: string;
  modes: number[];
  defaultMode: boolean;
  keys?: string[];
  optional?: boolean;
  projected: boolean;
}

/** One Secret behind a volume: its items and the modes its files get. */
function describeSource(
  secretName: string,
  items: V1KeyToPath[] | undefined,
  volumeDefaultMode: number | undefined,
  optional: boolean | undefined,
  projected: boolean
): ISecretSource {
  return {
    secretName,
    modes: itemModes(items, volumeDefaultMode ?? DEFAULT_MODE),
    defaultMode:
      volumeDefaultMode === undefined &&
      !(items ?? []).some(item => item.mode !== undefined),
    keys: items?.map(item => item.key),
    optional,
    projected
  };
}

/** Secret sources of one volume, with the file modes each produces. */
function secretSourcesOf(volume: V1Volume): ISecretSource[] {
  const secret = volume.secret;
  if (secret?.secretName) {
    return [
      describeSource(
        secret.secretName,
        secret.items,
        secret.defaultMode,
        secret.optional,
        false
      )
    ];
  }
  const projected = volume.projected;
  const sources: ISecretSource[] = [];
  for (const source of projected?.sources ?? []) {
    const name = source.secret?.name;
    if (name) {
      sources.push(
        describeSource(
          name,
          source.secret?.items,
          projected?.defaultMode,
          source.secret?.optional,
          true
        )
      );
    }
  }
  return sources;
}

/** Every way this pod consumes a Secret. */
export function secretUsesOfPod(
  pod: V1Pod,
  extraWorkspaceLabels: WorkspaceLabels = []
): ISecretUse[] {
  const namespace = pod.metadata?.namespace ?? '';
  const podName = pod.metadata?.name ?? '';
  const workspace = workspaceFlavor(pod, extraWorkspaceLabels);
  const base = { namespace, pod: podName, workspace };
  const uses: ISecretUse[] = [];
  const volumes = new Map(
    (pod.spec?.volumes ?? []).map(volume => [volume.name, volume])
  );

  for (const container of allContainers(pod)) {
    for (const mount of container.volumeMounts ?? []) {
      const volume = volumes.get(mount.name);
      if (!volume) {
        continue;
      }
      const subPath = mount.subPath || mount.subPathExpr || undefined;
      for (const source of secretSourcesOf(volume)) {
        uses.push({
          ...base,
          kind: subPath ? 'subPath' : source.projected ? 'projected' : 'folder',
          secretName: source.secretName,
          container: container.name,
          volume: volume.name,
          mountPath: mount.mountPath,
          subPath,
          modes: source.modes.map(octal),
          defaultMode: source.defaultMode,
          keys: source.keys,
          optional: source.optional
        });
      }
    }
    for (const env of container.env ?? []) {
      const ref = env.valueFrom?.secretKeyRef;
      if (ref?.name) {
        uses.push({
          ...base,
          kind: 'env',
          secretName: ref.name,
          container: container.name,
          envVar: env.name,
          key: ref.key,
          optional: ref.optional
        });
      }
    }
    for (const source of container.envFrom ?? []) {
      if (source.secretRef?.name) {
        uses.push({
          ...base,
          kind: 'envFrom',
          secretName: source.secretRef.name,
          container: container.name,
          envVar: source.prefix,
          optional: source.secretRef.optional
        });
      }
    }
  }
  for (const ref of pod.spec?.imagePullSecrets ?? []) {
    if (ref.name) {
      uses.push({ ...base, kind: 'imagePullSecret', secretName: ref.name });
    }
  }
  return uses;
}

/** The API-access token a pod mounts, if any (projected or legacy secret). */
export interface ITokenMount {
  serviceAccount: string;
  volume: string;
  containers: string[];
}

export function serviceAccountTokenMount(
  pod: V1Pod,
  isTokenSecret: (secretName: string) => boolean = () => false
): ITokenMount | undefined {
  const volumes = pod.spec?.volumes ?? [];
  const tokenVolume = volumes.find(
    volume =>
      (volume.projected?.sources ?? []).some(
        // No audience (or the API server's) means a token for the Kubernetes API.
        source =>
          source.serviceAccountToken && !source.serviceAccountToken.audience
      ) ||
      (volume.secret?.secretName !== undefined &&
        isTokenSecret(volume.secret.secretName))
  );
  if (!tokenVolume) {
    return undefined;
  }
  const containers = allContainers(pod)
    .filter(container =>
      (container.volumeMounts ?? []).some(
        mount => mount.name === tokenVolume.name
      )
    )
    .map(container => container.name);
  if (containers.length === 0) {
    return undefined;
  }
  return {
    serviceAccount: pod.spec?.serviceAccountName || 'default',
    volume: tokenVolume.name,
    containers
  };
}
