/**
 * What makes a Secret appear as a folder in a workspace, for each platform:
 * a Kubeflow 1.x PodDefault, a merge patch to a Kubeflow Notebooks 2.0
 * Workspace, or JupyterHub (z2jh / KubeSpawner) values. Pure: the `mount`
 * command reads the existing objects and applies the result.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { isSecretName } from '../secrets/names';
import { KubeError } from './errors';

/** Kubernetes' default file mode for Secret volumes (0644). */
export const DEFAULT_MODE = 420;

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export function assertSecretName(name: string): void {
  if (!isSecretName(name)) {
    // The text is not echoed: people sometimes type a value where a name goes.
    throw new KubeError(
      'The Secret name is not valid: use lower-case letters, digits, "-" and ".", at most 253 characters.'
    );
  }
}

/** A clean absolute container path, or a clear error. */
export function normaliseMountPath(mountPath: string): string {
  if (!mountPath.startsWith('/') || mountPath.startsWith('//')) {
    throw new KubeError(
      `The mount path ${mountPath} must be an absolute path such as /secrets/NAME.`
    );
  }
  if (mountPath.split('/').includes('..') || mountPath.includes(':')) {
    throw new KubeError(
      `The mount path ${mountPath} must not contain ".." or ":".`
    );
  }
  const clean = path.posix.normalize(mountPath).replace(/\/+$/, '');
  if (clean.length < 2 || clean.length > 4096) {
    throw new KubeError(
      `The mount path ${mountPath} must name a folder below / (at most 4096 characters).`
    );
  }
  return clean;
}

export function defaultMountPath(secretName: string): string {
  return `/secrets/${secretName}`;
}

/** A name that is a DNS label (volume names) or label-key name part: <= 63 characters. */
export function shortName(base: string): string {
  const cleaned = base.replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '');
  if (cleaned.length <= 63) {
    return cleaned;
  }
  // Keep it unique when truncating long Secret names.
  const digest = createHash('sha256').update(base).digest('hex').slice(0, 8);
  return `${cleaned.slice(0, 54).replace(/-+$/, '')}-${digest}`;
}

export function parseMode(text: string): number {
  const mode = /^0[0-7]{1,3}$/.test(text)
    ? parseInt(text, 8)
    : /^\d+$/.test(text)
      ? Number(text)
      : NaN;
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o777) {
    throw new KubeError(
      `The mode ${text} is not valid: give an octal mode such as 0440 (or decimal up to 511).`
    );
  }
  return mode;
}

/** A mount that already exists where the new one would go. */
export interface IExistingMount {
  path: string;
  /** Human description, e.g. `PodDefault team/creds (volume creds)`. */
  source: string;
  /** Whether a new mount may sit inside it (a writable volume such as a PVC). */
  nestable: boolean;
}

// Mounting over these breaks the container or hides the API token folder.
const RESERVED = [
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/lib',
  '/lib64',
  '/proc',
  '/sbin',
  '/sys',
  '/usr',
  '/var/run/secrets/kubernetes.io/serviceaccount'
];

function contains(parent: string, child: string): boolean {
  return child.startsWith(`${parent}/`);
}

/** Throw if `mountPath` collides with an existing mount. */
export function assertNoCollision(
  mountPath: string,
  existing: IExistingMount[]
): void {
  for (const reserved of RESERVED) {
    if (mountPath === reserved || contains(mountPath, reserved)) {
      throw new KubeError(
        `Refusing to mount at ${mountPath}: it would hide ${reserved} in the container; choose a path such as /secrets/NAME.`
      );
    }
  }
  for (const mount of existing) {
    const other = mount.path.replace(/\/+$/, '');
    if (other === mountPath) {
      throw new KubeError(
        `Refusing to mount at ${mountPath}: ${mount.source} is already mounted there.`
      );
    }
    if (contains(mountPath, other)) {
      throw new KubeError(
        `Refusing to mount at ${mountPath}: it would cover ${other}, where ${mount.source} is mounted.`
      );
    }
    if (contains(other, mountPath) && !mount.nestable) {
      throw new KubeError(
        `Refusing to mount at ${mountPath}: it is inside ${other}, where ${mount.source} is mounted read-only.`
      );
    }
  }
}

/** What to mount. */
export interface IMountSpec {
  secretName: string;
  namespace: string;
  mountPath: string;
  mode: number;
}

/** Volume kinds that accept nested mount points (the kubelet can create the folder). */
export function isNestableVolume(
  volume: Record<string, unknown> | undefined
): boolean {
  if (!volume) {
    return false;
  }
  return [
    'persistentVolumeClaim',
    'emptyDir',
    'hostPath',
    'nfs',
    'ephemeral'
  ].some(kind => kind in volume);
}

// ---------------------------------------------------------------- PodDefault

