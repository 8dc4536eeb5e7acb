// What `mount` and `create` generate, validated against the real schemas
// (test/kube/schemas/README.md says where each comes from): the Kubernetes
// OpenAPI for core types, the PodDefault and Workspace CRDs, and the z2jh
// chart's values schema on values merged the way Helm merges them.
import { applyPatch } from 'fast-json-patch';
import {
  jupyterhubValues,
  podDefaultFor,
  workspaceMergePatch,
  type IMountSpec,
  type IWorkspaceLike
} from '../../src/kube/mount-plan';
import { secretManifest } from '../../src/kube/secret-write';
import { mergePatch } from './fake-apiserver';
import {
  checkPodDefault,
  checkSecret,
  checkVolume,
  checkVolumeMount,
  checkWorkspace,
  checkZ2jhValues,
  z2jhValues
} from './schema-validators';

const SPEC: IMountSpec = {
  secretName: 'db-creds',
  namespace: 'team-a',
  mountPath: '/secrets/db-creds',
  mode: 420
};
const LONG: IMountSpec = {
  secretName: `${'a'.repeat(70)}.example.com`,
  namespace: 'team-a',
  mountPath: '/home/jovyan/.config/creds',
  mode: 0o440
};

/** A Workspace as in kubeflow/notebooks' samples (notebooks-v2). */
const SAMPLE_WORKSPACE = {
  apiVersion: 'kubeflow.org/v1beta1',
  kind: 'Workspace',
  metadata: {
    name: 'jupyterlab-workspace',
    namespace: 'default',
    resourceVersion: '4711'
  },
  spec: {
    paused: false,
    deferUpdates: false,
    kind: 'jupyterlab',
    podTemplate: {
      podMetadata: {
        labels: { my_label: 'my_value' },
        annotations: { my_annotation: 'my_value' }
      },
      volumes: {
        home: 'workspace-home-pvc',
        data: [
          {
            pvcName: 'workspace-data-pvc',
            mountPath: '/data/my-data',
            readOnly: false
          }
        ]
      },
      options: { imageConfig: 'jupyterlab_scipy_190', podConfig: 'tiny_cpu' }
    }
  }
};

describe('PodDefault', () => {
  it.each([SPEC, LONG])(
    'validates against the PodDefault CRD and core Volume/VolumeMount (%#)',
    spec => {
      const podDefault = podDefaultFor(spec);
      expect(checkPodDefault(podDefault)).toEqual([]);
      podDefault.spec.volumes.forEach(volume =>
        expect(checkVolume(volume)).toEqual([])
      );
      podDefault.spec.volumeMounts.forEach(mount =>
        expect(checkVolumeMount(mount)).toEqual([])
      );
      expect(podDefault.spec.volumes[0].name.length).toBeLessThanOrEqual(63);
    }
  );

  it('the schemas reject a wrong shape (so the checks above can fail)', () => {
    const podDefault = podDefaultFor(SPEC) as unknown as {
      spec: {
        volumes: Record<string, unknown>[];
        volumeMounts: Record<string, unknown>[];
      };
    };
    expect(
      checkVolume({
        ...podDefault.spec.volumes[0],
        secret: { secretname: 'db-creds' }
      })
    ).not.toEqual([]);
    expect(checkVolumeMount({ name: 'x' })).not.toEqual([]);
    expect(
      checkPodDefault({
        ...podDefault,
        spec: { ...podDefault.spec, selector: undefined }
      })
    ).not.toEqual([]);
  });
});

