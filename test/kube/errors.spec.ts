/**
 * @jest-environment-options {"customExportConditions": ["node", "require", "default"]}
 */
// Every Kubernetes failure becomes one sentence that quotes no server text.
import { auditCommand } from '../../src/cli/audit';
import {
  KubeError,
  describeHttpError,
  toKubeError,
  type IKubeAction
} from '../../src/kube/errors';
import { runCommand, startFakeCluster } from './fixtures';

const action: IKubeAction = {
  verb: 'get',
  resource: 'secrets',
  name: 'db',
  namespace: 'team-a',
  server: 'https://api.example:6443'
};

function status(reason: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    reason,
    message: 'SERVER TEXT',
    ...extra
  });
}

describe('describeHttpError', () => {
  it.each([
    [
      401,
      status('Unauthorized'),
      'did not accept your credentials (401 Unauthorized)'
    ],
    [
      403,
      status('Forbidden'),
      'You are not allowed to get secrets "db" in namespace team-a (403 Forbidden)'
    ],
    [
      404,
      status('NotFound', { details: { name: 'db' } }),
      'secrets "db" was not found in namespace team-a (404 Not Found).'
    ],
    [
      406,
      status('NotAcceptable'),
      'cannot answer with metadata only (406 Not Acceptable'
    ],
    [
      409,
      status('AlreadyExists'),
      'secrets "db" already exists in namespace team-a (409 Conflict).'
    ],
    [409, status('Conflict'), 'was changed by someone else'],
    [410, status('Expired'), 'list snapshot expired'],
    [413, 'too large', 'as too large (413)'],
    [
      422,
      status('Invalid', {
        details: { causes: [{ field: 'data[a b]' }, { field: 'type' }] }
      }),
      'as invalid (422 Unprocessable Entity); check data[a b], type.'
    ],
    [429, status('TooManyRequests'), 'rate limiting requests (429'],
    [503, 'unavailable', 'failed to get secrets "db" (503 server error)']
  ])('%i', (code, body, expected) => {
    const sentence = describeHttpError(code, body, action);
    expect(sentence).toContain(expected);
    expect(sentence).not.toContain('SERVER TEXT');
    expect(sentence.split('\n')).toHaveLength(1);
  });

  it('tells a missing resource type from a missing object', () => {
    const list: IKubeAction = {
      verb: 'list',
      resource: 'poddefaults',
      group: 'kubeflow.org',
      namespace: 'team-a',
      server: 's'
    };
    expect(
      describeHttpError(404, status('NotFound', { details: {} }), list)
    ).toBe(
      'The cluster does not serve poddefaults.kubeflow.org (404 Not Found); is its custom resource definition installed?'
    );
    // A named get on a type that is not served is not "object not found".
    const get: IKubeAction = {
      ...list,
      verb: 'get',
      resource: 'workspaces',
      name: 'alice'
    };
    expect(
      describeHttpError(404, status('NotFound', { details: {} }), get)
    ).toBe(
      'The cluster does not serve workspaces.kubeflow.org (404 Not Found); is its custom resource definition installed?'
    );
    expect(
      describeHttpError(
        404,
        status('NotFound', {
          details: { name: 'nowhere', kind: 'namespaces' }
        }),
        { ...action, verb: 'create' }
      )
    ).toBe(
      'The namespace nowhere does not exist (404 Not Found); create it first or choose another with -n.'
    );
  });
});

describe('toKubeError', () => {
  it.each([
    [
      { name: 'FetchError', code: 'ENOTFOUND' },
      'its host name does not resolve'
    ],
    [{ name: 'FetchError', code: 'ECONNRESET' }, 'was closed unexpectedly'],
    [{ name: 'AbortError', type: 'aborted' }, 'did not answer in time'],
    [
      { name: 'FetchError', code: 'CERT_HAS_EXPIRED' },
      'could not be verified (CERT_HAS_EXPIRED)'
    ],
    [
      { name: 'FetchError', cause: { code: 'ECONNREFUSED' } },
      'the connection was refused'
    ],
    [
      { name: 'Error', message: 'token=SERVER TEXT' },
      'Could not talk to the Kubernetes API at https://api.example:6443 (Error).'
    ]
  ])('%o', (error, expected) => {
    const converted = toKubeError(
      Object.assign(new Error('SERVER TEXT'), error),
      action
    );
    expect(converted).toBeInstanceOf(KubeError);
    expect(converted.message).toContain(expected);
    expect(converted.message).not.toContain('SERVER TEXT');
  });

  it('keeps the HTTP status for callers that branch on it', () => {
    expect(
      toKubeError({ code: 403, body: status('Forbidden') }, action).status
    ).toBe(403);
  });
});

describe('request time-out', () => {
  it('a server that does not answer in time is one sentence', async () => {
    const cluster = await startFakeCluster();
    try {
      cluster.api.delayMs = 3000;
      const result = await runCommand(auditCommand, [
        '--kubeconfig',
        cluster.kubeconfig(),
        '--request-timeout',
        '0.3'
      ]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `error: The Kubernetes API at ${cluster.api.url} did not answer in time; check the network path to the cluster.\n`
      );
    } finally {
      cluster.api.delayMs = 0;
      await cluster.close();
    }
  });
});
