/**
 * @jest-environment-options {"customExportConditions": ["node", "require", "default"]}
 */
// The fake API server's answers, checked against the shapes the Kubernetes API
// reference documents, with plain HTTPS requests (no client library).
import * as https from 'node:https';
import type { IFakeCluster } from './fixtures';
import { ADMIN_TOKEN, limitedUser, secret, startFakeCluster } from './fixtures';

let cluster: IFakeCluster;

/** The parts of list and Status bodies these tests read. */
interface IBody {
  kind?: string;
  apiVersion?: string;
  metadata: {
    resourceVersion?: string;
    continue?: string;
    remainingItemCount?: number;
  };
  items: {
    kind?: string;
    apiVersion?: string;
    metadata: { name: string };
    data?: Record<string, string>;
  }[];
  details: { causes: unknown[] };
}

function parseBody(text: string): IBody {
  try {
    return JSON.parse(text) as IBody;
  } catch {
    return { text } as unknown as IBody;
  }
}

function call(
  method: string,
  path: string,
  {
    token = ADMIN_TOKEN,
    accept,
    body,
    contentType
  }: {
    token?: string;
    accept?: string;
    body?: unknown;
    contentType?: string;
  } = {}
): Promise<{ status: number; type: string; json: IBody }> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      `${cluster.api.url}${path}`,
      {
        method,
        ca: cluster.api.caPem,
        headers: {
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          ...(accept ? { Accept: accept } : {}),
          ...(contentType ? { 'Content-Type': contentType } : {})
        }
      },
      response => {
        const chunks: Buffer[] = [];
        response.on('data', chunk => chunks.push(chunk as Buffer));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            type: String(response.headers['content-type']),
            json: parseBody(Buffer.concat(chunks).toString())
          })
        );
      }
    );
    request.on('error', reject);
    request.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

beforeAll(async () => {
  cluster = await startFakeCluster();
  for (let i = 0; i < 5; i++) {
    cluster.api.add('secrets', secret('ns', `s${i}`, { key: `value-${i}` }));
  }
});

afterAll(async () => {
  await cluster.close();
});

