/**
 * A local fake of the Kubernetes API server, for tests and benchmarks only.
 *
 * Core types (Secrets, Pods, ...) and RBAC objects cannot be served by a real
 * server on these machines; custom resources can (test/kube-real, where
 * contract.spec.ts checks this fake against the real server). This fake
 * serves, over HTTPS on a random loopback port, the JSON shapes that the real
 * kube-apiserver serves for the calls this project makes. Every shape below is
 * modelled on the Kubernetes API reference (https://kubernetes.io/docs/reference/kubernetes-api/)
 * and the API concepts page (https://kubernetes.io/docs/reference/using-api/api-concepts/):
 *
 * - typed lists (`SecretList`, `PodList`, ...): `kind`, `apiVersion`,
 *   `metadata.resourceVersion`, items without `kind`/`apiVersion`; custom
 *   resource lists keep them on each item, as the real server does;
 * - metadata-only lists: `Accept: application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1`
 *   answers `{"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1",
 *   "items":[{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{…}}]}`;
 *   `as=PartialObjectMetadata` does the same for a single object; an Accept
 *   header that names no representation the server can produce gets 406;
 * - chunking: `limit` and `continue`, with `metadata.continue` and
 *   `remainingItemCount`; continue tokens are base64 JSON `{"v","rv","start"}`
 *   like the real server's, and after `compact()` an old token gets
 *   `410 Expired` with a fresh token in the Status;
 * - errors are `Status` objects (`kind: Status`, `status: Failure`, `reason`,
 *   `details`, `code`) for 400, 401, 403, 404, 406, 409 (AlreadyExists and
 *   Conflict), 410, 415 and 422, with the real servers' message wording;
 * - writes set `uid`, `resourceVersion`, `creationTimestamp` and a
 *   `managedFields` entry; `PUT` honours `resourceVersion` (409 Conflict);
 *   `PATCH` takes merge patches (RFC 7386, with a `resourceVersion`
 *   precondition) and JSON patches (RFC 6902); strategic merge patch is
 *   refused for custom resources (415) as the real server does;
 * - Secrets are validated like the real server does for what the tests use
 *   (key names, base64, 1 MiB, immutable data and type); custom resources can
 *   be validated against their CRD schema (see `validators`).
 *
 * Not modelled: watch, protobuf, Table output, field selectors, server-side
 * apply, admission webhooks, and snapshot consistency of chunked lists (pages
 * are cut from the current state).
 */
import { randomUUID } from 'node:crypto';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { applyPatch, type Operation } from 'fast-json-patch';
import {
  BOOTSTRAP_CLUSTER_ROLE_BINDINGS,
  BOOTSTRAP_CLUSTER_ROLES,
  BOOTSTRAP_NAMESPACES
} from './bootstrap-rbac';
import { testCertificate } from './test-tls';

type Json = Record<string, unknown>;

/** A resource type the fake serves. */
export interface IResourceType {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  /** Custom resource: list items keep kind/apiVersion; no strategic merge patch. */
  custom: boolean;
}

export const RESOURCE_TYPES: IResourceType[] = [
  {
    group: '',
    version: 'v1',
    plural: 'secrets',
    kind: 'Secret',
    namespaced: true,
    custom: false
  },
  {
    group: '',
    version: 'v1',
    plural: 'pods',
    kind: 'Pod',
    namespaced: true,
    custom: false
  },
  {
    group: '',
    version: 'v1',
    plural: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
    custom: false
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'rolebindings',
    kind: 'RoleBinding',
    namespaced: true,
    custom: false
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'clusterrolebindings',
    kind: 'ClusterRoleBinding',
    namespaced: false,
    custom: false
  },
  {
    group: '',
    version: 'v1',
    plural: 'serviceaccounts',
    kind: 'ServiceAccount',
    namespaced: true,
    custom: false
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'roles',
    kind: 'Role',
    namespaced: true,
    custom: false
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'clusterroles',
    kind: 'ClusterRole',
    namespaced: false,
    custom: false
  },
  ...(
    [
      ['apps', 'deployments', 'Deployment'],
      ['apps', 'statefulsets', 'StatefulSet'],
      ['apps', 'daemonsets', 'DaemonSet'],
      ['batch', 'jobs', 'Job'],
      ['batch', 'cronjobs', 'CronJob'],
      ['networking.k8s.io', 'ingresses', 'Ingress']
    ] as const
  ).map(([group, plural, kind]) => ({
    group,
    version: 'v1',
    plural,
    kind,
    namespaced: true,
    custom: false
  })),
  {
    group: 'kubeflow.org',
    version: 'v1',
    plural: 'notebooks',
    kind: 'Notebook',
    namespaced: true,
    custom: true
  },
  {
    group: 'kubeflow.org',
    version: 'v1alpha1',
    plural: 'poddefaults',
    kind: 'PodDefault',
    namespaced: true,
    custom: true
  },
  {
    group: 'kubeflow.org',
    version: 'v1beta1',
    plural: 'workspaces',
    kind: 'Workspace',
    namespaced: true,
    custom: true
  },
  {
    group: 'kubeflow.org',
    version: 'v1beta1',
    plural: 'workspacekinds',
    kind: 'WorkspaceKind',
    namespaced: false,
    custom: true
  }
];

