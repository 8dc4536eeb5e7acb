/**
 * @jest-environment-options {"customExportConditions": ["node", "require", "default"]}
 */
// `mount` end to end against a REAL Kubernetes API server for custom resources
// (k8s.io/apiextensions-apiserver on etcd, upstream CRDs, client-certificate
// users, a SubjectAccessReview webhook): run by scripts/kube-real-server.sh.
import { mountCommand } from '../../src/cli/mount';
import { toKubeError } from '../../src/kube/errors';
import {
  listCustomObjects,
  PODDEFAULTS,
  WORKSPACES
} from '../../src/kube/list';
import { workspaceMergePatch } from '../../src/kube/mount-plan';
import { FIELD_MANAGER, openSession } from '../../src/kube/session';
import { setHeaderOptions } from '@kubernetes/client-node';
import { runCommand } from '../kube/fixtures';
import {
  call,
  kubeconfig,
  notebook,
  parseYaml,
  workspace
} from './real-cluster';

const PODDEFAULTS_PATH = '/apis/kubeflow.org/v1alpha1/namespaces';
const WORKSPACES_PATH = '/apis/kubeflow.org/v1beta1/namespaces';

function mount(args: string[], user: 'admin' | 'viewer' | 'nobody' = 'admin') {
  return runCommand(mountCommand, [...args, '--kubeconfig', kubeconfig(user)]);
}

