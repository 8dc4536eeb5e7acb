/**
 * @jest-environment-options {"customExportConditions": ["node", "require", "default"]}
 */
// `mount` end to end against the fake API server (no real API server runs in CI).
// The fake validates PodDefault and Workspace writes against their CRD schemas.
import * as fs from 'node:fs';
import * as path from 'node:path';
import yaml from 'js-yaml';
import { mountCommand } from '../../src/cli/mount';
import type { IFakeCluster } from './fixtures';
import { runCommand, secret, startFakeCluster } from './fixtures';

let cluster: IFakeCluster;

const WORKSPACE = {
  metadata: { name: 'erin', namespace: 'team-a' },
  spec: {
    kind: 'jupyterlab',
    paused: false,
    podTemplate: {
      podMetadata: { labels: {}, annotations: {} },
      options: { imageConfig: 'jupyterlab_scipy_190', podConfig: 'tiny_cpu' },
      volumes: {
        home: 'erin-home',
        data: [
          { pvcName: 'erin-data', mountPath: '/data/my-data', readOnly: false }
        ],
        secrets: [
          {
            secretName: 'existing',
            mountPath: '/secrets/existing',
            defaultMode: 420
          }
        ]
      }
    }
  }
};

beforeAll(async () => {
  cluster = await startFakeCluster();
  const api = cluster.api;
  api.add('secrets', secret('team-a', 'db-creds', { password: 'p' }));
  api.add(
    'secrets',
    secret(
      'team-a',
      'ui-creds',
      { token: 't' },
      { metadata: { labels: { 'notebooks.kubeflow.org/can-mount': 'true' } } }
    )
  );
  api.add('poddefaults', {
    metadata: { name: 'access-ml-pipeline', namespace: 'team-a' },
    spec: {
      desc: 'Allow access to Kubeflow Pipelines',
      selector: { matchLabels: { 'access-ml-pipeline': 'true' } },
      volumes: [
        {
          name: 'volume-kf-pipeline-token',
          projected: {
            sources: [
              {
                serviceAccountToken: {
                  path: 'token',
                  expirationSeconds: 7200,
                  audience: 'pipelines.kubeflow.org'
                }
              }
            ]
          }
        }
      ],
      volumeMounts: [
        {
          mountPath: '/var/run/secrets/kubeflow/pipelines',
          name: 'volume-kf-pipeline-token',
          readOnly: true
        }
      ]
    }
  });
  api.add('workspacekinds', {
    metadata: { name: 'jupyterlab' },
    spec: { podTemplate: { volumeMounts: { home: '/home/jovyan' } } }
  });
  api.add('workspaces', WORKSPACE);
});

afterAll(async () => {
  await cluster.close();
});

beforeEach(() => {
  cluster.api.requests.length = 0;
  cluster.api.afterRequest = undefined;
});

/** `mount` with these arguments, as the CLI runs it. */
const mount = (args: string[]) => runCommand(mountCommand, args);

/** `mount` against the fake cluster. */
const onCluster = (args: string[]) =>
  mount([...args, '--kubeconfig', cluster.kubeconfig()]);

/** Writes made to the cluster since the test began. */
function writes() {
  return cluster.api.requests.filter(r => r.method !== 'GET');
}

