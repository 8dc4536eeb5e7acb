/**
 * @jest-environment-options {"customExportConditions": ["node", "require", "default"]}
 */
// `audit` end to end: the real @kubernetes/client-node against the fake API
// server (test/kube/fake-apiserver.ts; no real API server runs in CI).
import { auditCommand } from '../../src/cli/audit';
import type { IFakeCluster } from './fixtures';
import { checkSarif } from './schema-validators';
import {
  captureIO,
  jupyterhubPod,
  kubeflowNotebookPod,
  limitedUser,
  pod,
  secret,
  secretVolume,
  startFakeCluster,
  workspacePod
} from './fixtures';

const VALUES = {
  db: 'db-password-4f9c2e71',
  api: 'api-token-93be7f0d',
  tls: 'tls-key-material-51aa',
  applied: 'applied-value-0c3d77'
};

interface IAuditJson {
  scope: 'all' | string[];
  summary: { secrets: number; pods: number; workspacePods: number };
  secrets: {
    namespace: string;
    name: string;
    uses: { kind: string; pod: string; mountPath?: string; envVar?: string }[];
    configured: { kind: string; object: string }[];
  }[];
  findings: {
    rule: string;
    level: string;
    namespace: string;
    secret?: string;
    pod?: string;
    message: string;
  }[];
  skipped: string[];
}

let cluster: IFakeCluster;

