/**
 * @jest-environment-options {"customExportConditions": ["node", "require", "default"]}
 */
// The contract between the fake API server (test/kube/fake-apiserver.ts, which
// the rest of the suite runs against) and the real one: the same custom-resource
// requests go to both, and the status codes and response shapes must agree. The
// generic machinery tested here (negotiation, paging, preconditions, patch types,
// Status objects) is the one the fake also serves for core types. Every accepted
// difference is listed in DIFFERENCES and justified in docs/kubernetes-testing.md.
import * as https from 'node:https';
import { ADMIN_TOKEN, limitedUser, startFakeCluster } from '../kube/fixtures';
import type { IFakeCluster } from '../kube/fixtures';
import { call, type IAnswer } from './real-cluster';

type Json = Record<string, unknown>;

interface IRequest {
  method: string;
  path: string;
  body?: unknown;
  accept?: string;
  contentType?: string;
  /**
   * Who asks: the administrator, or a viewer who may only get and list (here
   * in `contract`, which no other spec writes to: the specs share one server).
   */
  as?: 'admin' | 'viewer';
}

const PD = '/apis/kubeflow.org/v1alpha1/namespaces';
const WS = '/apis/kubeflow.org/v1beta1/namespaces';

function podDefault(name: string, extra: Json = {}): Json {
  return {
    apiVersion: 'kubeflow.org/v1alpha1',
    kind: 'PodDefault',
    metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'contract' } },
    spec: {
      desc: `Contract ${name}`,
      selector: { matchLabels: { [name]: 'true' } },
      volumes: [{ name: 'v', secret: { secretName: name, defaultMode: 420 } }],
      volumeMounts: [
        { name: 'v', mountPath: `/secrets/${name}`, readOnly: true }
      ],
      ...extra
    }
  };
}

function workspace(name: string, secrets: Json[]): Json {
  return {
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'Workspace',
    metadata: { name },
    spec: {
      kind: 'jupyterlab',
      paused: false,
      podTemplate: {
        options: { imageConfig: 'img', podConfig: 'tiny' },
        volumes: { home: `${name}-home`, secrets }
      }
    }
  };
}