export interface IPodDefault {
  apiVersion: 'kubeflow.org/v1alpha1';
  kind: 'PodDefault';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    desc: string;
    selector: { matchLabels: Record<string, string> };
    volumes: {
      name: string;
      secret: { secretName: string; defaultMode: number };
    }[];
    volumeMounts: { name: string; mountPath: string; readOnly: boolean }[];
  };
}

export const MANAGED_BY = {
  'app.kubernetes.io/managed-by': 'jupyterlab-secret-mounts'
};

export interface IPodDefaultOptions {
  /** PodDefault name; default `mount-<secret>`. */
  name?: string;
  /** Selector label key; default `mount-<secret>` (shortened to 63 characters). */
  label?: string;
}

export function podDefaultFor(
  spec: IMountSpec,
  options: IPodDefaultOptions = {}
): IPodDefault {
  const name = options.name ?? `mount-${spec.secretName}`;
  if (!isSecretName(name)) {
    throw new KubeError(`"${name}" is not a valid PodDefault name.`);
  }
  const label = options.label ?? shortName(`mount-${spec.secretName}`);
  const labelName = label.includes('/')
    ? label.slice(label.lastIndexOf('/') + 1)
    : label;
  if (labelName.length > 63 || !LABEL_NAME.test(labelName)) {
    throw new KubeError(`"${label}" is not a valid label key.`);
  }
  // One volume per PodDefault, named after it, so two PodDefaults never clash.
  const volume = shortName(name);
  return {
    apiVersion: 'kubeflow.org/v1alpha1',
    kind: 'PodDefault',
    metadata: { name, namespace: spec.namespace, labels: { ...MANAGED_BY } },
    spec: {
      desc: `Mount Secret ${spec.secretName} at ${spec.mountPath}`,
      selector: { matchLabels: { [label]: 'true' } },
      volumes: [
        {
          name: volume,
          secret: { secretName: spec.secretName, defaultMode: spec.mode }
        }
      ],
      volumeMounts: [
        { name: volume, mountPath: spec.mountPath, readOnly: true }
      ]
    }
  };
}

/** A PodDefault as listed from the cluster (spec untyped until read here). */
interface IPodDefaultLike {
  metadata?: { name?: string };
  spec?: unknown;
}

interface IPodDefaultVolumes {
  volumes?: ({ name?: string } & Record<string, unknown>)[];
  volumeMounts?: { name?: string; mountPath?: string }[];
}

/** Mounts made by the PodDefaults of a namespace (any of which a workspace may select). */
export function podDefaultMounts(
  podDefaults: IPodDefaultLike[],
  except?: string
): IExistingMount[] {
  const mounts: IExistingMount[] = [];
  for (const podDefault of podDefaults) {
    const name = podDefault.metadata?.name ?? '';
    if (name === except) {
      continue;
    }
    const spec = (podDefault.spec ?? {}) as IPodDefaultVolumes;
    for (const mount of spec.volumeMounts ?? []) {
      if (!mount.mountPath) {
        continue;
      }
      const volume = (spec.volumes ?? []).find(v => v.name === mount.name);
      mounts.push({
        path: mount.mountPath,
        source: `PodDefault ${name} (volume ${mount.name})`,
        nestable: isNestableVolume(volume)
      });
    }
  }
  return mounts;
}

// ----------------------------------------------------------------- Workspace

/** One entry of `spec.podTemplate.volumes.secrets[]` (Kubeflow Notebooks 2.0). */
export interface IWorkspaceSecret {
  secretName: string;
  mountPath: string;
  defaultMode?: number;
}

export interface IWorkspaceLike {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
  spec?: {
    kind?: string;
    podTemplate?: {
      volumes?: {
        home?: string;
        data?: { pvcName?: string; mountPath?: string; readOnly?: boolean }[];
        secrets?: IWorkspaceSecret[];
      };
    };
  };
}

/** Mounts a Workspace already has; `homeMountPath` comes from its WorkspaceKind when readable. */
export function workspaceMounts(
  workspace: IWorkspaceLike,
  homeMountPath?: string
): IExistingMount[] {
  const name = workspace.metadata?.name ?? '';
  const volumes = workspace.spec?.podTemplate?.volumes ?? {};
  const mounts: IExistingMount[] = [];
  if (volumes.home && homeMountPath) {
    mounts.push({
      path: homeMountPath,
      source: `the home volume of Workspace ${name}`,
      nestable: true
    });
  }
  for (const data of volumes.data ?? []) {
    if (data.mountPath) {
      mounts.push({
        path: data.mountPath,
        source: `data volume ${data.pvcName ?? ''} of Workspace ${name}`,
        nestable: !data.readOnly
      });
    }
  }
  for (const secret of volumes.secrets ?? []) {
    if (secret.mountPath) {
      mounts.push({
        path: secret.mountPath,
        source: `Secret ${secret.secretName} of Workspace ${name}`,
        nestable: false
      });
    }
  }
  return mounts;
}