beforeAll(async () => {
  cluster = await startFakeCluster();
  const api = cluster.api;
  const ns = 'team-a';
  api.add('secrets', secret(ns, 'db-creds', { password: VALUES.db }));
  api.add('secrets', secret(ns, 'api-token', { token: VALUES.api }));
  api.add(
    'secrets',
    secret(
      ns,
      'tls-cert',
      { 'tls.key': VALUES.tls },
      { type: 'kubernetes.io/tls' }
    )
  );
  api.add('secrets', secret(ns, 'old-token', { token: 'x' }));
  api.add('secrets', secret(ns, 'paused-ws-creds', { token: 'y' }));
  api.add('secrets', secret(ns, 'pd-creds', { token: 'z' }));
  api.add('secrets', secret(ns, 'pd-env-creds', { token: 'w' }));
  api.add(
    'secrets',
    secret(
      ns,
      'sh.helm.release.v1.web.v1',
      { release: 'r' },
      {
        type: 'helm.sh/release.v1',
        metadata: { labels: { owner: 'helm', name: 'web', status: 'deployed' } }
      }
    )
  );
  api.add(
    'secrets',
    secret(
      ns,
      'applied',
      { password: VALUES.applied },
      {
        metadata: {
          annotations: {
            'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({
              apiVersion: 'v1',
              kind: 'Secret',
              metadata: { name: 'applied', namespace: ns },
              data: { password: Buffer.from(VALUES.applied).toString('base64') }
            })
          }
        }
      }
    )
  );
  api.add('secrets', secret('team-b', 'b-creds', { token: 'b' }));

  api.add(
    'pods',
    kubeflowNotebookPod(ns, 'alice', {
      volumes: [secretVolume('db', 'db-creds', { defaultMode: 0o440 })],
      mounts: [{ name: 'db', mountPath: '/secrets/db-creds', readOnly: true }]
    })
  );
  api.add(
    'pods',
    workspacePod(ns, 'bob', {
      env: [
        {
          name: 'API_TOKEN',
          valueFrom: { secretKeyRef: { name: 'api-token', key: 'token' } }
        }
      ]
    })
  );
  api.add(
    'pods',
    jupyterhubPod(ns, 'carol', {
      token: false,
      volumes: [secretVolume('tls', 'tls-cert')],
      mounts: [
        { name: 'tls', mountPath: '/etc/tls/tls.key', subPath: 'tls.key' }
      ]
    })
  );
  api.add(
    'pods',
    pod({
      namespace: ns,
      name: 'web-7d9f',
      envFrom: [{ secretRef: { name: 'api-token' } }],
      imagePullSecrets: ['gone']
    })
  );
  api.add('rolebindings', {
    metadata: { name: 'default-editor', namespace: ns },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'kubeflow-edit'
    },
    subjects: [
      { kind: 'ServiceAccount', name: 'default-editor', namespace: ns }
    ]
  });
  api.add('clusterroles', {
    metadata: { name: 'kubeflow-edit' },
    rules: [{ apiGroups: [''], resources: ['pods', 'services'], verbs: ['*'] }]
  });
  // Made by an admin (not a bootstrap default), but grants discovery URLs only.
  api.add('clusterroles', {
    metadata: { name: 'oidc-reader' },
    rules: [{ nonResourceURLs: ['/openid/v1/jwks'], verbs: ['get'] }]
  });
  api.add('clusterrolebindings', {
    metadata: { name: 'oidc-reader-all' },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'oidc-reader'
    },
    subjects: [
      {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Group',
        name: 'system:serviceaccounts'
      }
    ]
  });
  // Secrets no running pod uses, but something else does (item 10 of issue 18).
  for (const name of [
    'registry-creds',
    'web-tls-cert',
    'backup-creds',
    'scaled-creds',
    'nb-creds'
  ]) {
    api.add('secrets', secret(ns, name, { k: 'v' }));
  }
  api.add('serviceaccounts', {
    metadata: { name: 'builder', namespace: ns },
    imagePullSecrets: [{ name: 'registry-creds' }]
  });
  api.add('ingresses', {
    metadata: { name: 'web', namespace: ns },
    spec: { tls: [{ hosts: ['web.example.org'], secretName: 'web-tls-cert' }] }
  });
  const template = (secretName: string) => ({
    spec: {
      containers: [
        {
          name: 'main',
          image: 'busybox',
          volumeMounts: [{ name: 'creds', mountPath: '/creds' }]
        }
      ],
      volumes: [secretVolume('creds', secretName)]
    }
  });
  api.add('cronjobs', {
    metadata: { name: 'backup', namespace: ns },
    spec: {
      schedule: '0 3 * * *',
      jobTemplate: { spec: { template: template('backup-creds') } }
    }
  });
  api.add('deployments', {
    metadata: { name: 'idle', namespace: ns },
    spec: { replicas: 0, template: template('scaled-creds') }
  });
  api.add('notebooks', {
    metadata: {
      name: 'erin',
      namespace: ns,
      annotations: { 'kubeflow-resource-stopped': '2026-11-30T10:00:00Z' }
    },
    spec: { template: template('nb-creds') }
  });
  // team-c: a workspace running as "default", which a RoleBinding grants access.
  api.add('pods', workspacePod('team-c', 'frank'));
  api.add('rolebindings', {
    metadata: { name: 'default-edit', namespace: 'team-c' },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'kubeflow-edit'
    },
    subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'team-c' }]
  });
  api.add('poddefaults', {
    metadata: { name: 'mount-pd-creds', namespace: ns },
    spec: {
      desc: 'Mount pd-creds',
      selector: { matchLabels: { 'mount-pd-creds': 'true' } },
      volumes: [{ name: 'pd', secret: { secretName: 'pd-creds' } }],
      volumeMounts: [{ name: 'pd', mountPath: '/secrets/pd-creds' }]
    }
  });
  api.add('poddefaults', {
    metadata: { name: 'env-creds', namespace: ns },
    spec: {
      desc: 'Env creds',
      selector: { matchLabels: { 'env-creds': 'true' } },
      env: [
        {
          name: 'TOKEN',
          valueFrom: { secretKeyRef: { name: 'pd-env-creds', key: 'token' } }
        }
      ]
    }
  });
  api.add('workspaces', {
    metadata: { name: 'dave', namespace: ns },
    spec: {
      kind: 'jupyterlab',
      paused: true,
      podTemplate: {
        options: { imageConfig: 'jupyterlab_scipy_190', podConfig: 'tiny_cpu' },
        volumes: {
          home: 'dave-home',
          secrets: [
            {
              secretName: 'paused-ws-creds',
              mountPath: '/secrets/paused-ws-creds',
              defaultMode: 420
            }
          ]
        }
      }
    }
  });
});

