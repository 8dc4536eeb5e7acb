/**
 * Where the Kubernetes commands talk to: kubeconfig (or in-cluster) loading,
 * context and namespace selection, and API clients with a request time-out.
 */
import * as fs from 'node:fs';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  ServerConfiguration,
  createConfiguration,
  type Middleware,
  type RequestContext,
  type ResponseContext
} from '@kubernetes/client-node';
import { KubeError } from './errors';
import { retryingHttpLibrary } from './retry';

/** Flags shared by every Kubernetes command. */
export interface IKubeOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  allNamespaces?: boolean;
  /** Per-request time-out in milliseconds (default 30 s). */
  requestTimeoutMs?: number;
}

/** A loaded configuration and the API clients made from it. */
export interface IKubeSession {
  config: KubeConfig;
  /** API server URL of the current cluster. */
  server: string;
  context: string;
  /** Namespace from `-n`, else the context's, else the in-cluster one, else `default`. */
  namespace: string;
  allNamespaces: boolean;
  core: CoreV1Api;
  /** Custom resources, and any other named API group (apps, batch, rbac...) read untyped. */
  custom: CustomObjectsApi;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Named on every write, so managedFields (and server-side apply conflicts) say who wrote what. */
export const FIELD_MANAGER = 'jupyterlab-secret-mounts';

/** What `KubeConfig.loadFromDefault` falls back to when it found nothing. */
function isLibraryFallback(config: KubeConfig): boolean {
  const cluster = config.getCurrentCluster();
  return (
    config.getCurrentContext() === 'loaded-context' &&
    cluster?.name === 'cluster' &&
    cluster.server === 'http://localhost:8080'
  );
}

function loadConfig(kubeconfig: string | undefined): KubeConfig {
  const config = new KubeConfig();
  const file = kubeconfig ?? undefined;
  try {
    if (file !== undefined) {
      if (!fs.existsSync(file)) {
        throw new KubeError(`The kubeconfig file ${file} does not exist.`);
      }
      config.loadFromFile(file);
    } else {
      config.loadFromDefault();
    }
  } catch (error) {
    if (error instanceof KubeError) {
      throw error;
    }
    // The parser's message can quote the file, and kubeconfig files hold tokens.
    const source = file ?? process.env.KUBECONFIG ?? '~/.kube/config';
    throw new KubeError(
      `The kubeconfig ${source} could not be read as a valid kubeconfig file.`
    );
  }
  if (file === undefined && isLibraryFallback(config)) {
    throw new KubeError(
      'No Kubernetes configuration found: set KUBECONFIG, pass --kubeconfig FILE, or run inside a cluster.'
    );
  }
  return config;
}

/** Aborts a request that has not been answered within `ms`. */
function timeoutMiddleware(ms: number): Middleware {
  return {
    async pre(context: RequestContext) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), ms);
      // Do not keep a finished CLI alive for the timer.
      timer.unref?.();
      context.setSignal(controller.signal);
      return context;
    },
    async post(context: ResponseContext) {
      return context;
    }
  };
}

function makeApi<T>(
  config: KubeConfig,
  server: string,
  timeoutMs: number,
  Api: new (configuration: ReturnType<typeof createConfiguration>) => T
): T {
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(server, {}),
    httpApi: retryingHttpLibrary(),
    authMethods: { default: config },
    promiseMiddleware: [timeoutMiddleware(timeoutMs)]
  });
  return new Api(configuration);
}

/** Load the configuration and select context and namespace. */
export function openSession(options: IKubeOptions): IKubeSession {
  const config = loadConfig(options.kubeconfig);
  if (options.context !== undefined) {
    if (!config.getContextObject(options.context)) {
      const known = config.getContexts().map(context => context.name);
      throw new KubeError(
        `The context ${options.context} is not in the kubeconfig${known.length ? ` (it has: ${known.join(', ')})` : ''}.`
      );
    }
    config.setCurrentContext(options.context);
  }
  const cluster = config.getCurrentCluster();
  if (!cluster) {
    throw new KubeError(
      `The kubeconfig context ${config.getCurrentContext() || '(none)'} names no cluster; pick one with --context.`
    );
  }
  if (cluster.server.startsWith('http:') && !cluster.skipTLSVerify) {
    throw new KubeError(
      `The cluster ${cluster.name} uses plain http (${cluster.server}); only https API servers are supported.`
    );
  }
  const contextNamespace = config
    .getContextObject(config.getCurrentContext())
    ?.namespace?.trim();
  const namespace = options.namespace ?? (contextNamespace || 'default');
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    config,
    server: cluster.server,
    context: config.getCurrentContext(),
    namespace,
    allNamespaces: options.allNamespaces ?? false,
    core: makeApi(config, cluster.server, timeoutMs, CoreV1Api),
    custom: makeApi(config, cluster.server, timeoutMs, CustomObjectsApi)
  };
}