describe('mount --target poddefault', () => {
  it('prints a PodDefault that mounts the Secret as a folder', async () => {
    const result = await onCluster(['db-creds', '--target', 'poddefault']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(yaml.load(result.stdout)).toEqual({
      apiVersion: 'kubeflow.org/v1alpha1',
      kind: 'PodDefault',
      metadata: {
        name: 'mount-db-creds',
        namespace: 'team-a',
        labels: { 'app.kubernetes.io/managed-by': 'jupyterlab-secret-mounts' }
      },
      spec: {
        desc: 'Mount Secret db-creds at /secrets/db-creds',
        selector: { matchLabels: { 'mount-db-creds': 'true' } },
        volumes: [
          {
            name: 'mount-db-creds',
            secret: { secretName: 'db-creds', defaultMode: 420 }
          }
        ],
        volumeMounts: [
          {
            name: 'mount-db-creds',
            mountPath: '/secrets/db-creds',
            readOnly: true
          }
        ]
      }
    });
    expect(writes()).toEqual([]);
  });

  it('--apply creates it (the fake checks it against the PodDefault CRD schema)', async () => {
    const apply = ['db-creds', '-t', 'poddefault', '--apply'];
    const result = await onCluster([...apply, '--mode', '0440']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      'Created PodDefault team-a/mount-db-creds. New notebooks get the Secret at /secrets/db-creds when "Mount Secret db-creds at /secrets/db-creds" is selected under Configurations.\n' +
        'Existing notebooks get it only once their Notebook carries the label mount-db-creds=true (restarting them is not enough): pass --notebook NAME.\n'
    );
    // Every write names this tool as its field manager.
    expect(
      cluster.api.requests.find(r => r.method === 'POST')!.query.fieldManager
    ).toBe('jupyterlab-secret-mounts');
    const stored = cluster.api.get(
      'poddefaults',
      'team-a',
      'mount-db-creds'
    ) as { spec: { volumes: { secret: { defaultMode: number } }[] } };
    expect(stored.spec.volumes[0].secret.defaultMode).toBe(0o440);
    // Same name again: refused, with a way out.
    const again = await onCluster(apply);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(
      'error: A PodDefault named mount-db-creds already exists in namespace team-a; choose another with --name.\n'
    );
  });

  it('--notebook labels existing Kubeflow 1.x Notebooks so that their pods get the Secret', async () => {
    cluster.api.add('notebooks', {
      metadata: {
        name: 'alice',
        namespace: 'team-a',
        labels: { app: 'alice' }
      },
      spec: {
        template: {
          spec: { containers: [{ name: 'alice', image: 'jupyter' }] }
        }
      }
    });
    const label = ['nb-creds', '-t', 'poddefault', '--notebook', 'alice'];
    const dry = await onCluster(label);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain(
      'Then give Notebook alice the Secret (its pod restarts): kubectl label notebooks.kubeflow.org alice -n team-a mount-nb-creds=true\n'
    );
    const applied = await onCluster([...label, '--apply']);
    expect(applied.stderr).toContain('does not exist in namespace team-a yet');
    expect(applied.stdout).toContain(
      'Labelled Notebook team-a/alice mount-nb-creds=true: the notebook controller restarts its pod, which then has the Secret at /secrets/nb-creds.\n'
    );
    const notebook = cluster.api.get('notebooks', 'team-a', 'alice') as {
      metadata: { labels: Record<string, string> };
    };
    expect(notebook.metadata.labels).toEqual({
      app: 'alice',
      'mount-nb-creds': 'true'
    });
    const patch = cluster.api.requests.find(r => r.method === 'PATCH')!;
    expect(patch.path).toBe(
      '/apis/kubeflow.org/v1/namespaces/team-a/notebooks/alice'
    );
    expect(patch.query.fieldManager).toBe('jupyterlab-secret-mounts');
  });

  it('notes a Secret that does not exist yet', async () => {
    const result = await onCluster(['later', '-t', 'poddefault']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      'note: Secret later does not exist in namespace team-a yet; workspaces that mount it will not start until it does.\n'
    );
  });

  it('says when PodDefaults are not installed', async () => {
    cluster.api.installed.delete('poddefaults');
    try {
      const result = await onCluster([
        'db-creds',
        '-t',
        'poddefault',
        '--name',
        'x'
      ]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        'error: The cluster does not serve poddefaults.kubeflow.org (404 Not Found); is its custom resource definition installed?\n'
      );
    } finally {
      cluster.api.installed.add('poddefaults');
    }
  });
});

describe('mount --target workspace', () => {
  it('prints a merge patch that keeps the existing entries and carries the resourceVersion', async () => {
    const result = await onCluster([
      'ui-creds',
      '-t',
      'workspace',
      '-w',
      'erin'
    ]);
    expect(result.code).toBe(0);
    const stored = cluster.api.get('workspaces', 'team-a', 'erin') as {
      metadata: { resourceVersion: string };
    };
    expect(JSON.parse(result.stdout)).toEqual({
      metadata: { resourceVersion: stored.metadata.resourceVersion },
      spec: {
        podTemplate: {
          volumes: {
            secrets: [
              {
                secretName: 'existing',
                mountPath: '/secrets/existing',
                defaultMode: 420
              },
              {
                secretName: 'ui-creds',
                mountPath: '/secrets/ui-creds',
                defaultMode: 420
              }
            ]
          }
        }
      }
    });
    expect(result.stderr).toMatch(
      /^Apply with: kubectl patch workspaces\.kubeflow\.org erin -n team-a --type merge/
    );
  });

  it('mounts inside the writable home volume (where SDKs look for credentials)', async () => {
    const aws = await onCluster([
      'ui-creds',
      '-t',
      'workspace',
      '-w',
      'erin',
      '--mount-path',
      '/home/jovyan/.aws'
    ]);
    expect(aws.code).toBe(0);
  });

  it('notes a Secret the workspace UI would not offer', async () => {
    const result = await onCluster([
      'db-creds',
      '-t',
      'workspace',
      '-w',
      'erin'
    ]);
    expect(result.stderr).toContain(
      'note: Secret db-creds is not labelled notebooks.kubeflow.org/can-mount=true, so the workspace UI will not offer it (the controller mounts it all the same).\n'
    );
  });

  it('--apply patches the Workspace, and refuses (409) if it changed in between', async () => {
    cluster.api.afterRequest = record => {
      if (record.method === 'GET' && record.path.endsWith('/workspaces/erin')) {
        cluster.api.afterRequest = undefined;
        // Someone adds a secret mount between our read and our patch.
        cluster.api.add('workspaces', {
          ...WORKSPACE,
          spec: {
            ...WORKSPACE.spec,
            podTemplate: {
              ...WORKSPACE.spec.podTemplate,
              volumes: {
                ...WORKSPACE.spec.podTemplate.volumes,
                secrets: [
                  ...WORKSPACE.spec.podTemplate.volumes.secrets,
                  {
                    secretName: 'theirs',
                    mountPath: '/secrets/theirs',
                    defaultMode: 420
                  }
                ]
              }
            }
          }
        });
      }
    };
    const apply = ['ui-creds', '-t', 'workspace', '-w', 'erin', '--apply'];
    const conflict = await onCluster(apply);
    expect(conflict.code).toBe(2);
    expect(conflict.stderr).toBe(
      'error: workspaces.kubeflow.org "erin" in namespace team-a was changed by someone else while this command was updating it (409 Conflict); run the command again.\n'
    );
    const result = await onCluster(apply);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      'Patched Workspace team-a/erin: Secret ui-creds appears at /secrets/ui-creds after the workspace restarts.\n'
    );
    const stored = cluster.api.get(
      'workspaces',
      'team-a',
      'erin'
    ) as typeof WORKSPACE;
    expect(
      stored.spec.podTemplate.volumes.secrets.map(s => s.secretName)
    ).toEqual(['existing', 'theirs', 'ui-creds']);
    expect(
      cluster.api.requests.find(r => r.method === 'PATCH')?.contentType
    ).toBe('application/merge-patch+json');
    // Running it again changes nothing.
    const again = await onCluster(apply);
    expect(again.stderr).toBe(
      'Workspace erin already mounts Secret ui-creds at /secrets/ui-creds; nothing to do.\n'
    );
  });
});