export type Verb = 'get' | 'list' | 'create' | 'update' | 'patch' | 'delete';

export interface IAccessRequest {
  verb: Verb;
  resource: string;
  group: string;
  namespace?: string;
  name?: string;
}

/** A bearer token and what it may do (RBAC stand-in). */
export interface IFakeUser {
  name: string;
  allow: (request: IAccessRequest) => boolean;
}

export interface IRecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  accept: string;
  contentType: string;
  status: number;
  /** Bytes of the response body. */
  bytes: number;
  /** The response body, when `recordBodies` is on. */
  body?: string;
  /** Whether the response was sent gzip-compressed. */
  gzip?: boolean;
}

/**
 * A failure to answer instead of the next matching request: 429 with
 * `Retry-After` (API Priority and Fairness), or a transient 5xx.
 */
export interface IFault {
  code: 429 | 500 | 503 | 504;
  /** Seconds, sent as `Retry-After` (429 always has one; default 1). */
  retryAfter?: number;
  /** Which requests it hits (default: any). */
  match?: (request: { method: string; path: string }) => boolean;
  /** How many requests it hits (default 1). */
  times?: number;
}

const FAULT_STATUS: Record<IFault['code'], [string, string]> = {
  429: ['TooManyRequests', 'Too many requests, please try again later.'],
  500: [
    'InternalError',
    'Internal error occurred: etcdserver: request timed out'
  ],
  503: [
    'ServiceUnavailable',
    'the server is currently unable to handle the request'
  ],
  504: [
    'Timeout',
    'Timeout: request did not complete within requested timeout - context deadline exceeded'
  ]
};

/** kube-apiserver compresses responses of at least this many bytes (APIResponseCompression). */
const GZIP_THRESHOLD = 128 * 1024;

/** Validates a custom resource; returns error causes (field + message) or []. */
export type Validator = (
  object: Json
) => { field: string; message: string; reason?: string }[];

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Keys each built-in Secret type must have (ValidateSecret in pkg/apis/core/validation). */
const REQUIRED_SECRET_KEYS: Record<string, string[][]> = {
  'kubernetes.io/tls': [['tls.crt'], ['tls.key']],
  'kubernetes.io/dockerconfigjson': [['.dockerconfigjson']],
  'kubernetes.io/dockercfg': [['.dockercfg']],
  'kubernetes.io/ssh-auth': [['ssh-privatekey']],
  // At least one of the two.
  'kubernetes.io/basic-auth': [['username', 'password']]
};

type Cause = { field: string; message: string; reason: string };

/** metadata.labels as ValidateLabels checks them (qualified-name keys, label values). */
function labelCauses(labels: unknown): Cause[] {
  const causes: Cause[] = [];
  for (const [key, value] of Object.entries(
    (labels as Record<string, unknown>) ?? {}
  )) {
    const slash = key.lastIndexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = key.slice(slash + 1);
    if (
      !LABEL_NAME.test(name) ||
      name.length > 63 ||
      (prefix !== undefined &&
        (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)))
    ) {
      causes.push({
        field: 'metadata.labels',
        reason: 'FieldValueInvalid',
        message: `Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`
      });
    }
    if (
      typeof value !== 'string' ||
      value.length > 63 ||
      !LABEL_VALUE.test(value)
    ) {
      causes.push({
        field: 'metadata.labels',
        reason: 'FieldValueInvalid',
        message: `Invalid value: "${String(value)}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`
      });
    }
  }
  return causes;
}

/**
 * `metadata.ownerReferences` as kube-apiserver validates them (ValidateOwnerReferences):
 * apiVersion, kind, name and uid required, at most one controller.
 */
function ownerReferenceCauses(references: unknown): Cause[] {
  if (references === undefined) {
    return [];
  }
  const field = 'metadata.ownerReferences';
  if (!Array.isArray(references)) {
    return [
      {
        field,
        reason: 'FieldValueInvalid',
        message: 'Invalid value: must be a list'
      }
    ];
  }
  const causes: Cause[] = [];
  references.forEach((reference: Json, index: number) => {
    for (const key of ['apiVersion', 'kind', 'name', 'uid']) {
      if (typeof reference?.[key] !== 'string' || reference[key] === '') {
        causes.push({
          field: `${field}[${index}].${key}`,
          reason: 'FieldValueInvalid',
          message: `Invalid value: "": ${key} must not be empty`
        });
      }
    }
  });
  const controllers = references.filter((r: Json) => r?.controller === true);
  if (controllers.length > 1) {
    causes.push({
      field,
      reason: 'FieldValueInvalid',
      message: `Invalid value: Only one reference can have Controller set to true. Found "true" in references for ${controllers.map((r: Json) => `${r.kind}/${r.name}`).join(' and ')}`
    });
  }
  return causes;
}