/** Requests in order; later ones build on earlier ones (same state on both servers). */
const CASES: [
  string,
  IRequest | ((previous: Map<string, Json>) => IRequest)
][] = [
  [
    'create',
    { method: 'POST', path: `${PD}/team-b/poddefaults`, body: podDefault('c1') }
  ],
  [
    'create a second',
    { method: 'POST', path: `${PD}/team-b/poddefaults`, body: podDefault('c2') }
  ],
  [
    'create again: AlreadyExists',
    { method: 'POST', path: `${PD}/team-b/poddefaults`, body: podDefault('c1') }
  ],
  ['get', { method: 'GET', path: `${PD}/team-b/poddefaults/c1` }],
  [
    'get a missing object',
    { method: 'GET', path: `${PD}/team-b/poddefaults/nope` }
  ],
  ['list', { method: 'GET', path: `${PD}/team-b/poddefaults` }],
  [
    'list one page',
    { method: 'GET', path: `${PD}/team-b/poddefaults?limit=1` }
  ],
  [
    'list the next page',
    previous => ({
      method: 'GET',
      path: `${PD}/team-b/poddefaults?limit=1&continue=${encodeURIComponent(
        String((previous.get('list one page')!.metadata as Json).continue)
      )}`
    })
  ],
  [
    'list with a bad continue token',
    { method: 'GET', path: `${PD}/team-b/poddefaults?limit=1&continue=bm9wZQ` }
  ],
  [
    'list metadata only',
    {
      method: 'GET',
      path: `${PD}/team-b/poddefaults`,
      accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1'
    }
  ],
  [
    'get metadata only',
    {
      method: 'GET',
      path: `${PD}/team-b/poddefaults/c1`,
      accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1'
    }
  ],
  [
    'an Accept the server cannot produce',
    {
      method: 'GET',
      path: `${PD}/team-b/poddefaults`,
      accept: 'application/json;as=Nothing;g=meta.k8s.io;v=v1'
    }
  ],
  [
    'update with a stale resourceVersion',
    {
      method: 'PUT',
      path: `${PD}/team-b/poddefaults/c1`,
      body: {
        ...podDefault('c1'),
        metadata: { name: 'c1', resourceVersion: '1' }
      }
    }
  ],
  [
    'merge patch',
    {
      method: 'PATCH',
      path: `${PD}/team-b/poddefaults/c1`,
      body: { spec: { desc: 'patched' } },
      contentType: 'application/merge-patch+json'
    }
  ],
  [
    'merge patch with a stale resourceVersion',
    {
      method: 'PATCH',
      path: `${PD}/team-b/poddefaults/c1`,
      body: { metadata: { resourceVersion: '1' }, spec: { desc: 'late' } },
      contentType: 'application/merge-patch+json'
    }
  ],
  [
    'JSON patch',
    {
      method: 'PATCH',
      path: `${PD}/team-b/poddefaults/c1`,
      body: [{ op: 'replace', path: '/spec/desc', value: 'json-patched' }],
      contentType: 'application/json-patch+json'
    }
  ],
  [
    'strategic merge patch on a custom resource',
    {
      method: 'PATCH',
      path: `${PD}/team-b/poddefaults/c1`,
      body: { spec: { desc: 'x' } },
      contentType: 'application/strategic-merge-patch+json'
    }
  ],
  [
    'patch a missing object',
    {
      method: 'PATCH',
      path: `${PD}/team-b/poddefaults/nope`,
      body: {},
      contentType: 'application/merge-patch+json'
    }
  ],
  [
    'create with an invalid label',
    {
      method: 'POST',
      path: `${PD}/team-b/poddefaults`,
      body: {
        ...podDefault('c3'),
        metadata: { name: 'c3', labels: { 'bad key': 'x' } }
      }
    }
  ],
  [
    'create without a name',
    {
      method: 'POST',
      path: `${PD}/team-b/poddefaults`,
      body: { ...podDefault('c4'), metadata: {} }
    }
  ],
  [
    'create in a missing namespace',
    {
      method: 'POST',
      path: `${PD}/nowhere/poddefaults`,
      body: podDefault('c5')
    }
  ],
  [
    'create a Workspace with defaultMode 512 and a duplicate mountPath',
    {
      method: 'POST',
      path: `${WS}/team-b/workspaces`,
      body: workspace('w1', [
        { secretName: 'a', mountPath: '/secrets/a', defaultMode: 512 },
        { secretName: 'b', mountPath: '/secrets/a', defaultMode: 420 }
      ])
    }
  ],
  [
    'a version that is not served',
    {
      method: 'GET',
      path: '/apis/kubeflow.org/v9/namespaces/team-b/poddefaults'
    }
  ],
  [
    'a group that is not served',
    { method: 'GET', path: '/apis/example.com/v1/namespaces/team-b/things' }
  ],
  [
    'viewer lists where allowed',
    { method: 'GET', path: `${PD}/contract/poddefaults`, as: 'viewer' }
  ],
  [
    'viewer lists where not allowed',
    { method: 'GET', path: `${PD}/team-b/poddefaults`, as: 'viewer' }
  ],
  [
    'viewer creates',
    {
      method: 'POST',
      path: `${PD}/contract/poddefaults`,
      body: podDefault('v1'),
      as: 'viewer'
    }
  ],
  ['delete', { method: 'DELETE', path: `${PD}/team-b/poddefaults/c2` }]
];

/**
 * Accepted differences, each justified in docs/kubernetes-testing.md
 * ("Contract with the real server"): case -> paths of the shape that may differ.
 */
const DIFFERENCES: Record<string, string[]> = {};

