/**
 * Shapes served by the server extension under `/secret-mounts/`.
 * The server never sends a secret value here: only names and metadata.
 */

/** One key (file) of a mounted secret folder. */
export interface ISecretKey {
  /** Key name relative to the folder; nested keys use `/` (e.g. `tls/cert.pem`). */
  name: string;
  /** Absolute path that code in the kernel should read. */
  path: string;
  /** Size in bytes. */
  size: number;
  /** Permission bits as an octal string, e.g. `0644`. */
  mode: string;
  /** Modification time, seconds since the epoch. */
  mtime: number;
  /** Whether the value is binary (not valid UTF-8 text). */
  binary: boolean;
  /** Whether the text value parses as JSON. */
  json: boolean;
  /** Keyed fingerprint (HMAC, per-server secret key): changes when the value changes; reveals nothing. */
  fingerprint: string;
  /** Set when the key could not be read (broken symlink, permission denied, too large). */
  error?: string;
  /**
   * True when the value is too short or too simple for exact-match leak checks: the server
   * never looks for it (it could be guessed through the check), so pasting it is not flagged.
   */
  tooGuessable?: boolean;
}

/** How a folder was mounted. */
export type MountKind = 'kubernetes' | 'folder';

/** A mounted secret folder. */
export interface ISecretMount {
  /** Absolute path of the folder, e.g. `/secrets/db-creds`. */
  path: string;
  /** Display name (the folder's base name). */
  name: string;
  /** `kubernetes`: kubelet atomic-writer volume (has `..data`); `folder`: plain folder. */
  kind: MountKind;
  /** Whether the content follows Secret updates (false for subPath mounts and plain folders). */
  rotates: boolean;
  /** Set when the mount point is one file (a subPath of one key, e.g. `~/.aws/credentials`). */
  file?: boolean;
  /** Last update time (the `..data` swap for kubelet volumes), seconds since the epoch. */
  updated: number;
  /** The configured root this folder was found under (or `mountinfo`). */
  root: string;
  keys: ISecretKey[];
  /** Which Kubernetes Secret backs this folder, when the server could find out. */
  source?: {
    secretName: string;
    namespace?: string;
    volume?: string;
    keys?: string[];
  };
  /** Set when the folder could not be read. */
  error?: string;
}

/** GET /secret-mounts/mounts */
export interface IMountsResponse {
  mounts: ISecretMount[];
  /** Problems that are not tied to a single folder (e.g. a configured root that is unreadable). */
  warnings: string[];
  /** Changes whenever any folder or key changes; the client sends it back as If-None-Match. */
  etag: string;
  /** Secrets created from here whose key has not appeared in its folder yet. */
  pending?: IPendingMount[];
}

/** Save policy enforced by the server's pre-save hook. */
export type SavePolicy = 'off' | 'warn' | 'block';

/** GET /secret-mounts/policy: admin policy, read-only for users. */
export interface IServerPolicy {
  roots: string[];
  excluded: string[];
  showServiceAccount: boolean;
  allowReveal: boolean;
  revealSeconds: number;
  savePolicy: SavePolicy;
  minMatchLength: number;
  /** Whether users may move a credential into a new Kubernetes Secret from here. */
  allowCreateSecrets?: boolean;
  /** How such a Secret reaches the workspace. */
  createSecretsTarget?: CreateTarget;
  /** Whether saves replace mounted values in outputs with a marker (`redact_outputs`). */
  redactOutputs: boolean;
  /** Whether inline suppression comments count (`allow_inline_suppression`). */
  allowInlineSuppression: boolean;
  /** Whether users may let git read a mounted key (`allow_git_credentials`, Use for git). */
  allowGitCredentials: boolean;
  /**
   * Settings the server refused, one line each naming the setting (it then
   * uses the protective fallback, e.g. `block` for an unreadable save policy).
   */
  configErrors: string[];
}

/** `workspace`: Kubeflow Notebooks 2.0; `poddefault`: Kubeflow 1.x; `none`: the admin mounts it. */
export type CreateTarget = 'workspace' | 'poddefault' | 'none';

/** GET /secret-mounts/kubernetes: whether Secrets can be created from here, and why not. */
export interface ICreateStatus {
  allowed: boolean;
  target: CreateTarget;
  /** Created Secrets are mounted at `<mountRoot>/<secret name>`. */
  mountRoot: string;
  /** True when a Secret can be created and mounted now. */
  ready: boolean;
  namespace: string | null;
  pod: string | null;
  serviceAccount?: string;
  /** The Workspace (Notebooks 2.0) or Notebook (Kubeflow 1.x) that owns this pod. */
  owner: { kind: string; name: string } | null;
  /** Why not, when `ready` is false (one sentence). */
  reason: string;
}

/** POST /secret-mounts/secrets body: the value travels here once, never back. */
export interface IMoveRequest {
  secretName: string;
  key: string;
  value: string;
  /** Add the key to an existing Secret (marked editable) instead of creating one. */
  addKey: boolean;
}

/**
 * When a moved key appears in the workspace: after a restart of the workspace, within about a
 * minute (a key added to a Secret already mounted here), or once an admin mounts it.
 */
export type MoveAppears = 'restart' | 'sync' | 'none';

/** POST /secret-mounts/secrets answer (201). */
export interface IMoved {
  secretName: string;
  key: string;
  namespace: string;
  /** Where the folder will be (`appears: none`: where the admin is to mount it). */
  mountPath: string;
  /** The file code should read: `<mountPath>/<key>`. */
  path: string;
  appears: MoveAppears;
  /** What was changed to mount it, e.g. `Workspace alice`. */
  mountedBy: string;
}

/** A moved key not in its folder yet. */
export interface IPendingMount extends IMoved {
  /** When it was created, seconds since the epoch. */
  since: number;
}

/** The answer to a refused move: a sentence, and which case it was. */
export interface IMoveRefusal {
  message: string;
  /** e.g. `AlreadyExists`, `KeyExists`, `NotEditable`, `MountTaken`, `Invalid`, `Forbidden`. */
  reason: string;
}

/** GET /secret-mounts/version */
export interface IVersionResponse {
  version: string;
}

/** POST /secret-mounts/check body: texts to check for exact mounted values. */
export interface ILeakCheckRequest {
  texts: { id: string; text: string }[];
}

/** One exact-value match; never carries the value. */
export interface ILeakMatch {
  id: string;
  /** UTF-16 code unit offsets into the submitted text (JavaScript string indices). */
  start: number;
  end: number;
  /** Folder path and key name of the matched secret. */
  mount: string;
  key: string;
  /** Which form of the value matched. */
  encoding: 'raw' | 'base64' | 'url';
}

/** POST /secret-mounts/check response. */
export interface ILeakCheckResponse {
  matches: ILeakMatch[];
}

/**
 * POST /secret-mounts/reveal body. Served only when the policy's `allowReveal` is on
 * (403 otherwise); every reveal is audit-logged on the server, never with the value.
 */
export interface IRevealRequest {
  /** Folder path (`ISecretMount.path`). */
  path: string;
  /** Key name within the folder (`ISecretKey.name`, may be nested). */
  key: string;
}

/** POST /secret-mounts/reveal response. */
export interface IRevealResponse {
  value: string;
  /** `base64` for binary values, which cannot be shown as text. */
  encoding: 'utf-8' | 'base64';
  /** How long to show it, per the server policy (`revealSeconds`). */
  hideAfterSeconds?: number;
}