/** Keys the Secret's type requires and that are missing. */
function secretTypeCauses(object: Json): Cause[] {
  const data = (object.data as Record<string, string>) ?? {};
  const type = String(object.type ?? 'Opaque');
  const causes: Cause[] = [];
  for (const anyOf of REQUIRED_SECRET_KEYS[type] ?? []) {
    if (!anyOf.some(key => key in data)) {
      causes.push(
        ...anyOf.map(key => ({
          field: `data[${key}]`,
          reason: 'FieldValueRequired',
          message: 'Required value'
        }))
      );
    }
  }
  if (
    type === 'kubernetes.io/service-account-token' &&
    !((object.metadata as Json)?.annotations as Json | undefined)?.[
      'kubernetes.io/service-account.name'
    ]
  ) {
    causes.push({
      field: 'metadata.annotations[kubernetes.io/service-account.name]',
      reason: 'FieldValueRequired',
      message: 'Required value'
    });
  }
  return causes;
}
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const MAX_SECRET_BYTES = 1024 * 1024;

class HttpFailure extends Error {
  constructor(
    readonly code: number,
    readonly status: Json,
    /** Sent as text/plain instead of a Status (paths no API serves). */
    readonly plain?: string
  ) {
    super(String(status.message));
  }
}

/**
 * A path that no API group serves: the real server's mux answers plain text,
 * not a Status (client-go then says "the server could not find the requested
 * resource").
 */
function notServed(): HttpFailure {
  return new HttpFailure(404, {}, '404 page not found\n');
}

function status(
  code: number,
  reason: string,
  message: string,
  details?: Json,
  metadata: Json = {}
): HttpFailure {
  return new HttpFailure(code, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata,
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code
  });
}

function groupResource(type: IResourceType): string {
  return type.group ? `${type.plural}.${type.group}` : type.plural;
}

function apiVersionOf(type: IResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) {
    return patch;
  }
  const result: Json =
    target && typeof target === 'object' && !Array.isArray(target)
      ? { ...(target as Json) }
      : {};
  for (const [key, value] of Object.entries(patch as Json)) {
    if (value === null) {
      delete result[key];
    } else {
      result[key] = mergePatch(result[key], value);
    }
  }
  return result;
}

interface IContinueToken {
  v: string;
  rv: number;
  start: string;
}