/**
 * A JSON merge patch (RFC 7386) adding the Secret. Merge patches replace
 * arrays whole, so it carries the existing entries too, and the
 * resourceVersion it was computed from: the API server refuses it (409) if
 * the Workspace changed in between instead of dropping someone's entry.
 */
export function workspaceMergePatch(
  workspace: IWorkspaceLike,
  spec: IMountSpec
): Record<string, unknown> {
  const existing = workspace.spec?.podTemplate?.volumes?.secrets ?? [];
  const entry: IWorkspaceSecret = {
    secretName: spec.secretName,
    mountPath: spec.mountPath,
    defaultMode: spec.mode
  };
  return {
    metadata: { resourceVersion: workspace.metadata?.resourceVersion },
    spec: { podTemplate: { volumes: { secrets: [...existing, entry] } } }
  };
}

// ------------------------------------------------------- JupyterHub (z2jh)

export type ValuesForm = 'dict' | 'list';

interface IStorageValues {
  homeMountPath?: string;
  extraVolumes?: unknown;
  extraVolumeMounts?: unknown;
}

interface IValues {
  singleuser?: {
    storage?: IStorageValues;
    extraFiles?: Record<string, { mountPath?: string } | null>;
  };
}

type Entry = Record<string, unknown>;

function entries(value: unknown): Entry[] {
  if (Array.isArray(value)) {
    return value.filter(
      (item): item is Entry => !!item && typeof item === 'object'
    );
  }
  if (value && typeof value === 'object') {
    return Object.values(value).filter(
      (item): item is Entry => !!item && typeof item === 'object'
    );
  }
  return [];
}

/** Mounts the given z2jh values already define for user pods. */
export function valuesMounts(values: IValues): IExistingMount[] {
  const storage = values.singleuser?.storage ?? {};
  const mounts: IExistingMount[] = [
    {
      path: storage.homeMountPath ?? '/home/jovyan',
      source: 'the home volume (singleuser.storage.homeMountPath)',
      nestable: true
    }
  ];
  const volumes = entries(storage.extraVolumes);
  for (const mount of entries(storage.extraVolumeMounts)) {
    if (typeof mount.mountPath === 'string') {
      const volume = volumes.find(v => v.name === mount.name);
      mounts.push({
        path: mount.mountPath,
        source: `singleuser.storage.extraVolumeMounts entry ${String(mount.name)}`,
        nestable: isNestableVolume(volume) && mount.readOnly !== true
      });
    }
  }
  for (const [key, file] of Object.entries(
    values.singleuser?.extraFiles ?? {}
  )) {
    if (file && typeof file.mountPath === 'string') {
      mounts.push({
        path: file.mountPath,
        source: `singleuser.extraFiles.${key}`,
        nestable: false
      });
    }
  }
  return mounts;
}

/** Which form the given values use for extraVolumes (list before chart 4.3.0). */
export function valuesForm(values: IValues): ValuesForm | undefined {
  const storage = values.singleuser?.storage ?? {};
  if (
    Array.isArray(storage.extraVolumes) ||
    Array.isArray(storage.extraVolumeMounts)
  ) {
    return 'list';
  }
  if (storage.extraVolumes || storage.extraVolumeMounts) {
    return 'dict';
  }
  return undefined;
}

/**
 * Values to pass to `helm upgrade -f`. Helm merges maps key by key but
 * replaces lists, so the list form repeats the existing entries; the map form
 * (chart 4.3.0 and later) adds one key and leaves the others alone.
 */
export function jupyterhubValues(
  spec: IMountSpec,
  form: ValuesForm,
  values: IValues = {}
): Record<string, unknown> {
  const name = shortName(`secret-${spec.secretName}`);
  const volume = {
    name,
    secret: { secretName: spec.secretName, defaultMode: spec.mode }
  };
  const mount = { name, mountPath: spec.mountPath, readOnly: true };
  const storage = values.singleuser?.storage ?? {};
  if (form === 'list') {
    const volumes = Array.isArray(storage.extraVolumes)
      ? storage.extraVolumes
      : [];
    const mounts = Array.isArray(storage.extraVolumeMounts)
      ? storage.extraVolumeMounts
      : [];
    if (
      volumes.some(
        v => v && typeof v === 'object' && (v as Entry).name === name
      )
    ) {
      throw new KubeError(
        `The values already have an extra volume named ${name}.`
      );
    }
    return {
      singleuser: {
        storage: {
          extraVolumes: [...volumes, volume],
          extraVolumeMounts: [...mounts, mount]
        }
      }
    };
  }
  for (const key of ['extraVolumes', 'extraVolumeMounts'] as const) {
    const current = storage[key];
    if (
      current &&
      typeof current === 'object' &&
      !Array.isArray(current) &&
      name in current
    ) {
      throw new KubeError(
        `The values already have singleuser.storage.${key}.${name}.`
      );
    }
  }
  return {
    singleuser: {
      storage: {
        extraVolumes: { [name]: volume },
        extraVolumeMounts: { [name]: mount }
      }
    }
  };
}