describe('Workspace merge patch', () => {
  it('applied to a sample Workspace, gives a Workspace valid under its CRD', () => {
    const patch = workspaceMergePatch(SAMPLE_WORKSPACE as IWorkspaceLike, SPEC);
    const patched = mergePatch(
      SAMPLE_WORKSPACE,
      patch
    ) as typeof SAMPLE_WORKSPACE & {
      spec: { podTemplate: { volumes: { secrets: unknown[] } } };
    };
    expect(checkWorkspace(patched)).toEqual([]);
    expect(patched.spec.podTemplate.volumes.secrets).toEqual([
      {
        secretName: 'db-creds',
        mountPath: '/secrets/db-creds',
        defaultMode: 420
      }
    ]);
    // Everything else is untouched.
    expect({
      ...patched,
      spec: {
        ...patched.spec,
        podTemplate: {
          ...patched.spec.podTemplate,
          volumes: SAMPLE_WORKSPACE.spec.podTemplate.volumes
        }
      }
    }).toEqual(SAMPLE_WORKSPACE);
  });

  it('a second Secret keeps the first; the same mount path twice is invalid under the CRD', () => {
    const once = mergePatch(
      SAMPLE_WORKSPACE,
      workspaceMergePatch(SAMPLE_WORKSPACE as IWorkspaceLike, SPEC)
    ) as IWorkspaceLike;
    const twice = mergePatch(
      once,
      workspaceMergePatch(once, LONG)
    ) as IWorkspaceLike;
    expect(checkWorkspace(twice)).toEqual([]);
    expect(
      twice.spec?.podTemplate?.volumes?.secrets?.map(s => s.secretName)
    ).toEqual(['db-creds', LONG.secretName]);
    const clash = mergePatch(
      once,
      workspaceMergePatch(once, { ...LONG, mountPath: SPEC.mountPath })
    );
    expect(checkWorkspace(clash)).toEqual([
      '/spec/podTemplate/volumes/secrets Duplicate value at index 1'
    ]);
  });

  it('the equivalent JSON patch gives the same object', () => {
    const viaMerge = mergePatch(
      SAMPLE_WORKSPACE,
      workspaceMergePatch(SAMPLE_WORKSPACE as IWorkspaceLike, SPEC)
    );
    const viaJsonPatch = applyPatch(
      JSON.parse(JSON.stringify(SAMPLE_WORKSPACE)) as typeof SAMPLE_WORKSPACE,
      [
        {
          op: 'add',
          path: '/spec/podTemplate/volumes/secrets',
          value: [
            {
              secretName: 'db-creds',
              mountPath: '/secrets/db-creds',
              defaultMode: 420
            }
          ]
        }
      ]
    ).newDocument;
    expect(viaMerge).toEqual(viaJsonPatch);
  });
});

describe('z2jh values', () => {
  it.each(['dict', 'list'] as const)(
    '%s form, merged into the chart defaults, is valid under the chart schema',
    form => {
      const values = jupyterhubValues(SPEC, form);
      const merged = z2jhValues(values);
      expect(checkZ2jhValues(merged)).toEqual([]);
      const storage = (
        merged.singleuser as {
          storage: { extraVolumes: unknown; extraVolumeMounts: unknown };
        }
      ).storage;
      const volumes = Object.values(
        storage.extraVolumes as Record<string, unknown>
      );
      const mounts = Object.values(
        storage.extraVolumeMounts as Record<string, unknown>
      );
      expect(volumes).toHaveLength(1);
      volumes.forEach(volume => expect(checkVolume(volume)).toEqual([]));
      mounts.forEach(mount => expect(checkVolumeMount(mount)).toEqual([]));
    }
  );

  it('map form merges with the values already in place (Helm merges maps)', () => {
    const existing = {
      singleuser: {
        storage: {
          extraVolumes: { shared: { name: 'shared', emptyDir: {} } },
          extraVolumeMounts: {
            shared: { name: 'shared', mountPath: '/shared' }
          }
        }
      }
    };
    const merged = z2jhValues(
      existing,
      jupyterhubValues(SPEC, 'dict', existing)
    );
    expect(checkZ2jhValues(merged)).toEqual([]);
    const storage = (
      merged.singleuser as {
        storage: { extraVolumes: Record<string, unknown> };
      }
    ).storage;
    expect(Object.keys(storage.extraVolumes).sort()).toEqual([
      'secret-db-creds',
      'shared'
    ]);
  });

  it('the chart schema rejects a wrong shape', () => {
    expect(
      checkZ2jhValues(
        z2jhValues({ singleuser: { storage: { extraVolumes: 'nope' } } })
      )
    ).not.toEqual([]);
  });
});

describe('Secret from create', () => {
  it('validates against the core Secret schema', () => {
    const manifest = secretManifest({
      name: 'db-creds',
      namespace: 'team-a',
      type: 'Opaque',
      data: new Map([
        ['password', Buffer.from('x')],
        ['key.bin', Buffer.from([0, 1, 2])]
      ])
    });
    expect(checkSecret(manifest)).toEqual([]);
    expect(checkSecret({ ...manifest, data: { password: 42 } })).not.toEqual(
      []
    );
  });
});