// After the tests above: PodDefault mount-db-creds exists (made by --apply).
describe('mount refuses, before writing anything', () => {
  const inPodDefault = ['ui-creds', '-t', 'poddefault', '--mount-path'];
  const inWorkspace = ['ui-creds', '-t', 'workspace', '-w', 'erin'];
  it.each([
    [
      'a mount path used by another PodDefault',
      [...inPodDefault, '/secrets/db-creds/'],
      'error: Refusing to mount at /secrets/db-creds: PodDefault mount-db-creds (volume mount-db-creds) is already mounted there.\n'
    ],
    [
      'a mount path inside another PodDefault mount',
      [...inPodDefault, '/var/run/secrets/kubeflow/pipelines/x'],
      'error: Refusing to mount at /var/run/secrets/kubeflow/pipelines/x: it is inside /var/run/secrets/kubeflow/pipelines, where PodDefault access-ml-pipeline (volume volume-kf-pipeline-token) is mounted read-only.\n'
    ],
    [
      'a mount path covering another PodDefault mount',
      [...inPodDefault, '/var/run/secrets/kubeflow'],
      'error: Refusing to mount at /var/run/secrets/kubeflow: it would cover /var/run/secrets/kubeflow/pipelines, where PodDefault access-ml-pipeline (volume volume-kf-pipeline-token) is mounted.\n'
    ],
    [
      'a mount path hiding the service-account token',
      [...inPodDefault, '/var/run/secrets'],
      'error: Refusing to mount at /var/run/secrets: it would hide /var/run/secrets/kubernetes.io/serviceaccount in the container; choose a path such as /secrets/NAME.\n'
    ],
    [
      'a Notebook that does not exist',
      ['ghost-creds', '-t', 'poddefault', '--notebook', 'ghost', '--apply'],
      'note: Secret ghost-creds does not exist in namespace team-a yet; workspaces that mount it will not start until it does.\n' +
        'error: notebooks.kubeflow.org "ghost" was not found in namespace team-a (404 Not Found).\n'
    ],
    [
      "the Workspace's home volume",
      [...inWorkspace, '--mount-path', '/home/jovyan'],
      'error: Refusing to mount at /home/jovyan: the home volume of Workspace erin is already mounted there.\n'
    ],
    [
      "a path covering the Workspace's data volume",
      [...inWorkspace, '--mount-path', '/data'],
      'error: Refusing to mount at /data: it would cover /data/my-data, where data volume erin-data of Workspace erin is mounted.\n'
    ],
    [
      "a path inside the Workspace's secret mount",
      [...inWorkspace, '--mount-path', '/secrets/existing/more'],
      'error: Refusing to mount at /secrets/existing/more: it is inside /secrets/existing, where Secret existing of Workspace erin is mounted read-only.\n'
    ],
    [
      'a Workspace that does not exist',
      ['ui-creds', '-t', 'workspace', '-w', 'nobody'],
      'error: workspaces.kubeflow.org "nobody" was not found in namespace team-a (404 Not Found).\n'
    ]
  ])('%s', async (_, args, stderr) => {
    expect(await onCluster(args)).toEqual({ code: 2, stdout: '', stderr });
    expect(writes()).toEqual([]);
  });
});