describe('mount --target poddefault (real API server)', () => {
  it('creates exactly the PodDefault it prints: nothing pruned, no warnings', async () => {
    const printed = await mount([
      'db-creds',
      '-t',
      'poddefault',
      '--mode',
      '0440'
    ]);
    expect(printed.code).toBe(0);
    const manifest = parseYaml(printed.stdout) as Record<string, unknown>;
    // A dry run of the same object shows what the server would warn about (Warning: 299).
    const dry = await call(
      'admin',
      'POST',
      `${PODDEFAULTS_PATH}/team-a/poddefaults?dryRun=All`,
      {
        body: manifest
      }
    );
    expect(dry.status).toBe(201);
    expect(dry.headers.warning).toBeUndefined();

    const applied = await mount([
      'db-creds',
      '-t',
      'poddefault',
      '--mode',
      '0440',
      '--apply'
    ]);
    expect(applied.code).toBe(0);
    const stored = await call(
      'admin',
      'GET',
      `${PODDEFAULTS_PATH}/team-a/poddefaults/mount-db-creds`
    );
    expect(stored.status).toBe(200);
    expect(stored.json.spec).toEqual((manifest as { spec: unknown }).spec);
    const managers = (
      stored.json.metadata as { managedFields: { manager: string }[] }
    ).managedFields.map(entry => entry.manager);
    expect(managers).toEqual([FIELD_MANAGER]);
  });

  it('prunes unknown fields with a Warning: 299 header (what a typo in a manifest meets)', async () => {
    const answer = await call(
      'admin',
      'POST',
      `${PODDEFAULTS_PATH}/team-a/poddefaults`,
      {
        body: {
          apiVersion: 'kubeflow.org/v1alpha1',
          kind: 'PodDefault',
          metadata: { name: 'typo' },
          spec: { selector: {}, desc: 'x', volumeMount: [] }
        }
      }
    );
    expect(answer.status).toBe(201);
    expect(String(answer.headers.warning)).toMatch(
      /^299 - "unknown field \\?"spec\.volumeMount\\?""/
    );
    expect(answer.json.spec).toEqual({ selector: {}, desc: 'x' });
  });

  it('labels an existing Notebook (kubeflow.org/v1) with --notebook', async () => {
    expect(
      (
        await call(
          'admin',
          'POST',
          '/apis/kubeflow.org/v1/namespaces/team-a/notebooks',
          {
            body: notebook('team-a', 'alice')
          }
        )
      ).status
    ).toBe(201);
    const result = await mount([
      'nb-creds',
      '-t',
      'poddefault',
      '--notebook',
      'alice',
      '--apply'
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'Labelled Notebook team-a/alice mount-nb-creds=true'
    );
    const stored = await call(
      'admin',
      'GET',
      '/apis/kubeflow.org/v1/namespaces/team-a/notebooks/alice'
    );
    const metadata = stored.json.metadata as {
      labels: Record<string, string>;
      managedFields: { manager: string; operation: string }[];
    };
    expect(metadata.labels).toEqual({ app: 'alice', 'mount-nb-creds': 'true' });
    expect(
      metadata.managedFields.map(f => `${f.manager} ${f.operation}`)
    ).toContain(`${FIELD_MANAGER} Update`);
    // A Notebook that does not exist: refused before the PodDefault is created.
    const ghost = await mount([
      'ghost-creds',
      '-t',
      'poddefault',
      '--notebook',
      'ghost',
      '--apply'
    ]);
    expect(ghost.stderr).toContain(
      'error: notebooks.kubeflow.org "ghost" was not found in namespace team-a (404 Not Found).'
    );
    expect(
      (
        await call(
          'admin',
          'GET',
          `${PODDEFAULTS_PATH}/team-a/poddefaults/mount-ghost-creds`
        )
      ).status
    ).toBe(404);
  });

  it('says which namespace is missing (NamespaceLifecycle admission)', async () => {
    const result = await mount([
      'x',
      '-t',
      'poddefault',
      '--apply',
      '-n',
      'nowhere'
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'error: The namespace nowhere does not exist (404 Not Found); create it first or choose another with -n.'
    );
  });

  it('gets real 403 Status objects for users the authorizer turns down', async () => {
    // viewer may list PodDefaults in team-a, not create them.
    const viewer = await mount(
      ['v-creds', '-t', 'poddefault', '--apply'],
      'viewer'
    );
    expect(viewer.code).toBe(2);
    expect(viewer.stderr).toContain(
      'error: You are not allowed to create poddefaults.kubeflow.org "mount-v-creds" in namespace team-a (403 Forbidden)'
    );
    const nobody = await mount(['n-creds', '-t', 'poddefault'], 'nobody');
    expect(nobody.stderr).toContain(
      'error: You are not allowed to list poddefaults.kubeflow.org in namespace team-a (403 Forbidden)'
    );
  });
});

describe('mount --target workspace (real API server)', () => {
  beforeAll(async () => {
    for (const name of ['bob', 'carol']) {
      const created = await call(
        'admin',
        'POST',
        `${WORKSPACES_PATH}/team-a/workspaces`,
        {
          body: workspace('team-a', name)
        }
      );
      expect(created.status).toBe(201);
    }
  });

  it('patches the Workspace; the CRD defaults what it leaves out', async () => {
    const created = await call(
      'admin',
      'GET',
      `${WORKSPACES_PATH}/team-a/workspaces/bob`
    );
    // CRD defaulting on create: paused false, defaultMode 420 on the existing entry.
    expect((created.json.spec as { paused: boolean }).paused).toBe(false);
    const result = await mount([
      'ws-creds',
      '-t',
      'workspace',
      '-w',
      'bob',
      '--apply'
    ]);
    expect(result.stderr).toContain('note: Secret ws-creds');
    expect(result.code).toBe(0);
    const stored = await call(
      'admin',
      'GET',
      `${WORKSPACES_PATH}/team-a/workspaces/bob`
    );
    const spec = stored.json.spec as {
      podTemplate: { volumes: { secrets: unknown[] } };
    };
    expect(spec.podTemplate.volumes.secrets).toEqual([
      {
        secretName: 'existing',
        mountPath: '/secrets/existing',
        defaultMode: 420
      },
      {
        secretName: 'ws-creds',
        mountPath: '/secrets/ws-creds',
        defaultMode: 420
      }
    ]);
  });

  it('a merge patch from a stale read is refused with 409 (resourceVersion precondition)', async () => {
    const session = openSession({ kubeconfig: kubeconfig('admin') });
    const stale = (
      await call('admin', 'GET', `${WORKSPACES_PATH}/team-a/workspaces/carol`)
    ).json;
    // Someone else changes the Workspace in between.
    const other = await call(
      'admin',
      'PATCH',
      `${WORKSPACES_PATH}/team-a/workspaces/carol`,
      {
        body: { spec: { paused: true } },
        contentType: 'application/merge-patch+json'
      }
    );
    expect(other.status).toBe(200);
    const patch = workspaceMergePatch(stale, {
      secretName: 'late',
      namespace: 'team-a',
      mountPath: '/secrets/late',
      mode: 420
    });
    const error = await session.custom
      .patchNamespacedCustomObject(
        { ...WORKSPACES, namespace: 'team-a', name: 'carol', body: patch },
        setHeaderOptions('Content-Type', 'application/merge-patch+json')
      )
      .then(
        () => undefined,
        (caught: unknown) => caught
      );
    expect(
      toKubeError(error, {
        verb: 'patch',
        resource: 'workspaces',
        group: 'kubeflow.org',
        name: 'carol',
        namespace: 'team-a',
        server: session.server
      }).message
    ).toBe(
      'workspaces.kubeflow.org "carol" in namespace team-a was changed by someone else while this command was updating it (409 Conflict); run the command again.'
    );
  });

  it('CRD validation: defaultMode above 511 and a duplicate mountPath are 422 with the field named', async () => {
    const bad = workspace('team-a', 'dave');
    bad.spec.podTemplate.volumes.secrets = [
      { secretName: 'a', mountPath: '/secrets/a', defaultMode: 512 },
      { secretName: 'b', mountPath: '/secrets/a' }
    ] as typeof bad.spec.podTemplate.volumes.secrets;
    const answer = await call(
      'admin',
      'POST',
      `${WORKSPACES_PATH}/team-a/workspaces`,
      { body: bad }
    );
    expect(answer.status).toBe(422);
    const causes = (
      answer.json.details as { causes: { field: string; reason: string }[] }
    ).causes;
    expect(
      causes.map(cause => `${cause.reason} ${cause.field}`).sort()
    ).toEqual([
      'FieldValueDuplicate spec.podTemplate.volumes.secrets[1]',
      'FieldValueInvalid spec.podTemplate.volumes.secrets[0].defaultMode'
    ]);
    expect(
      toKubeError(
        { code: 422, body: JSON.stringify(answer.json) },
        {
          verb: 'create',
          resource: 'workspaces',
          group: 'kubeflow.org',
          name: 'dave',
          namespace: 'team-a',
          server: 's'
        }
      ).message
    ).toContain(
      '(422 Unprocessable Entity); check spec.podTemplate.volumes.secrets['
    );
  });

  it('404: a Workspace that does not exist, and a resource type the cluster does not serve', async () => {
    const missing = await mount(['x', '-t', 'workspace', '-w', 'ghost']);
    expect(missing.stderr).toBe(
      'error: workspaces.kubeflow.org "ghost" was not found in namespace team-a (404 Not Found).\n'
    );
    const session = openSession({ kubeconfig: kubeconfig('admin') });
    await expect(
      listCustomObjects(session, { ...PODDEFAULTS, version: 'v1' }, 'team-a')
    ).rejects.toThrow(
      'The cluster does not serve poddefaults.kubeflow.org (404 Not Found); is its custom resource definition installed?'
    );
  });
});

describe('lists (real API server)', () => {
  beforeAll(async () => {
    for (let i = 0; i < 5; i++) {
      const created = await call(
        'admin',
        'POST',
        `${PODDEFAULTS_PATH}/lists/poddefaults`,
        {
          body: {
            apiVersion: 'kubeflow.org/v1alpha1',
            kind: 'PodDefault',
            metadata: { name: `pd-${i}` },
            spec: {
              selector: { matchLabels: { [`pd-${i}`]: 'true' } },
              desc: `PodDefault ${i}`
            }
          }
        }
      );
      expect(created.status).toBe(201);
    }
  });

  it('pages with limit/continue and remainingItemCount; the client follows every page', async () => {
    const first = await call(
      'admin',
      'GET',
      `${PODDEFAULTS_PATH}/lists/poddefaults?limit=2`
    );
    const metadata = first.json.metadata as {
      continue?: string;
      remainingItemCount?: number;
    };
    expect(typeof metadata.continue).toBe('string');
    expect(metadata.remainingItemCount).toBe(3);
    const session = openSession({ kubeconfig: kubeconfig('admin') });
    const all = await listCustomObjects(session, PODDEFAULTS, 'lists', 2);
    expect(all.map(item => item.metadata?.name)).toEqual([
      'pd-0',
      'pd-1',
      'pd-2',
      'pd-3',
      'pd-4'
    ]);
  });

  it('answers metadata-only lists without the spec', async () => {
    const answer = await call(
      'admin',
      'GET',
      `${PODDEFAULTS_PATH}/lists/poddefaults?limit=10`,
      {
        accept:
          'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1'
      }
    );
    expect(answer.json.kind).toBe('PartialObjectMetadataList');
    const items = answer.json.items as Record<string, unknown>[];
    expect(items).toHaveLength(5);
    expect(
      items.every(
        item => item.kind === 'PartialObjectMetadata' && !('spec' in item)
      )
    ).toBe(true);
  });
});
