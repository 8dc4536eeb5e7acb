/**
 * Objects for the fake API server, shaped like what the real platforms
 * create: a Kubeflow 1.x notebook pod (StatefulSet pod of a Notebook), a
 * Kubeflow Notebooks 2.0 Workspace pod, a JupyterHub (KubeSpawner) user pod,
 * each with the API-access projected volume that the ServiceAccount
 * admission plugin adds. Values in Secrets are made-up test strings.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeApiServer, type IAccessRequest } from './fake-apiserver';
import {
  checkPodDefault,
  checkWorkspace,
  crdValidator
} from './schema-validators';

type Json = Record<string, unknown>;

export const ADMIN_TOKEN = 'fake-admin-token';

/** The projected volume the ServiceAccount admission plugin injects. */
function apiAccessVolume(suffix: string): Json {
  return {
    name: `kube-api-access-${suffix}`,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        {
          configMap: {
            name: 'kube-root-ca.crt',
            items: [{ key: 'ca.crt', path: 'ca.crt' }]
          }
        },
        {
          downwardAPI: {
            items: [
              {
                path: 'namespace',
                fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }
              }
            ]
          }
        }
      ]
    }
  };
}

function apiAccessMount(suffix: string): Json {
  return {
    name: `kube-api-access-${suffix}`,
    readOnly: true,
    mountPath: '/var/run/secrets/kubernetes.io/serviceaccount'
  };
}

export interface IPodOptions {
  namespace: string;
  name: string;
  labels?: Record<string, string>;
  serviceAccount?: string;
  /** Extra volumes and the main container's extra mounts and env. */
  volumes?: Json[];
  mounts?: Json[];
  env?: Json[];
  envFrom?: Json[];
  /** Set false to model automountServiceAccountToken: false. */
  token?: boolean;
  imagePullSecrets?: string[];
}

export function pod(options: IPodOptions): Json {
  const suffix = 'x7k2p';
  const token = options.token ?? true;
  return {
    metadata: {
      name: options.name,
      namespace: options.namespace,
      labels: options.labels ?? {}
    },
    spec: {
      serviceAccountName: options.serviceAccount ?? 'default',
      ...(token ? {} : { automountServiceAccountToken: false }),
      securityContext: { fsGroup: 100 },
      containers: [
        {
          name: 'main',
          image: 'quay.io/jupyter/scipy-notebook:2025-01-06',
          env: options.env ?? [],
          envFrom: options.envFrom,
          volumeMounts: [
            ...(options.mounts ?? []),
            ...(token ? [apiAccessMount(suffix)] : [])
          ]
        }
      ],
      volumes: [
        ...(options.volumes ?? []),
        ...(token ? [apiAccessVolume(suffix)] : [])
      ],
      imagePullSecrets: options.imagePullSecrets?.map(name => ({ name })),
      restartPolicy: 'Always'
    },
    status: { phase: 'Running' }
  };
}

/** Kubeflow 1.x notebook pod (StatefulSet of a Notebook, labelled notebook-name). */
export function kubeflowNotebookPod(
  namespace: string,
  notebook: string,
  extra: Partial<IPodOptions> = {}
): Json {
  return pod({
    namespace,
    name: `${notebook}-0`,
    labels: {
      app: notebook,
      'notebook-name': notebook,
      'statefulset.kubernetes.io/pod-name': `${notebook}-0`
    },
    serviceAccount: 'default-editor',
    ...extra
  });
}

/** Kubeflow Notebooks 2.0 Workspace pod. */
export function workspacePod(
  namespace: string,
  workspace: string,
  extra: Partial<IPodOptions> = {}
): Json {
  return pod({
    namespace,
    name: `ws-${workspace}-0`,
    labels: { 'notebooks.kubeflow.org/workspace-name': workspace },
    ...extra
  });
}