describe('mount --target kubespawner', () => {
  it('prints map-form values by default, with no cluster needed', async () => {
    const result = await mount([
      'db-creds',
      '-t',
      'kubespawner',
      '--mode',
      '0440'
    ]);
    expect(result.code).toBe(0);
    expect(yaml.load(result.stdout)).toEqual({
      singleuser: {
        storage: {
          extraVolumes: {
            'secret-db-creds': {
              name: 'secret-db-creds',
              secret: { secretName: 'db-creds', defaultMode: 0o440 }
            }
          },
          extraVolumeMounts: {
            'secret-db-creds': {
              name: 'secret-db-creds',
              mountPath: '/secrets/db-creds',
              readOnly: true
            }
          }
        }
      }
    });
    expect(result.stderr).toContain('helm upgrade');
    expect(cluster.api.requests).toEqual([]);
  });

  describe('with a list-form values file', () => {
    let withValues: string[];
    beforeAll(() => {
      const file = path.join(cluster.dir, 'values.yaml');
      fs.writeFileSync(
        file,
        yaml.dump({
          hub: {
            config: {
              GitHubOAuthenticator: { client_secret: 'values-file-secret-9d1' }
            }
          },
          singleuser: {
            storage: {
              homeMountPath: '/home/user',
              extraVolumes: [
                {
                  name: 'shared',
                  persistentVolumeClaim: { claimName: 'shared' }
                }
              ],
              extraVolumeMounts: [{ name: 'shared', mountPath: '/shared' }]
            },
            extraFiles: {
              'git-config': { mountPath: '/etc/gitconfig', stringData: 'x' }
            }
          }
        })
      );
      withValues = ['db-creds', '-t', 'kubespawner', '--values', file];
    });

    it('keeps the values whole, and adds the Secret to them', async () => {
      const result = await mount(withValues);
      expect(result.code).toBe(0);
      expect(yaml.load(result.stdout)).toEqual({
        singleuser: {
          storage: {
            extraVolumes: [
              {
                name: 'shared',
                persistentVolumeClaim: { claimName: 'shared' }
              },
              {
                name: 'secret-db-creds',
                secret: { secretName: 'db-creds', defaultMode: 420 }
              }
            ],
            extraVolumeMounts: [
              { name: 'shared', mountPath: '/shared' },
              {
                name: 'secret-db-creds',
                mountPath: '/secrets/db-creds',
                readOnly: true
              }
            ]
          }
        }
      });
      expect(result.stdout).not.toContain('values-file-secret');
    });

    it.each([
      [
        '/home/user',
        'error: Refusing to mount at /home/user: the home volume (singleuser.storage.homeMountPath) is already mounted there.\n'
      ],
      [
        '/etc/gitconfig',
        'error: Refusing to mount at /etc/gitconfig: singleuser.extraFiles.git-config is already mounted there.\n'
      ]
    ])(
      'refuses %s, which the values already mount',
      async (mountPath, stderr) => {
        expect(await mount([...withValues, '--mount-path', mountPath])).toEqual(
          {
            code: 2,
            stdout: '',
            stderr
          }
        );
      }
    );

    it('mounts inside a volume the values mount', async () => {
      const shared = await mount([
        ...withValues,
        '--mount-path',
        '/shared/creds'
      ]);
      expect(shared.code).toBe(0);
    });
  });

  it('does not quote a values file it cannot parse', async () => {
    const file = path.join(cluster.dir, 'broken.yaml');
    fs.writeFileSync(file, 'hub:\n  config: {token: "tok-broken-values-77\n');
    const result = await mount([
      'db-creds',
      '-t',
      'kubespawner',
      '--values',
      file
    ]);
    expect(result.stderr).toBe(
      `error: The values file ${file} is not a YAML map of chart values.\n`
    );
  });
});

