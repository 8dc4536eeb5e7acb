import { ServerConnection } from '@jupyterlab/services';

import {
  IMountsResponse,
  ISecretKey,
  ISecretMount,
  IServerPolicy
} from '../../src/mounts/types';

/** A canary that stands for a secret value: it must never show up in the UI or the model. */
export const CANARY = 'canary-5f1d2c9e-value-never-shown';

export function makeKey(
  folder: string,
  name: string,
  extra: Partial<ISecretKey> = {}
): ISecretKey {
  return {
    name,
    path: `${folder}/${name}`,
    size: 16,
    mode: '0644',
    mtime: 1763823845,
    binary: false,
    json: false,
    fingerprint: `fp-${folder}-${name}`,
    ...extra
  };
}

export function makeMount(
  path: string,
  keys: string[],
  extra: Partial<ISecretMount> = {}
): ISecretMount {
  return {
    path,
    name: path.split('/').pop() ?? path,
    kind: 'kubernetes',
    rotates: true,
    updated: 1763823845,
    root: '/secrets',
    keys: keys.map(name => makeKey(path, name)),
    ...extra
  };
}

export function makePolicy(extra: Partial<IServerPolicy> = {}): IServerPolicy {
  return {
    roots: ['/secrets'],
    excluded: [],
    showServiceAccount: true,
    allowReveal: false,
    revealSeconds: 10,
    savePolicy: 'warn',
    minMatchLength: 8,
    redactOutputs: true,
    allowInlineSuppression: true,
    allowGitCredentials: true,
    configErrors: [],
    ...extra
  };
}

export interface IRecordedRequest {
  method: string;
  endpoint: string;
  headers: Headers;
  body: string;
}

type Reply = Response | (() => Response) | Error;

/**
 * A fake Jupyter server for `ServerConnection`: answers /secret-mounts/* from state the test
 * controls, honours If-None-Match on `mounts`, and records every request.
 */
export class FakeServer {
  version = '0.1.0';
  policy: IServerPolicy = makePolicy();
  listing: IMountsResponse = { mounts: [], warnings: [], etag: '"e1"' };
  requests: IRecordedRequest[] = [];
  /** One-shot replies per endpoint, used before the normal answer. */
  overrides = new Map<string, Reply[]>();

  readonly settings: ServerConnection.ISettings = ServerConnection.makeSettings(
    {
      baseUrl: 'http://localhost:8765/lab-base/',
      wsUrl: 'ws://localhost:8765/lab-base/',
      token: 'test-token',
      fetch: (input: RequestInfo | URL, init?: RequestInit) =>
        this._handle(new Request(input as RequestInfo, init))
    }
  );

  /** Queue a reply (or an error to throw, i.e. a network failure) for the next call. */
  failNext(endpoint: string, reply: Reply): void {
    const queue = this.overrides.get(endpoint) ?? [];
    queue.push(reply);
    this.overrides.set(endpoint, queue);
  }

  /** Replace the listing as a kubelet `..data` swap would, with a new ETag. */
  rotate(mounts: ISecretMount[], etag: string): void {
    this.listing = { mounts, warnings: [], etag };
  }

  calls(endpoint: string): IRecordedRequest[] {
    return this.requests.filter(r => r.endpoint === endpoint);
  }

  private async _handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const prefix = '/lab-base/secret-mounts/';
    if (!url.pathname.startsWith(prefix)) {
      return json({ message: 'Not Found' }, 404);
    }
    const endpoint = url.pathname.slice(prefix.length);
    this.requests.push({
      method: request.method,
      endpoint,
      headers: request.headers,
      body: await request.text()
    });
    const queued = this.overrides.get(endpoint)?.shift();
    if (queued instanceof Error) {
      throw queued;
    }
    if (queued) {
      return typeof queued === 'function' ? queued() : queued;
    }
    switch (endpoint) {
      case 'version':
        return json({ version: this.version });
      case 'policy':
        return json(this.policy);
      case 'mounts':
        if (request.headers.get('If-None-Match') === this.listing.etag) {
          return new Response(null, {
            status: 304,
            headers: { ETag: this.listing.etag }
          });
        }
        return json(this.listing, 200, { ETag: this.listing.etag });
      default:
        return json({ message: 'Not Found' }, 404);
    }
  }
}

export function json(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {}
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers }
  });
}

/** Resolve on the next emission of a signal-like `connect`. */
export function nextEmission(signal: {
  connect: (fn: () => void) => boolean;
  disconnect: (fn: () => void) => boolean;
}): Promise<void> {
  return new Promise(resolve => {
    const once = () => {
      signal.disconnect(once);
      resolve();
    };
    signal.connect(once);
  });
}