afterAll(async () => {
  await cluster.close();
});

beforeEach(() => {
  cluster.api.requests.length = 0;
  cluster.api.recordBodies = false;
  cluster.api.afterRequest = undefined;
});

async function audit(args: string[]) {
  const capture = captureIO();
  const code = await auditCommand.run(args, capture.io);
  return { code, stdout: capture.stdout(), stderr: capture.stderr() };
}

async function auditJson(args: string[]): Promise<IAuditJson> {
  const result = await audit([
    ...args,
    '--format',
    'json',
    '--fail-on',
    'never'
  ]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as IAuditJson;
}

function ruleHits(report: IAuditJson, rule: string): string[] {
  return report.findings
    .filter(finding => finding.rule === rule)
    .map(
      finding =>
        `${finding.namespace}/${finding.secret ?? '-'}@${finding.pod ?? '-'}`
    )
    .sort();
}

describe('audit', () => {
  it('lists Secrets by metadata only and never receives a value', async () => {
    cluster.api.recordBodies = true;
    const report = await auditJson(['--kubeconfig', cluster.kubeconfig()]);
    const secretRequests = cluster.api.requests.filter(
      r => r.path.endsWith('/secrets') || r.path.includes('/secrets/')
    );
    expect(secretRequests.length).toBeGreaterThan(0);
    for (const request of secretRequests) {
      expect(request.method).toBe('GET');
      expect(request.path).toBe('/api/v1/namespaces/team-a/secrets');
      expect(request.accept).toBe(
        'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1'
      );
      expect(JSON.parse(request.body!).kind).toBe('PartialObjectMetadataList');
    }
    // Nothing received holds a value of a Secret that is not in an annotation.
    const received = cluster.api.requests.map(r => r.body).join('\n');
    for (const value of [VALUES.db, VALUES.api, VALUES.tls]) {
      expect(received).not.toContain(Buffer.from(value).toString('base64'));
      expect(received).not.toContain(value);
    }
    expect(report.summary).toEqual({
      secrets: 14,
      pods: 4,
      workspacePods: 3,
      findings: expect.anything()
    });
  });

  it('shows which pods mount each Secret and how', async () => {
    const report = await auditJson(['--kubeconfig', cluster.kubeconfig()]);
    const uses = (name: string) => report.secrets.find(s => s.name === name)!;
    expect(uses('db-creds').uses).toEqual([
      expect.objectContaining({
        kind: 'folder',
        pod: 'alice-0',
        mountPath: '/secrets/db-creds',
        modes: ['0440'],
        workspace: 'kubeflow-notebooks'
      })
    ]);
    expect(
      uses('api-token')
        .uses.map(use => `${use.kind}:${use.pod}`)
        .sort()
    ).toEqual(['env:ws-bob-0', 'envFrom:web-7d9f']);
    expect(uses('tls-cert').uses).toEqual([
      expect.objectContaining({
        kind: 'subPath',
        pod: 'jupyter-carol',
        mountPath: '/etc/tls/tls.key',
        workspace: 'jupyterhub'
      })
    ]);
    expect(uses('pd-creds').configured).toEqual([
      {
        kind: 'poddefault',
        object: 'mount-pd-creds',
        mountPath: '/secrets/pd-creds'
      }
    ]);
    expect(uses('paused-ws-creds').configured).toEqual([
      {
        kind: 'workspace',
        object: 'dave',
        mountPath: '/secrets/paused-ws-creds'
      }
    ]);
  });

  it('reports risky uses of workspace pods and unused Secrets', async () => {
    const report = await auditJson(['--kubeconfig', cluster.kubeconfig()]);
    expect(ruleHits(report, 'secret-in-env')).toEqual([
      'team-a/api-token@ws-bob-0',
      'team-a/pd-env-creds@-'
    ]);
    expect(ruleHits(report, 'subpath-no-rotation')).toEqual([
      'team-a/tls-cert@jupyter-carol'
    ]);
    expect(ruleHits(report, 'world-readable-mode')).toEqual([
      'team-a/tls-cert@jupyter-carol'
    ]);
    // bob runs as "default" with no binding; alice's default-editor is bound; carol mounts no
    // token. The bootstrap issuer-discovery binding to every service account, and an admin's
    // binding of a discovery-only role, grant no API access.
    expect(ruleHits(report, 'unneeded-service-account-token')).toEqual([
      'team-a/-@ws-bob-0'
    ]);
    expect(
      report.findings.find(f => f.rule === 'unneeded-service-account-token')!
        .message
    ).toContain(
      'no role binding grants service account default access to API resources'
    );
    expect(ruleHits(report, 'secret-values-in-annotation')).toEqual([
      'team-a/applied@-'
    ]);
    // The Helm release Secret is managed, so it is not reported as unused; neither are the
    // Secrets of a ServiceAccount, an Ingress, a CronJob, a Deployment scaled to zero and a
    // stopped Notebook.
    expect(ruleHits(report, 'secret-unused')).toEqual([
      'team-a/applied@-',
      'team-a/old-token@-'
    ]);
    expect(ruleHits(report, 'secret-missing')).toEqual([
      'team-a/gone@web-7d9f'
    ]);
  });

  it('reports non-workspace pods too with --all-pods', async () => {
    const report = await auditJson([
      '--kubeconfig',
      cluster.kubeconfig(),
      '--all-pods'
    ]);
    expect(ruleHits(report, 'secret-in-env')).toContain(
      'team-a/api-token@web-7d9f'
    );
  });

  it('falls back to the default-service-account heuristic when bindings are forbidden', async () => {
    cluster.api.addUser(
      'no-rbac',
      limitedUser('no-rbac', [
        { resource: 'secrets', verbs: ['list'] },
        { resource: 'pods', verbs: ['list'] },
        { resource: 'poddefaults', verbs: ['list'] },
        { resource: 'workspaces', verbs: ['list'] }
      ])
    );
    const report = await auditJson([
      '--kubeconfig',
      cluster.kubeconfig('no-rbac')
    ]);
    expect(ruleHits(report, 'unneeded-service-account-token')).toEqual([
      'team-a/-@ws-bob-0'
    ]);
    expect(
      report.findings.find(f => f.rule === 'unneeded-service-account-token')!
        .message
    ).toContain('could not be read');
    expect(report.skipped.join(' ')).toContain('RoleBindings');
  });

  it('keeps the RoleBindings it read when ClusterRoleBindings are forbidden', async () => {
    cluster.api.addUser(
      'no-cluster-rbac',
      limitedUser('no-cluster-rbac', [
        { resource: 'secrets', verbs: ['list'] },
        { resource: 'pods', verbs: ['list'] },
        { resource: 'rolebindings', verbs: ['list'] },
        { resource: 'roles', verbs: ['list'] }
      ])
    );
    const report = await auditJson([
      '--kubeconfig',
      cluster.kubeconfig('no-cluster-rbac'),
      '-n',
      'team-c'
    ]);
    // frank runs as "default", but a RoleBinding grants it access: not flagged.
    expect(ruleHits(report, 'unneeded-service-account-token')).toEqual([]);
    expect(report.skipped.join(' ')).toContain('ClusterRoleBindings');
    expect(report.skipped.join(' ')).not.toMatch(/^RoleBindings/m);
  });

  it('follows continue tokens and gives the same result in small pages', async () => {
    const whole = await auditJson(['--kubeconfig', cluster.kubeconfig()]);
    cluster.api.requests.length = 0;
    const paged = await auditJson([
      '--kubeconfig',
      cluster.kubeconfig(),
      '--chunk-size',
      '2'
    ]);
    const pages = cluster.api.requests.filter(
      r => r.path === '/api/v1/namespaces/team-a/secrets'
    );
    expect(pages.map(r => r.query.limit)).toEqual(Array(7).fill('2'));
    expect(pages[0].query.continue).toBeUndefined();
    expect(
      pages.slice(1).every(r => typeof r.query.continue === 'string')
    ).toBe(true);
    expect(paged.secrets).toEqual(whole.secrets);
    expect(paged.findings).toEqual(whole.findings);
  });

  it('restarts the list once when its snapshot expires (410)', async () => {
    let compacted = false;
    cluster.api.afterRequest = record => {
      if (!compacted && record.path.endsWith('/secrets')) {
        compacted = true;
        cluster.api.compact();
      }
    };
    const report = await auditJson([
      '--kubeconfig',
      cluster.kubeconfig(),
      '--chunk-size',
      '4'
    ]);
    const statuses = cluster.api.requests
      .filter(r => r.path.endsWith('/secrets'))
      .map(r => r.status);
    expect(statuses).toContain(410);
    expect(report.summary.secrets).toBe(14);
  });

  it('waits out a throttled page (429, Retry-After) and a transient 503, then finishes', async () => {
    const secretsPath = '/api/v1/namespaces/team-a/secrets';
    cluster.api.faults.push(
      { code: 429, retryAfter: 1, match: r => r.path === secretsPath },
      { code: 503, match: r => r.path === '/api/v1/namespaces/team-a/pods' }
    );
    const report = await auditJson([
      '--kubeconfig',
      cluster.kubeconfig(),
      '--chunk-size',
      '4'
    ]);
    const statuses = (path: string) =>
      cluster.api.requests.filter(r => r.path === path).map(r => r.status);
    expect(statuses(secretsPath)).toEqual([429, 200, 200, 200, 200]);
    expect(statuses('/api/v1/namespaces/team-a/pods')).toEqual([503, 200]);
    expect(report.summary.secrets).toBe(14);
  });

  it('gives up after a bounded number of tries, in one sentence', async () => {
    cluster.api.faults.push({ code: 503, times: 100 });
    const result = await audit(['--kubeconfig', cluster.kubeconfig()]);
    cluster.api.faults.length = 0;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^error: The Kubernetes API at \S+ failed to list secrets \(503 server error\); try again later or ask a cluster administrator\.\n$/
    );
    expect(cluster.api.requests).toHaveLength(5);
  });

  it('audits every namespace the caller may list with -A', async () => {
    const all = await auditJson(['--kubeconfig', cluster.kubeconfig(), '-A']);
    expect(all.scope).toBe('all');
    expect(all.secrets.map(s => s.namespace)).toContain('team-b');
    expect(cluster.api.requests.some(r => r.path === '/api/v1/secrets')).toBe(
      true
    );

    cluster.api.addUser(
      'team-a-only',
      limitedUser('team-a-only', [
        { resource: 'namespaces', verbs: ['list'] },
        { resource: 'secrets', verbs: ['list'], namespace: 'team-a' },
        { resource: 'pods', verbs: ['list'], namespace: 'team-a' }
      ])
    );
    const limited = await auditJson([
      '--kubeconfig',
      cluster.kubeconfig('team-a-only'),
      '-A'
    ]);
    expect(limited.scope).toEqual(['team-a']);
    expect(limited.skipped).toContain(
      'Namespace team-b: not allowed to list its Secrets or pods.'
    );
  });

  it('exits 1 on findings at or above --fail-on, 0 below', async () => {
    expect((await audit(['--kubeconfig', cluster.kubeconfig()])).code).toBe(1);
    expect(
      (
        await audit([
          '--kubeconfig',
          cluster.kubeconfig(),
          '--fail-on',
          'error'
        ])
      ).code
    ).toBe(0);
  });

  it('prints a readable text report', async () => {
    const { stdout } = await audit([
      '--kubeconfig',
      cluster.kubeconfig(),
      '--fail-on',
      'never'
    ]);
    expect(stdout).toContain('Audit of namespace team-a');
    expect(stdout).toMatch(
      /team-a\/db-creds\s+folder \/secrets\/db-creds in workspace pod alice-0 \(main\), mode 0440/
    );
    expect(stdout).toMatch(
      /warning\s+secret-in-env\s+Container main of workspace pod team-a\/ws-bob-0 exposes key token of Secret api-token/
    );
    expect(stdout).toContain(
      'unneeded-service-account-token: A workspace runs user code'
    );
  });
});