function encodeContinue(rv: number, start: string): string {
  const token: IContinueToken = { v: 'meta.k8s.io/v1', rv, start };
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeContinue(text: string): IContinueToken {
  try {
    const token = JSON.parse(
      Buffer.from(text, 'base64url').toString('utf8')
    ) as IContinueToken;
    if (
      token.v !== 'meta.k8s.io/v1' ||
      typeof token.rv !== 'number' ||
      typeof token.start !== 'string'
    ) {
      throw new Error('bad token');
    }
    return token;
  } catch {
    throw status(
      400,
      'BadRequest',
      `continue key is not valid: illegal base64 data at input byte 0`
    );
  }
}

/** Which representation an Accept header asks for. */
type Representation = 'object' | 'metadata' | 'table';

function negotiate(accept: string, list: boolean): Representation {
  if (!accept) {
    return 'object';
  }
  const partial = list ? 'PartialObjectMetadataList' : 'PartialObjectMetadata';
  for (const range of accept.split(',')) {
    const [type, ...rawParams] = range.split(';').map(part => part.trim());
    const params = Object.fromEntries(
      rawParams.map(param => {
        const [key, value = ''] = param.split('=');
        return [key.trim(), value.trim()];
      })
    );
    if (params.q === '0') {
      continue;
    }
    if (!['application/json', 'application/*', '*/*'].includes(type)) {
      continue;
    }
    if (params.as === undefined) {
      return 'object';
    }
    if (
      params.as === partial &&
      params.g === 'meta.k8s.io' &&
      (params.v === 'v1' || params.v === 'v1beta1')
    ) {
      return 'metadata';
    }
    if (
      !list &&
      params.as === 'Table' &&
      params.g === 'meta.k8s.io' &&
      params.v === 'v1'
    ) {
      return 'table';
    }
  }
  throw status(
    406,
    'NotAcceptable',
    'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf'
  );
}

export class FakeApiServer {
  /** Objects by resource plural, then by `namespace/name` (or `name`). */
  readonly store = new Map<string, Map<string, Json>>();
  readonly users = new Map<string, IFakeUser>();
  readonly requests: IRecordedRequest[] = [];
  /** Custom resources whose CRD is "installed"; others answer 404. */
  readonly installed = new Set([
    'notebooks',
    'poddefaults',
    'workspaces',
    'workspacekinds'
  ]);
  readonly validators = new Map<string, Validator>();
  /** Keep response bodies in `requests` (tests that look for leaked values). */
  recordBodies = false;
  /** Hold every answer this long (time-out tests). */
  delayMs = 0;
  /** Called after each response is written (tests use it to act between pages). */
  afterRequest?: (record: IRecordedRequest) => void;
  /** Failures to serve instead of answers, in order (see `IFault`). */
  readonly faults: IFault[] = [];
  private resourceVersion = 1000;
  private compactedBefore = 0;
  private closedSocketBytes = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: https.Server,
    readonly url: string,
    readonly caPem: string
  ) {}

  /** Start on a random free loopback port. */
  static async start(): Promise<FakeApiServer> {
    const { cert, key } = testCertificate();
    const server = https.createServer({ cert, key });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const fake = new FakeApiServer(server, `https://127.0.0.1:${port}`, cert);
    // Raw TCP sockets: bytesWritten counts what the client really received (TLS included).
    server.on('connection', (socket: Socket) => {
      fake.sockets.add(socket);
      socket.on('close', () => {
        fake.closedSocketBytes += socket.bytesWritten;
        fake.sockets.delete(socket);
      });
    });
    server.on('request', (request, response) => fake.handle(request, response));
    fake.seedBootstrap();
    return fake;
  }

  /** What every cluster has before anyone touches it. */
  private seedBootstrap(): void {
    for (const name of BOOTSTRAP_NAMESPACES) {
      this.ensureNamespace(name);
    }
    BOOTSTRAP_CLUSTER_ROLES.forEach(role => this.add('clusterroles', role));
    BOOTSTRAP_CLUSTER_ROLE_BINDINGS.forEach(binding =>
      this.add('clusterrolebindings', binding)
    );
  }

  private ensureNamespace(namespace: string): void {
    const namespaces = this.bucket('namespaces');
    if (!namespaces.has(namespace)) {
      namespaces.set(
        namespace,
        this.stamp(
          {
            metadata: { name: namespace },
            spec: { finalizers: ['kubernetes'] },
            status: { phase: 'Active' }
          },
          'kube-apiserver',
          this.type('namespaces')
        )
      );
    }
  }

  /** The next fault that applies to this request, used up by one. */
  private takeFault(method: string, path: string): IFault | undefined {
    const index = this.faults.findIndex(
      fault => !fault.match || fault.match({ method, path })
    );
    if (index < 0) {
      return undefined;
    }
    const fault = this.faults[index];
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) {
      this.faults.splice(index, 1);
    }
    return fault;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await new Promise<void>(resolve => this.server.close(() => resolve()));
  }

  /** Bytes written to clients at the socket level since start (or the last reset). */
  bytesSent(): number {
    let open = 0;
    this.sockets.forEach(socket => (open += socket.bytesWritten));
    return this.closedSocketBytes + open;
  }

  resetCounters(): void {
    this.closedSocketBytes = -[...this.sockets].reduce(
      (sum, socket) => sum + socket.bytesWritten,
      0
    );
    this.requests.length = 0;
  }

  addUser(token: string, user: IFakeUser): void {
    this.users.set(token, user);
  }

  /**
   * Make every continue token issued so far expire, as etcd compaction does
   * after other writes moved the revision on; lists started now still work.
   */
  compact(): void {
    this.resourceVersion += 1;
    this.compactedBefore = this.resourceVersion;
  }

  private type(plural: string): IResourceType {
    const type = RESOURCE_TYPES.find(t => t.plural === plural);
    if (!type) {
      throw new Error(`unknown resource ${plural}`);
    }
    return type;
  }

  private bucket(plural: string): Map<string, Json> {
    let bucket = this.store.get(plural);
    if (!bucket) {
      bucket = new Map();
      this.store.set(plural, bucket);
    }
    return bucket;
  }

  private nextVersion(): string {
    this.resourceVersion += 1;
    return String(this.resourceVersion);
  }

  /** Server-set metadata of a newly created object. */
  private stamp(object: Json, manager: string, type: IResourceType): Json {
    const metadata = { ...((object.metadata as Json) ?? {}) };
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    metadata.uid = randomUUID();
    metadata.resourceVersion = this.nextVersion();
    metadata.creationTimestamp = now;
    if (type.custom) {
      metadata.generation = 1;
    }
    const fields: Json = {};
    for (const key of Object.keys(object)) {
      if (!['apiVersion', 'kind', 'metadata', 'status'].includes(key)) {
        fields[`f:${key}`] = {};
      }
    }
    metadata.managedFields = [
      {
        manager,
        operation: 'Update',
        apiVersion: apiVersionOf(type),
        time: now,
        fieldsType: 'FieldsV1',
        fieldsV1: fields
      }
    ];
    return {
      ...object,
      apiVersion: apiVersionOf(type),
      kind: type.kind,
      metadata
    };
  }

  /** Add an object directly (test set-up), as if created by `kubectl`. */
  add(plural: string, object: Json): Json {
    const type = this.type(plural);
    const metadata = (object.metadata as Json) ?? {};
    const stored = this.stamp(object, 'kubectl-create', type);
    const key = type.namespaced
      ? `${String(metadata.namespace)}/${String(metadata.name)}`
      : String(metadata.name);
    this.bucket(plural).set(key, stored);
    if (type.namespaced) {
      this.ensureNamespace(String(metadata.namespace));
    }
    return stored;
  }

  /** Remove an object directly (test set-up); like a real server, nothing else is deleted with it. */
  remove(plural: string, namespace: string | undefined, name: string): void {
    this.bucket(plural).delete(namespace ? `${namespace}/${name}` : name);
  }

  get(
    plural: string,
    namespace: string | undefined,
    name: string
  ): Json | undefined {
    return this.bucket(plural).get(namespace ? `${namespace}/${name}` : name);
  }

  private async handle(
    request: import('node:http').IncomingMessage,
    response: import('node:http').ServerResponse
  ): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    const query = Object.fromEntries(url.searchParams.entries());
    const record: IRecordedRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query,
      accept: String(request.headers.accept ?? ''),
      contentType: String(request.headers['content-type'] ?? ''),
      status: 200,
      bytes: 0
    };
    const chunks: Buffer[] = [];
    for await (const chunk of request) {
      chunks.push(chunk as Buffer);
    }
    let body: Json;
    let code = 200;
    let plain: string | undefined;
    const headers: Record<string, string> = {};
    try {
      const fault = this.takeFault(record.method, url.pathname);
      if (fault) {
        const [reason, message] = FAULT_STATUS[fault.code];
        if (fault.code === 429 || fault.retryAfter !== undefined) {
          const seconds = fault.retryAfter ?? 1;
          headers['Retry-After'] = String(seconds);
          throw status(fault.code, reason, message, {
            retryAfterSeconds: seconds
          });
        }
        throw status(fault.code, reason, message);
      }
      const user = this.authenticate(
        String(request.headers.authorization ?? '')
      );
      ({ code, body } = this.route(
        record,
        url.pathname,
        query,
        Buffer.concat(chunks),
        user,
        String(request.headers['user-agent'] ?? '')
      ));
    } catch (error) {
      if (!(error instanceof HttpFailure)) {
        throw error;
      }
      code = error.code;
      body = error.status;
      plain = error.plain;
    }
    if (this.delayMs > 0) {
      await new Promise(resolve => setTimeout(resolve, this.delayMs));
    }
    const text = plain ?? JSON.stringify(body);
    record.status = code;
    record.bytes = Buffer.byteLength(text);
    if (this.recordBodies) {
      record.body = text;
    }
    this.requests.push(record);
    let payload: Buffer = Buffer.from(text);
    if (
      payload.length >= GZIP_THRESHOLD &&
      /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))
    ) {
      payload = gzipSync(payload);
      headers['Content-Encoding'] = 'gzip';
      record.gzip = true;
    }
    response.writeHead(code, {
      ...headers,
      'Content-Type': plain ? 'text/plain; charset=utf-8' : 'application/json',
      'Content-Length': payload.length,
      'Audit-Id': randomUUID()
    });
    response.end(payload);
    this.afterRequest?.(record);
  }

  private authenticate(header: string): IFakeUser {
    const match = /^Bearer (.+)$/.exec(header);
    const user = match ? this.users.get(match[1]) : undefined;
    if (!user) {
      throw status(401, 'Unauthorized', 'Unauthorized');
    }
    return user;
  }

  private authorize(user: IFakeUser, request: IAccessRequest): void {
    if (user.allow(request)) {
      return;
    }
    const what = request.name
      ? `${request.resource}${request.group ? `.${request.group}` : ''} "${request.name}"`
      : `${request.resource}${request.group ? `.${request.group}` : ''}`;
    const where = request.namespace
      ? `in the namespace "${request.namespace}"`
      : 'at the cluster scope';
    throw status(
      403,
      'Forbidden',
      `${what} is forbidden: User "${user.name}" cannot ${request.verb} resource "${request.resource}" in API group "${request.group}" ${where}`,
      {
        ...(request.name ? { name: request.name } : {}),
        ...(request.group ? { group: request.group } : {}),
        kind: request.resource
      }
    );
  }

  /** Parse `/api/v1/...` and `/apis/{group}/{version}/...`. */
  private parsePath(path: string): {
    type: IResourceType;
    namespace?: string;
    name?: string;
  } {
    const parts = path.split('/').filter(Boolean);
    let group = '';
    let version: string;
    let rest: string[];
    if (parts[0] === 'api' && parts.length >= 2) {
      version = parts[1];
      rest = parts.slice(2);
    } else if (parts[0] === 'apis' && parts.length >= 3) {
      group = parts[1];
      version = parts[2];
      rest = parts.slice(3);
    } else {
      throw notServed();
    }
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const type = RESOURCE_TYPES.find(
      t => t.group === group && t.version === version && t.plural === rest[0]
    );
    if (
      !type ||
      rest.length > 2 ||
      (type.custom && !this.installed.has(type.plural)) ||
      (namespace && !type.namespaced)
    ) {
      throw notServed();
    }
    return { type, namespace, name: rest[1] };
  }

  private route(
    record: IRecordedRequest,
    path: string,
    query: Record<string, string>,
    raw: Buffer,
    user: IFakeUser,
    userAgent: string
  ): { code: number; body: Json } {
    const { type, namespace, name } = this.parsePath(path);
    const method = record.method;
    // The real server names the writer after ?fieldManager=, else the user agent's program.
    const manager = query.fieldManager || userAgent.split('/')[0] || 'unknown';
    if (manager.length > 128) {
      throw status(
        422,
        'Invalid',
        `fieldManager: Too long: may not be more than 128 bytes`
      );
    }
    const verb: Verb =
      method === 'GET'
        ? name
          ? 'get'
          : 'list'
        : method === 'POST'
          ? 'create'
          : method === 'PUT'
            ? 'update'
            : method === 'PATCH'
              ? 'patch'
              : 'delete';
    if (
      (verb === 'create' && name) ||
      (verb !== 'list' && verb !== 'create' && !name)
    ) {
      throw status(
        405,
        'MethodNotAllowed',
        `the server does not allow this method on the requested resource`,
        {}
      );
    }
    this.authorize(user, {
      verb,
      resource: type.plural,
      group: type.group,
      namespace,
      name
    });
    switch (verb) {
      case 'list':
        return {
          code: 200,
          body: this.list(
            type,
            namespace,
            query,
            negotiate(record.accept, true)
          )
        };
      case 'get':
        return {
          code: 200,
          body: this.present(
            type,
            this.existing(type, namespace, name!),
            negotiate(record.accept, false)
          )
        };
      case 'create':
        return {
          code: 201,
          body: this.create(type, namespace, this.parseBody(raw), manager)
        };
      case 'update':
        return {
          code: 200,
          body: this.update(
            type,
            namespace,
            name!,
            this.parseBody(raw),
            manager
          )
        };
      case 'patch':
        return {
          code: 200,
          body: this.patch(
            type,
            namespace,
            name!,
            raw,
            record.contentType,
            manager
          )
        };
      default: {
        const gone = this.existing(type, namespace, name!);
        this.bucket(type.plural).delete(
          namespace ? `${namespace}/${name}` : name!
        );
        return {
          code: 200,
          body: {
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Success',
            details: {
              name,
              ...(type.group ? { group: type.group } : {}),
              kind: type.plural,
              uid: (gone.metadata as Json).uid
            }
          }
        };
      }
    }
  }

  private parseBody(raw: Buffer): Json {
    try {
      const value = JSON.parse(raw.toString('utf8')) as unknown;
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        return value as Json;
      }
    } catch {
      // fall through
    }
    throw status(
      400,
      'BadRequest',
      'the body of the request was in an unknown format'
    );
  }

  private existing(
    type: IResourceType,
    namespace: string | undefined,
    name: string
  ): Json {
    const object = this.get(type.plural, namespace, name);
    if (!object) {
      throw status(
        404,
        'NotFound',
        `${groupResource(type)} "${name}" not found`,
        {
          name,
          ...(type.group ? { group: type.group } : {}),
          kind: type.plural
        }
      );
    }
    return object;
  }

  /** An object as the client asked for it: whole, or metadata only. */
  private present(
    type: IResourceType,
    object: Json,
    representation: Representation
  ): Json {
    if (representation === 'metadata') {
      return {
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: object.metadata
      };
    }
    if (representation === 'table') {
      return this.table(type, object);
    }
    return object;
  }

  /**
   * `as=Table` with `includeObject=None`, as `kubectl get` reads it. Secrets
   * get kubectl's columns (NAME, TYPE, DATA = number of keys, AGE); other
   * types NAME and AGE.
   */
  private table(type: IResourceType, object: Json): Json {
    const metadata = object.metadata as Json;
    const column = (name: string, kind: string, description: string) => ({
      name,
      type: kind,
      format: name === 'Name' ? 'name' : '',
      description,
      priority: 0
    });
    const secret = type.plural === 'secrets';
    return {
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: metadata.resourceVersion },
      columnDefinitions: [
        column('Name', 'string', 'Name must be unique within a namespace.'),
        ...(secret
          ? [
              column('Type', 'string', 'The type of the secret'),
              column('Data', 'string', 'The number of entries in the data')
            ]
          : []),
        column('Age', 'string', 'CreationTimestamp is a timestamp.')
      ],
      rows: [
        {
          cells: [
            metadata.name,
            ...(secret
              ? [object.type, Object.keys((object.data as Json) ?? {}).length]
              : []),
            '1m'
          ]
        }
      ]
    };
  }

  private list(
    type: IResourceType,
    namespace: string | undefined,
    query: Record<string, string>,
    representation: Representation
  ): Json {
    let keys = [...this.bucket(type.plural).keys()]
      .filter(key => !namespace || key.startsWith(`${namespace}/`))
      .sort();
    const selector = query.labelSelector;
    if (selector) {
      keys = keys.filter(key =>
        this.matchesLabels(this.bucket(type.plural).get(key)!, selector)
      );
    }
    let start = '';
    if (query.continue) {
      const token = decodeContinue(query.continue);
      if (token.rv < this.compactedBefore) {
        const remaining = keys.filter(key => key >= token.start);
        throw status(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
          undefined,
          remaining.length
            ? { continue: encodeContinue(this.resourceVersion, token.start) }
            : {}
        );
      }
      start = token.start;
    }
    keys = keys.filter(key => key >= start);
    const limit = query.limit ? Number(query.limit) : 0;
    const page = limit > 0 ? keys.slice(0, limit) : keys;
    const more = limit > 0 && keys.length > limit;
    const metadata: Json = { resourceVersion: String(this.resourceVersion) };
    if (type.custom && representation === 'object') {
      // Custom resource lists are unstructured: the real server keeps an empty `continue`.
      metadata.continue = '';
    }
    if (more) {
      metadata.continue = encodeContinue(
        this.resourceVersion,
        `${page[page.length - 1]}\u0000`
      );
      if (!selector) {
        metadata.remainingItemCount = keys.length - limit;
      }
    }
    const objects = page.map(key => this.bucket(type.plural).get(key)!);
    if (representation === 'metadata') {
      return {
        kind: 'PartialObjectMetadataList',
        apiVersion: 'meta.k8s.io/v1',
        metadata,
        items: objects.map(object => this.present(type, object, 'metadata'))
      };
    }
    return {
      kind: `${type.kind}List`,
      apiVersion: apiVersionOf(type),
      metadata,
      // Typed lists of built-in kinds carry no TypeMeta on their items.
      items: type.custom
        ? objects
        : objects.map(
            ({ kind: _kind, apiVersion: _apiVersion, ...rest }) => rest
          )
    };
  }

  private matchesLabels(object: Json, selector: string): boolean {
    const labels =
      ((object.metadata as Json)?.labels as Record<string, string>) ?? {};
    return selector.split(',').every(term => {
      const [key, value] = term.split(/!?=/);
      if (term.includes('!=')) {
        return labels[key] !== value;
      }
      return value === undefined ? key in labels : labels[key] === value;
    });
  }

  private validate(type: IResourceType, object: Json, name: string): void {
    const causes: Cause[] = [
      ...labelCauses((object.metadata as Json)?.labels),
      ...ownerReferenceCauses((object.metadata as Json)?.ownerReferences)
    ];
    if (type.plural === 'secrets') {
      causes.push(...secretTypeCauses(object));
      const data = { ...((object.data as Record<string, string>) ?? {}) };
      let size = 0;
      for (const [key, value] of Object.entries(data)) {
        if (!SECRET_KEY.test(key)) {
          causes.push({
            field: `data[${key}]`,
            reason: 'FieldValueInvalid',
            message: `Invalid value: "${key}": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`
          });
        }
        if (
          typeof value !== 'string' ||
          !BASE64.test(value) ||
          value.length % 4 !== 0
        ) {
          causes.push({
            field: `data[${key}]`,
            reason: 'FieldValueInvalid',
            message: 'Invalid value: illegal base64 data'
          });
        } else {
          size += Buffer.from(value, 'base64').length;
        }
      }
      if (size > MAX_SECRET_BYTES) {
        causes.push({
          field: 'data',
          reason: 'FieldValueTooLong',
          message: `Too long: must have at most ${MAX_SECRET_BYTES} bytes`
        });
      }
    }
    const validator = this.validators.get(type.plural);
    if (validator) {
      causes.push(
        ...validator(object).map(cause => ({
          ...cause,
          reason: cause.reason ?? 'FieldValueInvalid'
        }))
      );
    }
    if (causes.length > 0) {
      throw status(
        422,
        'Invalid',
        `${type.kind} "${name}" is invalid: ${causes.map(cause => `${cause.field}: ${cause.message}`).join(', ')}`,
        {
          name,
          ...(type.group ? { group: type.group } : {}),
          kind: type.kind,
          causes
        }
      );
    }
  }

  /** Fold `stringData` into `data`, as the real server does on write. */
  private normaliseSecret(object: Json): Json {
    const stringData = object.stringData as Record<string, string> | undefined;
    if (!stringData) {
      return object;
    }
    const data = { ...((object.data as Record<string, string>) ?? {}) };
    for (const [key, value] of Object.entries(stringData)) {
      data[key] = Buffer.from(value, 'utf8').toString('base64');
    }
    const { stringData: _dropped, ...rest } = object;
    return { ...rest, data };
  }

  private create(
    type: IResourceType,
    namespace: string | undefined,
    body: Json,
    manager: string
  ): Json {
    let object = type.plural === 'secrets' ? this.normaliseSecret(body) : body;
    const metadata = { ...((object.metadata as Json) ?? {}) };
    const name = String(metadata.name ?? '');
    if (!name) {
      throw status(
        422,
        'Invalid',
        `${type.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
        {
          ...(type.group ? { group: type.group } : {}),
          kind: type.kind,
          causes: [
            {
              reason: 'FieldValueRequired',
              message: 'Required value: name or generateName is required',
              field: 'metadata.name'
            }
          ]
        }
      );
    }
    if (namespace && metadata.namespace && metadata.namespace !== namespace) {
      throw status(
        400,
        'BadRequest',
        'the namespace of the provided object does not match the namespace sent on the request'
      );
    }
    // NamespaceLifecycle admission, then validation, then storage.
    if (namespace && !this.bucket('namespaces').has(namespace)) {
      throw status(404, 'NotFound', `namespaces "${namespace}" not found`, {
        name: namespace,
        kind: 'namespaces'
      });
    }
    object = { ...object, metadata: { ...metadata, namespace } };
    if (type.plural === 'secrets' && object.type === undefined) {
      object.type = 'Opaque';
    }
    this.validate(type, object, name);
    if (this.get(type.plural, namespace, name)) {
      throw status(
        409,
        'AlreadyExists',
        `${groupResource(type)} "${name}" already exists`,
        {
          name,
          ...(type.group ? { group: type.group } : {}),
          kind: type.plural
        }
      );
    }
    const stored = this.stamp(object, manager, type);
    this.bucket(type.plural).set(
      namespace ? `${namespace}/${name}` : name,
      stored
    );
    return stored;
  }

  /** Write a new version of an existing object, after the same checks as update. */
  private replace(
    type: IResourceType,
    namespace: string | undefined,
    name: string,
    current: Json,
    next: Json,
    manager: string
  ): Json {
    const currentMeta = current.metadata as Json;
    const nextMeta = { ...((next.metadata as Json) ?? {}) };
    if (
      nextMeta.resourceVersion !== undefined &&
      nextMeta.resourceVersion !== currentMeta.resourceVersion
    ) {
      throw status(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${groupResource(type)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        {
          name,
          ...(type.group ? { group: type.group } : {}),
          kind: type.plural
        }
      );
    }
    if (type.plural === 'secrets') {
      next = this.normaliseSecret(next);
      if (next.type === undefined) {
        next.type = current.type;
      }
      const causes: Cause[] = [];
      if (next.type !== current.type) {
        causes.push({
          reason: 'FieldValueInvalid',
          message: 'Invalid value: field is immutable',
          field: 'type'
        });
      }
      if (
        current.immutable === true &&
        JSON.stringify(next.data ?? {}) !== JSON.stringify(current.data ?? {})
      ) {
        causes.push({
          reason: 'FieldValueForbidden',
          message: 'Forbidden: field is immutable when `immutable` is set',
          field: 'data'
        });
      }
      if (causes.length > 0) {
        throw status(
          422,
          'Invalid',
          `Secret "${name}" is invalid: ${causes.map(c => `${c.field}: ${c.message}`).join(', ')}`,
          {
            name,
            kind: 'Secret',
            causes
          }
        );
      }
    }
    this.validate(type, next, name);
    const stored: Json = {
      ...next,
      apiVersion: apiVersionOf(type),
      kind: type.kind,
      metadata: {
        ...nextMeta,
        name,
        namespace: currentMeta.namespace,
        uid: currentMeta.uid,
        creationTimestamp: currentMeta.creationTimestamp,
        managedFields: this.managedFieldsAfterUpdate(
          currentMeta.managedFields,
          manager,
          type
        ),
        ...(type.custom
          ? { generation: Number(currentMeta.generation ?? 1) + 1 }
          : {}),
        resourceVersion: this.nextVersion()
      }
    };
    this.bucket(type.plural).set(
      namespace ? `${namespace}/${name}` : name,
      stored
    );
    return stored;
  }

  /** managedFields after an Update by `manager`: its entry added or its time moved on. */
  private managedFieldsAfterUpdate(
    fields: unknown,
    manager: string,
    type: IResourceType
  ): Json[] {
    const entries = ((fields as Json[] | undefined) ?? []).filter(
      entry => entry.manager !== manager
    );
    return [
      ...entries,
      {
        manager,
        operation: 'Update',
        apiVersion: apiVersionOf(type),
        time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        fieldsType: 'FieldsV1',
        fieldsV1: {}
      }
    ];
  }

  private update(
    type: IResourceType,
    namespace: string | undefined,
    name: string,
    body: Json,
    manager: string
  ): Json {
    const current = this.existing(type, namespace, name);
    const bodyName = (body.metadata as Json | undefined)?.name;
    if (bodyName !== name) {
      throw status(
        400,
        'BadRequest',
        'the name of the object does not match the name on the URL'
      );
    }
    return this.replace(type, namespace, name, current, body, manager);
  }

  private patch(
    type: IResourceType,
    namespace: string | undefined,
    name: string,
    raw: Buffer,
    contentType: string,
    manager: string
  ): Json {
    const current = this.existing(type, namespace, name);
    const mediaType = contentType.split(';')[0].trim();
    let patched: Json;
    if (mediaType === 'application/merge-patch+json') {
      patched = mergePatch(current, this.parseBody(raw)) as Json;
    } else if (mediaType === 'application/json-patch+json') {
      let operations: Operation[];
      try {
        operations = JSON.parse(raw.toString('utf8')) as Operation[];
      } catch {
        throw status(
          400,
          'BadRequest',
          'the body of the request was in an unknown format'
        );
      }
      try {
        patched = applyPatch(
          JSON.parse(JSON.stringify(current)) as Json,
          operations,
          true,
          false
        ).newDocument as Json;
      } catch (error) {
        throw status(
          422,
          'Invalid',
          String((error as Error).message).split('\n')[0]
        );
      }
    } else if (
      mediaType === 'application/strategic-merge-patch+json' &&
      !type.custom
    ) {
      // Not needed by the tests; a real server would apply it.
      throw status(
        415,
        'UnsupportedMediaType',
        'strategic merge patch is not implemented by the fake API server'
      );
    } else {
      throw status(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`
      );
    }
    const currentMeta = current.metadata as Json;
    const patchedMeta = (patched.metadata as Json) ?? {};
    if (patchedMeta.resourceVersion === currentMeta.resourceVersion) {
      // An unchanged resourceVersion is not a precondition.
      patched = {
        ...patched,
        metadata: { ...patchedMeta, resourceVersion: undefined }
      };
    }
    return this.replace(type, namespace, name, current, patched, manager);
  }
}
