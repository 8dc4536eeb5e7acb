/**
 * @jest-environment-options {"customExportConditions": ["node", "require", "default"]}
 */
// Secrets that should not outlive their use: `create --owner KIND/NAME` and
// `--git-host`, and what `audit` reports about them, against the fake API
// server. Garbage collection itself is a controller's job: these tests check
// that the ownerReference is right, and that audit sees an orphan the
// collector left behind.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { auditCommand } from '../../src/cli/audit';
import { createCommand } from '../../src/cli/create';
import { httpStatusOf } from '../../src/kube/errors';
import { openSession } from '../../src/kube/session';
import type { IFakeCluster } from './fixtures';
import {
  pod,
  runCommand,
  secret,
  secretVolume,
  startFakeCluster
} from './fixtures';

const TOKEN = 'ghp_owner0test0value0a1b2c3d4e5f6';

let cluster: IFakeCluster;
let tokenFile: string;

type Json = Record<string, unknown>;

function stored(name: string): Json {
  return cluster.api.get('secrets', 'team-a', name) as Json;
}

function metadataOf(object: Json | undefined): Json {
  return (object?.metadata ?? {}) as Json;
}

async function create(args: string[]) {
  return runCommand(createCommand, [
    ...args,
    '--kubeconfig',
    cluster.kubeconfig(),
    '--from-file',
    `token=${tokenFile}`
  ]);
}

async function auditFindings(): Promise<
  { rule: string; secret?: string; message: string }[]
> {
  const result = await runCommand(auditCommand, [
    '--kubeconfig',
    cluster.kubeconfig(),
    '--format',
    'json',
    '--fail-on',
    'never'
  ]);
  expect(result.stderr).toBe('');
  return (
    JSON.parse(result.stdout) as {
      findings: { rule: string; secret?: string; message: string }[];
    }
  ).findings;
}

beforeAll(async () => {
  cluster = await startFakeCluster();
  tokenFile = path.join(cluster.dir, 'token');
  fs.writeFileSync(tokenFile, TOKEN);
  cluster.api.add('pods', pod({ namespace: 'team-a', name: 'binder-build' }));
  cluster.api.add('workspaces', {
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'Workspace',
    metadata: { name: 'alice-ws', namespace: 'team-a' },
    spec: {
      kind: 'jupyterlab',
      podTemplate: {
        volumes: { home: 'alice-home' },
        options: { imageConfig: 'jupyter', podConfig: 'tiny' }
      }
    }
  });
});

afterAll(async () => {
  await cluster.close();
});

describe('create --owner', () => {
  it("sets an ownerReference with the owner's uid read from the API", async () => {
    const owner = metadataOf(cluster.api.get('pods', 'team-a', 'binder-build'));
    const result = await create(['build-git', '--owner', 'pod/binder-build']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `Owned by Pod binder-build (uid ${String(owner.uid)}): deleted with it.`
    );
    expect(metadataOf(stored('build-git')).ownerReferences).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Pod',
        name: 'binder-build',
        uid: owner.uid,
        blockOwnerDeletion: true,
        controller: false
      }
    ]);
    // The owner is read as metadata only, like every read of this tool.
    const read = cluster.api.requests.find(r =>
      r.path.endsWith('/pods/binder-build')
    );
    expect(read?.accept).toContain('as=PartialObjectMetadata');
    expect(result.stdout).not.toContain(TOKEN);
  });

  it('takes a Workspace (kubeflow.org/v1beta1), and adds an owner when updating', async () => {
    const workspace = metadataOf(
      cluster.api.get('workspaces', 'team-a', 'alice-ws')
    );
    const pod = metadataOf(cluster.api.get('pods', 'team-a', 'binder-build'));
    expect((await create(['shared', '--owner', 'pod/binder-build'])).code).toBe(
      0
    );
    const result = await create(['shared', '--owner', 'Workspace/alice-ws']);
    expect(result.code).toBe(0);
    expect(
      (metadataOf(stored('shared')).ownerReferences as Json[]).map(ref => [
        ref.apiVersion,
        ref.kind,
        ref.uid
      ])
    ).toEqual([
      ['v1', 'Pod', pod.uid],
      ['kubeflow.org/v1beta1', 'Workspace', workspace.uid]
    ]);
  });

  it('writes nothing when the owner does not exist or is not a kind it knows', async () => {
    const missing = await create(['orphan-to-be', '--owner', 'pod/nobody']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain(
      'Pod nobody does not exist in namespace team-a; nothing was written.'
    );
    expect(stored('orphan-to-be')).toBeUndefined();
    const bad = await create(['x', '--owner', 'configmap/a']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--owner takes KIND/NAME');
    expect(cluster.api.get('secrets', 'team-a', 'x')).toBeUndefined();
  });

  it('is validated like a real API server: references need a uid, one controller at most', async () => {
    const session = openSession({ kubeconfig: cluster.kubeconfig() });
    const reference = {
      apiVersion: 'v1',
      kind: 'Pod',
      name: 'binder-build',
      uid: 'u-1'
    };
    for (const ownerReferences of [
      [{ ...reference, uid: '' }],
      [
        { ...reference, controller: true },
        { ...reference, uid: 'u-2', controller: true }
      ]
    ]) {
      const error = await session.core
        .createNamespacedSecret({
          namespace: 'team-a',
          body: { metadata: { name: 'forged', ownerReferences } }
        })
        .then(() => null)
        .catch((caught: unknown) => caught);
      expect(httpStatusOf(error)).toBe(422);
    }
    expect(stored('forged')).toBeUndefined();
  });
});