describe('audit errors are one sentence', () => {
  it('403 on listing Secrets', async () => {
    cluster.api.addUser(
      'pods-only',
      limitedUser('pods-only', [{ resource: 'pods', verbs: ['list'] }])
    );
    const result = await audit([
      '--kubeconfig',
      cluster.kubeconfig('pods-only')
    ]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'error: You are not allowed to list secrets in namespace team-a (403 Forbidden); ask a cluster administrator for a role that grants it.\n'
    );
  });

  it('401 for a rejected token', async () => {
    const result = await audit([
      '--kubeconfig',
      cluster.kubeconfig('expired-token')
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^error: The Kubernetes API at https:\/\/127\.0\.0\.1:\d+ did not accept your credentials \(401 Unauthorized\)[^\n]*\n$/
    );
  });

  it('usage errors', async () => {
    expect((await audit(['--format', 'xml'])).stderr).toBe(
      'error: --format must be text, json or sarif.\n'
    );
    expect((await audit(['-n', 'a', '-A', '--kubeconfig', 'x'])).stderr).toBe(
      'error: Give either -n NAMESPACE or -A, not both.\n'
    );
    expect((await audit(['--bogus=hunter2'])).stderr).toBe(
      'error: Unknown option --bogus; see --help.\n'
    );
  });
});

describe('audit --format sarif', () => {
  it('is valid SARIF 2.1.0 with one result per finding', async () => {
    const json = await auditJson(['--kubeconfig', cluster.kubeconfig()]);
    const result = await audit([
      '--kubeconfig',
      cluster.kubeconfig(),
      '--format',
      'sarif',
      '--fail-on',
      'never'
    ]);
    expect(result.code).toBe(0);
    const sarif = JSON.parse(result.stdout) as {
      version: string;
      runs: {
        tool: { driver: { name: string; rules: { id: string }[] } };
        results: { ruleId: string; level: string; locations: unknown[] }[];
      }[];
    };
    expect(checkSarif(sarif)).toEqual([]);
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    expect(run.tool.driver.name).toBe('jupyterlab-secret-mounts');
    expect(run.results.map(r => r.ruleId)).toEqual(
      json.findings.map(f => f.rule)
    );
    expect(run.results.map(r => r.level)).toEqual(
      json.findings.map(f => f.level)
    );
    expect(checkSarif({ ...sarif, version: '2.0' })).not.toEqual([]);
  });
});

describe('audit of a large namespace', () => {
  it('reads gzip-compressed pages (kube-apiserver compresses answers of 128 KiB or more)', async () => {
    const big = await startFakeCluster();
    try {
      for (let i = 0; i < 800; i++) {
        big.api.add(
          'secrets',
          secret('team-a', `token-${String(i).padStart(4, '0')}`, { t: 'x' })
        );
      }
      const capture = captureIO();
      const code = await auditCommand.run(
        [
          '--kubeconfig',
          big.kubeconfig(),
          '--format',
          'json',
          '--fail-on',
          'never'
        ],
        capture.io
      );
      expect(capture.stderr()).toBe('');
      expect(code).toBe(0);
      const report = JSON.parse(capture.stdout()) as IAuditJson;
      expect(report.summary.secrets).toBe(800);
      const pages = big.api.requests.filter(r => r.path.endsWith('/secrets'));
      expect(pages.some(page => page.gzip)).toBe(true);
    } finally {
      await big.close();
    }
  });
});
