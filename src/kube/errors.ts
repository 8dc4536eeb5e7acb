/**
 * Turn anything that can go wrong while talking to Kubernetes into one clear
 * sentence. The sentence is composed here from the HTTP status, the Status
 * object's `reason` and `details`, and what we were doing; the server's own
 * message and the client library's error text are never passed through,
 * because they can quote request bodies, headers or kubeconfig content.
 */

/** An error whose message is safe to show to the user as is. */
export class KubeError extends Error {
  /** HTTP status when the API server answered with an error. */
  readonly status?: number;
  constructor(message: string, status?: number) {
    super(message);
    this.name = 'KubeError';
    this.status = status;
  }
}

/** What the command was doing when the error happened. */
export interface IKubeAction {
  verb: 'list' | 'get' | 'create' | 'update' | 'patch';
  /** Plural resource name as in RBAC, e.g. `secrets`, `poddefaults`. */
  resource: string;
  /** API group, empty for the core group. */
  group?: string;
  name?: string;
  namespace?: string;
  /** API server URL, for network and TLS errors. */
  server: string;
}

/** The subset of a `meta/v1 Status` object this module reads. */
interface IStatus {
  kind?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { field?: string; reason?: string }[];
  };
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO'
]);

function where(action: IKubeAction): string {
  return action.namespace ? ` in namespace ${action.namespace}` : '';
}

function what(action: IKubeAction): string {
  const group = action.group ? `.${action.group}` : '';
  return action.name
    ? `${action.resource}${group} "${action.name}"`
    : `${action.resource}${group}`;
}

function parseStatus(body: unknown): IStatus | undefined {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (
    value &&
    typeof value === 'object' &&
    (value as IStatus).kind === 'Status'
  ) {
    return value as IStatus;
  }
  return undefined;
}

/**
 * What a 404 says is missing, read from the Status: the namespace
 * (NamespaceLifecycle names it on writes), the object (details name it), or
 * the resource type itself (details empty: no such API, e.g. a CRD that is
 * not installed).
 */
function describeNotFound(
  status: IStatus | undefined,
  action: IKubeAction
): string {
  const details = status?.details;
  if (
    details?.kind === 'namespaces' &&
    action.resource !== 'namespaces' &&
    details.name
  ) {
    return `The namespace ${details.name} does not exist (404 Not Found); create it first or choose another with -n.`;
  }
  // Every served resource answers 404 with a Status naming what is missing; a
  // path nothing serves gets plain text (or a Status with empty details).
  const served = !!details?.name || !!details?.kind;
  if (served && action.name) {
    return `${what(action)} was not found${where(action)} (404 Not Found).`;
  }
  const type = `${action.resource}${action.group ? `.${action.group}` : ''}`;
  return action.group
    ? `The cluster does not serve ${type} (404 Not Found); is its custom resource definition installed?`
    : `The API server does not serve ${type} (404 Not Found).`;
}

/** Sentence for an HTTP error answered by the API server. */
export function describeHttpError(
  code: number,
  body: unknown,
  action: IKubeAction
): string {
  const status = parseStatus(body);
  const reason = status?.reason ?? '';
  switch (code) {
    case 401:
      return `The Kubernetes API at ${action.server} did not accept your credentials (401 Unauthorized): log in again or check the user of your kubeconfig context.`;
    case 403:
      return `You are not allowed to ${action.verb} ${what(action)}${where(action)} (403 Forbidden); ask a cluster administrator for a role that grants it.`;
    case 404:
      return describeNotFound(status, action);
    case 406:
      return `The API server cannot answer with metadata only (406 Not Acceptable; Kubernetes 1.15 or later is needed), so the command stopped rather than download Secret data.`;
    case 409:
      if (reason === 'AlreadyExists') {
        return `${what(action)} already exists${where(action)} (409 Conflict).`;
      }
      return `${what(action)}${where(action)} was changed by someone else while this command was updating it (409 Conflict); run the command again.`;
    case 410:
      return `The API server's list snapshot expired while ${action.resource} were being listed (410 Gone); run the command again.`;
    case 413:
      return `The API server refused ${what(action)} as too large (413); a Secret holds at most 1 MiB.`;
    case 422: {
      const fields = (status?.details?.causes ?? [])
        .map(cause => cause.field)
        .filter((field): field is string => !!field);
      const detail = fields.length
        ? `; check ${[...new Set(fields)].join(', ')}`
        : '';
      return `The API server rejected ${what(action)}${where(action)} as invalid (422 Unprocessable Entity)${detail}.`;
    }
    case 429:
      return `The Kubernetes API at ${action.server} is rate limiting requests (429 Too Many Requests); try again shortly.`;
    default:
      if (code >= 500) {
        return `The Kubernetes API at ${action.server} failed to ${action.verb} ${what(action)} (${code} server error); try again later or ask a cluster administrator.`;
      }
      return `The Kubernetes API answered ${code} when asked to ${action.verb} ${what(action)}${where(action)}.`;
  }
}