/** JupyterHub (KubeSpawner, z2jh) user pod. */
export function jupyterhubPod(
  namespace: string,
  user: string,
  extra: Partial<IPodOptions> = {}
): Json {
  return pod({
    namespace,
    name: `jupyter-${user}`,
    labels: {
      app: 'jupyterhub',
      component: 'singleuser-server',
      'hub.jupyter.org/username': user
    },
    ...extra
  });
}

export function secret(
  namespace: string,
  name: string,
  data: Record<string, string>,
  extra: Json = {}
): Json {
  return {
    metadata: { name, namespace, ...((extra.metadata as Json) ?? {}) },
    type: 'Opaque',
    data: Object.fromEntries(
      Object.entries(data).map(([key, value]) => [
        key,
        Buffer.from(value).toString('base64')
      ])
    ),
    ...Object.fromEntries(
      Object.entries(extra).filter(([key]) => key !== 'metadata')
    )
  };
}

export function secretVolume(
  volume: string,
  secretName: string,
  extra: Json = {}
): Json {
  return { name: volume, secret: { secretName, ...extra } };
}

/** A started fake cluster, a kubeconfig for it, and cleanup. */
export interface IFakeCluster {
  api: FakeApiServer;
  dir: string;
  /** kubeconfig for the given token (default: the admin). */
  kubeconfig: (token?: string, namespace?: string) => string;
  close: () => Promise<void>;
}

export async function startFakeCluster(): Promise<IFakeCluster> {
  const api = await FakeApiServer.start();
  api.addUser(ADMIN_TOKEN, { name: 'admin', allow: () => true });
  api.validators.set('poddefaults', crdValidator(checkPodDefault));
  api.validators.set('workspaces', crdValidator(checkWorkspace));
  // The namespaces the tests work in exist, as they would on a cluster.
  for (const name of ['team-a', 'other-team']) {
    api.add('namespaces', { metadata: { name } });
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-cluster-'));
  let count = 0;
  return {
    api,
    dir,
    kubeconfig: (token = ADMIN_TOKEN, namespace = 'team-a') => {
      const file = path.join(dir, `kubeconfig-${count++}`);
      fs.writeFileSync(
        file,
        kubeconfigText(api.url, api.caPem, token, namespace)
      );
      return file;
    },
    close: async () => {
      await api.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
}

export function kubeconfigText(
  server: string,
  caPem: string,
  token: string,
  namespace: string
): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster:
    server: ${server}
    certificate-authority-data: ${Buffer.from(caPem).toString('base64')}
users:
- name: tester
  user:
    token: ${token}
contexts:
- name: fake
  context:
    cluster: fake
    user: tester
    namespace: ${namespace}
- name: other
  context:
    cluster: fake
    user: tester
    namespace: other-team
current-context: fake
`;
}

/** A user allowed only what `rules` say (resource -> verbs, optionally per namespace). */
export function limitedUser(
  name: string,
  rules: { resource: string; verbs: string[]; namespace?: string }[]
) {
  return {
    name,
    allow: (request: IAccessRequest) =>
      rules.some(
        rule =>
          rule.resource === request.resource &&
          rule.verbs.includes(request.verb) &&
          (rule.namespace === undefined || rule.namespace === request.namespace)
      )
  };
}

/** Collects what a command writes. */
export function captureIO(stdin: (Buffer | string)[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: (text: string) => void out.push(text),
      stderr: (text: string) => void err.push(text),
      stdin: (async function* () {
        yield* stdin;
      })()
    },
    stdout: () => out.join(''),
    stderr: () => err.join('')
  };
}

/** Run a command as the CLI would, capturing its output. */
export async function runCommand(
  command: {
    run: (
      argv: string[],
      io: ReturnType<typeof captureIO>['io']
    ) => Promise<number>;
  },
  args: string[],
  stdin: (Buffer | string)[] = []
): Promise<{ code: number; stdout: string; stderr: string }> {
  const capture = captureIO(stdin);
  const code = await command.run(args, capture.io);
  return { code, stdout: capture.stdout(), stderr: capture.stderr() };
}