describe('fake API server', () => {
  it('serves a typed SecretList whose items carry no TypeMeta', async () => {
    const { status, type, json } = await call(
      'GET',
      '/api/v1/namespaces/ns/secrets'
    );
    expect(status).toBe(200);
    expect(type).toBe('application/json');
    expect(json.kind).toBe('SecretList');
    expect(json.apiVersion).toBe('v1');
    expect(json.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(json.items).toHaveLength(5);
    expect(json.items[0].kind).toBeUndefined();
    expect(json.items[0].metadata).toMatchObject({
      name: 's0',
      namespace: 'ns',
      uid: expect.any(String),
      creationTimestamp: expect.any(String)
    });
    expect(json.items[0].data).toEqual({
      key: Buffer.from('value-0').toString('base64')
    });
  });

  it('serves PartialObjectMetadataList for the metadata Accept header, with chunking', async () => {
    const accept =
      'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
    const first = await call('GET', '/api/v1/namespaces/ns/secrets?limit=2', {
      accept
    });
    expect(first.json).toMatchObject({
      kind: 'PartialObjectMetadataList',
      apiVersion: 'meta.k8s.io/v1'
    });
    expect(
      first.json.items.map(i => [i.kind, i.apiVersion, i.metadata.name, i.data])
    ).toEqual([
      ['PartialObjectMetadata', 'meta.k8s.io/v1', 's0', undefined],
      ['PartialObjectMetadata', 'meta.k8s.io/v1', 's1', undefined]
    ]);
    expect(first.json.metadata.remainingItemCount).toBe(3);
    const token = JSON.parse(
      Buffer.from(first.json.metadata.continue!, 'base64url').toString()
    );
    expect(token).toEqual({
      v: 'meta.k8s.io/v1',
      rv: expect.any(Number),
      start: 'ns/s1\u0000'
    });
    const rest = await call(
      'GET',
      `/api/v1/namespaces/ns/secrets?limit=10&continue=${first.json.metadata.continue!}`,
      { accept }
    );
    expect(rest.json.items.map(i => i.metadata.name)).toEqual([
      's2',
      's3',
      's4'
    ]);
    expect(rest.json.metadata.continue).toBeUndefined();
  });

  it('answers 406 when no acceptable representation is named, and 410 for an expired token', async () => {
    const table = await call('GET', '/api/v1/namespaces/ns/secrets', {
      accept: 'application/json;as=Table;g=meta.k8s.io;v=v1'
    });
    expect(table.status).toBe(406);
    expect(table.json).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'NotAcceptable',
      code: 406
    });
    const first = await call('GET', '/api/v1/namespaces/ns/secrets?limit=1');
    cluster.api.compact();
    const expired = await call(
      'GET',
      `/api/v1/namespaces/ns/secrets?limit=1&continue=${first.json.metadata.continue!}`
    );
    expect(expired.status).toBe(410);
    expect(expired.json).toMatchObject({
      kind: 'Status',
      reason: 'Expired',
      code: 410,
      metadata: { continue: expect.any(String) }
    });
  });

  it('answers Status objects for 401, 403, 404 and 409', async () => {
    expect(
      (await call('GET', '/api/v1/namespaces/ns/secrets', { token: 'nope' }))
        .json
    ).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401
    });
    cluster.api.addUser(
      'viewer',
      limitedUser('viewer', [{ resource: 'pods', verbs: ['list'] }])
    );
    expect(
      (
        await call('GET', '/api/v1/namespaces/ns/secrets/s0', {
          token: 'viewer'
        })
      ).json
    ).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'secrets "s0" is forbidden: User "viewer" cannot get resource "secrets" in API group "" in the namespace "ns"',
      reason: 'Forbidden',
      details: { name: 's0', kind: 'secrets' },
      code: 403
    });
    expect(
      (await call('GET', '/api/v1/namespaces/ns/secrets/missing')).json
    ).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'secrets "missing" not found',
      reason: 'NotFound',
      details: { name: 'missing', kind: 'secrets' },
      code: 404
    });
    expect(
      (
        await call('POST', '/api/v1/namespaces/ns/secrets', {
          body: { metadata: { name: 's0' }, data: {} },
          contentType: 'application/json'
        })
      ).json
    ).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'secrets "s0" already exists',
      reason: 'AlreadyExists',
      details: { name: 's0', kind: 'secrets' },
      code: 409
    });
    // A path no API serves: plain text, as the real server's mux answers (checked against the
    // real server by test/kube-real/contract.spec.ts).
    const unserved = await call(
      'GET',
      '/apis/example.com/v1/namespaces/ns/things'
    );
    expect(unserved.status).toBe(404);
    expect(unserved.type).toBe('text/plain; charset=utf-8');
    expect(unserved.json).toEqual({ text: '404 page not found\n' });
  });

  it('validates custom resources against their CRD schema (422)', async () => {
    const invalid = await call(
      'POST',
      '/apis/kubeflow.org/v1alpha1/namespaces/ns/poddefaults',
      {
        body: {
          apiVersion: 'kubeflow.org/v1alpha1',
          kind: 'PodDefault',
          metadata: { name: 'bad' },
          spec: { desc: 'no selector' }
        },
        contentType: 'application/json'
      }
    );
    expect(invalid.status).toBe(422);
    expect(invalid.json).toMatchObject({
      kind: 'Status',
      reason: 'Invalid',
      code: 422,
      details: {
        name: 'bad',
        kind: 'PodDefault',
        causes: [expect.objectContaining({ field: 'spec' })]
      }
    });
  });

  it('rejects invalid Secret data keys like the real server', async () => {
    const invalid = await call('POST', '/api/v1/namespaces/ns/secrets', {
      body: { metadata: { name: 'bad' }, data: { 'bad key': 'eA==' } },
      contentType: 'application/json'
    });
    expect(invalid.status).toBe(422);
    expect(invalid.json.details.causes).toEqual([
      expect.objectContaining({
        field: 'data[bad key]',
        reason: 'FieldValueInvalid'
      })
    ]);
  });
});