/** Sentence for an error that happened before any HTTP answer: network, TLS, time-out. */
export function describeTransportError(
  code: string | undefined,
  name: string,
  action: IKubeAction
): string {
  const server = action.server;
  if (
    name === 'AbortError' ||
    code === 'ETIMEDOUT' ||
    code === 'ESOCKETTIMEDOUT'
  ) {
    return `The Kubernetes API at ${server} did not answer in time; check the network path to the cluster.`;
  }
  if (code && TLS_CODES.has(code)) {
    return `The TLS certificate of the Kubernetes API at ${server} could not be verified (${code}); check certificate-authority in your kubeconfig.`;
  }
  switch (code) {
    case 'ECONNREFUSED':
      return `Cannot reach the Kubernetes API at ${server}: the connection was refused.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Cannot reach the Kubernetes API at ${server}: its host name does not resolve.`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `The connection to the Kubernetes API at ${server} was closed unexpectedly; try again.`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `Cannot reach the Kubernetes API at ${server}: no network route to it.`;
    default:
      return `Could not talk to the Kubernetes API at ${server} (${code ?? name}).`;
  }
}

function field(error: object, key: string): unknown {
  return (error as Record<string, unknown>)[key];
}

/**
 * Convert any thrown value into a `KubeError` with one sentence.
 * `ApiException` from @kubernetes/client-node carries `code` (HTTP status) and
 * `body`; node-fetch's `FetchError` carries a system error `code`.
 */
export function toKubeError(error: unknown, action: IKubeAction): KubeError {
  if (error instanceof KubeError) {
    return error;
  }
  if (error && typeof error === 'object') {
    const code = field(error, 'code');
    if (typeof code === 'number' && code >= 100 && code < 600) {
      return new KubeError(
        describeHttpError(code, field(error, 'body'), action),
        code
      );
    }
    // node-fetch wraps the socket error; TLS failures keep their OpenSSL code.
    const cause = field(error, 'cause');
    const causeCode =
      cause && typeof cause === 'object' ? field(cause, 'code') : undefined;
    const name = field(error, 'name');
    const transportCode =
      typeof code === 'string'
        ? code
        : typeof causeCode === 'string'
          ? causeCode
          : undefined;
    return new KubeError(
      describeTransportError(
        transportCode,
        typeof name === 'string' ? name : 'Error',
        action
      )
    );
  }
  return new KubeError(
    `Could not talk to the Kubernetes API at ${action.server}.`
  );
}

/** HTTP status of a client-library error, if it was one. */
export function httpStatusOf(error: unknown): number | undefined {
  if (error instanceof KubeError) {
    return error.status;
  }
  if (error && typeof error === 'object') {
    const code = field(error, 'code');
    if (typeof code === 'number') {
      return code;
    }
  }
  return undefined;
}

/** `reason` of the Status object carried by a client-library error, if any. */
export function statusReasonOf(error: unknown): string | undefined {
  if (error && typeof error === 'object') {
    return parseStatus(field(error, 'body'))?.reason;
  }
  return undefined;
}