let fake: IFakeCluster;
const VIEWER_TOKEN = 'contract-viewer';

beforeAll(async () => {
  fake = await startFakeCluster();
  fake.api.add('namespaces', { metadata: { name: 'team-b' } });
  fake.api.add('namespaces', { metadata: { name: 'contract' } });
  fake.api.addUser(
    VIEWER_TOKEN,
    limitedUser('viewer', [
      {
        resource: 'poddefaults',
        verbs: ['get', 'list'],
        namespace: 'contract'
      },
      { resource: 'workspaces', verbs: ['get', 'list'], namespace: 'contract' }
    ])
  );
});

afterAll(async () => {
  await fake.close();
});

function callFake(request: IRequest): Promise<IAnswer> {
  return new Promise((resolve, reject) => {
    const call = https.request(
      `${fake.api.url}${request.path}`,
      {
        method: request.method,
        ca: fake.api.caPem,
        headers: {
          Authorization: `Bearer ${request.as === 'viewer' ? VIEWER_TOKEN : ADMIN_TOKEN}`,
          Accept: request.accept ?? 'application/json',
          'Content-Type': request.contentType ?? 'application/json'
        }
      },
      response => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            json: parseBody(Buffer.concat(chunks).toString('utf8'))
          })
        );
      }
    );
    call.on('error', reject);
    call.end(
      request.body === undefined ? undefined : JSON.stringify(request.body)
    );
  });
}

function parseBody(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return { text };
  }
}

const keys = (value: unknown) =>
  value && typeof value === 'object' ? Object.keys(value).sort() : [];

/** What must agree: status, kinds, which fields are there, Status reasons and causes. */
function shape(answer: IAnswer): Json {
  const body = answer.json;
  const out: Json = {
    code: answer.status,
    kind: body.kind,
    apiVersion: body.apiVersion,
    keys: keys(body)
  };
  if (body.kind === 'Status') {
    const details = (body.details ?? {}) as Json;
    out.status = body.status;
    out.reason = body.reason;
    out.details = keys(details);
    out.causes = ((details.causes ?? []) as Json[])
      .map(cause => `${String(cause.reason)} ${String(cause.field)}`)
      .sort();
    return out;
  }
  out.metadata = keys(body.metadata);
  if (Array.isArray(body.items)) {
    out.items = body.items.length;
    out.itemKeys = [
      ...new Set((body.items as Json[]).flatMap(item => keys(item)))
    ].sort();
    out.itemMetadata = [
      ...new Set((body.items as Json[]).flatMap(item => keys(item.metadata)))
    ].sort();
  }
  return out;
}

function withoutAccepted(name: string, value: Json): Json {
  const copy = { ...value };
  for (const path of DIFFERENCES[name] ?? []) {
    delete copy[path];
  }
  return copy;
}

describe('fake API server versus the real one', () => {
  it('agrees on status codes and response shapes for every request', async () => {
    const fakeAnswers = new Map<string, Json>();
    const realAnswers = new Map<string, Json>();
    const diffs: string[] = [];
    for (const [name, make] of CASES) {
      const onFake = typeof make === 'function' ? make(fakeAnswers) : make;
      const onReal = typeof make === 'function' ? make(realAnswers) : make;
      const fromFake = await callFake(onFake);
      const fromReal = await call(
        onReal.as ?? 'admin',
        onReal.method,
        onReal.path,
        onReal
      );
      fakeAnswers.set(name, fromFake.json);
      realAnswers.set(name, fromReal.json);
      const a = JSON.stringify(withoutAccepted(name, shape(fromFake)));
      const b = JSON.stringify(withoutAccepted(name, shape(fromReal)));
      if (a !== b) {
        diffs.push(`${name}\n  fake: ${a}\n  real: ${b}`);
      }
    }
    expect(diffs.join('\n')).toBe('');
  }, 120_000);
});