describe('audit of Secrets that outlive their use', () => {
  it('reports a Secret whose owner pod is gone, and not while it lives', async () => {
    cluster.api.add('pods', pod({ namespace: 'team-a', name: 'short-lived' }));
    expect(
      (await create(['short-cred', '--owner', 'pod/short-lived'])).code
    ).toBe(0);
    expect(
      (await auditFindings()).filter(f => f.rule === 'secret-owner-gone')
    ).toEqual([]);

    // The pod goes; the fake runs no garbage collector, as a cluster whose collector is
    // stuck or where the pod was deleted with --cascade=orphan.
    cluster.api.remove('pods', 'team-a', 'short-lived');
    let gone = (await auditFindings()).filter(
      f => f.rule === 'secret-owner-gone'
    );
    expect(gone.map(f => f.secret)).toEqual(['short-cred']);
    expect(gone[0].message).toContain('owned by Pod short-lived (uid');

    // Re-created under the same name it is another object (another uid): still gone.
    cluster.api.add('pods', pod({ namespace: 'team-a', name: 'short-lived' }));
    gone = (await auditFindings()).filter(f => f.rule === 'secret-owner-gone');
    expect(gone.map(f => f.secret)).toEqual(['short-cred']);
  });

  it('reports git credentials mounted nowhere, and not once a pod mounts them', async () => {
    expect(
      (await create(['gh-token', '--git-host', 'https://GitHub.com/'])).code
    ).toBe(0);
    expect(
      metadataOf(stored('gh-token')).annotations as Record<string, string>
    ).toEqual({ 'jupyterlab-secret-mounts/git-host': 'github.com' });
    cluster.api.add(
      'secrets',
      secret(
        'team-a',
        'tekton-git',
        { username: 'bot', password: 'x' },
        {
          metadata: {
            annotations: { 'tekton.dev/git-0': 'https://gitlab.example.org' }
          }
        }
      )
    );
    let findings = await auditFindings();
    const unmounted = findings.filter(
      f => f.rule === 'git-credential-unmounted'
    );
    expect(unmounted.map(f => f.secret).sort()).toEqual([
      'gh-token',
      'tekton-git'
    ]);
    expect(unmounted.find(f => f.secret === 'gh-token')?.message).toContain(
      'holds a git credential for github.com and is mounted nowhere'
    );
    // The more precise finding replaces "used nowhere" for these Secrets.
    expect(
      findings.filter(
        f => f.rule === 'secret-unused' && f.secret === 'gh-token'
      )
    ).toEqual([]);

    cluster.api.add(
      'pods',
      pod({
        namespace: 'team-a',
        name: 'alice-notebook',
        volumes: [secretVolume('git', 'gh-token')],
        mounts: [{ name: 'git', mountPath: '/secrets/git', readOnly: true }]
      })
    );
    findings = await auditFindings();
    expect(
      findings
        .filter(f => f.rule === 'git-credential-unmounted')
        .map(f => f.secret)
    ).toEqual(['tekton-git']);
  });

  it('checks --git-host', async () => {
    const result = await create(['bad-host', '--git-host', 'not a host']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('--git-host takes a host name');
  });
});
