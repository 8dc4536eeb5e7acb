/**
 * The real API server started by scripts/kube-real-server.sh (see
 * docs/kubernetes-testing.md): its address, a kubeconfig per user, and plain
 * HTTPS requests as each user (client certificates), for what the CLI does
 * not do itself.
 */
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import yaml from 'js-yaml';

export type User = 'admin' | 'viewer' | 'nobody';

interface IClusterFile {
  server: string;
  users: Record<User, string>;
}

const dir = process.env.SECRET_MOUNTS_REAL_APISERVER ?? '';

export function realCluster(): IClusterFile {
  if (!dir) {
    throw new Error(
      'Run this tier with: bash scripts/kube-real-server.sh run npx jest test/kube-real'
    );
  }
  return JSON.parse(
    fs.readFileSync(path.join(dir, 'cluster.json'), 'utf8')
  ) as IClusterFile;
}

export function kubeconfig(user: User): string {
  return realCluster().users[user];
}

export interface IAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Record<string, unknown>;
}

/** A raw request as `user`, answered with status, headers and parsed body. */
export function call(
  user: User,
  method: string,
  urlPath: string,
  options: { body?: unknown; accept?: string; contentType?: string } = {}
): Promise<IAnswer> {
  const file = (name: string) => fs.readFileSync(path.join(dir, name));
  return new Promise((resolve, reject) => {
    const request = https.request(
      `${realCluster().server}${urlPath}`,
      {
        method,
        ca: file('ca.crt'),
        cert: file(`${user}.crt`),
        key: file(`${user}.key`),
        headers: {
          Accept: options.accept ?? 'application/json',
          'Content-Type': options.contentType ?? 'application/json'
        }
      },
      response => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown>;
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            json = { text };
          }
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            json
          });
        });
      }
    );
    request.on('error', reject);
    request.end(
      options.body === undefined ? undefined : JSON.stringify(options.body)
    );
  });
}

/** A Workspace as the upstream CRD requires it (kubeflow/notebooks, notebooks-v2). */
export function workspace(namespace: string, name: string) {
  return {
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'Workspace',
    metadata: { name, namespace },
    spec: {
      kind: 'jupyterlab',
      podTemplate: {
        options: { imageConfig: 'jupyterlab_scipy_190', podConfig: 'tiny_cpu' },
        volumes: {
          home: `${name}-home`,
          secrets: [{ secretName: 'existing', mountPath: '/secrets/existing' }]
        }
      }
    }
  };
}

/** A minimal Kubeflow 1.x Notebook (kubeflow.org/v1). */
export function notebook(namespace: string, name: string) {
  return {
    apiVersion: 'kubeflow.org/v1',
    kind: 'Notebook',
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      template: {
        spec: {
          containers: [{ name, image: 'kubeflownotebookswg/jupyter-scipy' }]
        }
      }
    }
  };
}

export function parseYaml(text: string): unknown {
  return yaml.load(text);
}