describe('mount usage errors', () => {
  it.each([
    [
      ['db-creds', '-t', 'kubespawner', '--apply'],
      'error: --apply is not available for kubespawner: apply the printed values with helm upgrade.\n'
    ],
    [
      ['db-creds'],
      'error: --target must be poddefault, workspace or kubespawner.\n'
    ],
    [
      ['db-creds', '-t', 'workspace'],
      'error: --target workspace needs --workspace NAME.\n'
    ],
    [
      ['Not_A_Name', '-t', 'kubespawner'],
      'error: The Secret name is not valid: use lower-case letters, digits, "-" and ".", at most 253 characters.\n'
    ],
    [
      ['db', '-t', 'kubespawner', '--mount-path', 'relative'],
      'error: The mount path relative must be an absolute path such as /secrets/NAME.\n'
    ],
    [
      ['db', '-t', 'kubespawner', '--mount-path', '/a/../etc'],
      'error: The mount path /a/../etc must not contain ".." or ":".\n'
    ],
    [
      ['db', '-t', 'kubespawner', '--mode', '0999'],
      'error: The mode 0999 is not valid: give an octal mode such as 0440 (or decimal up to 511).\n'
    ]
  ])('%j', async (args, stderr) => {
    expect(await mount(args)).toEqual({ code: 2, stdout: '', stderr });
    expect(cluster.api.requests).toEqual([]);
  });
});
