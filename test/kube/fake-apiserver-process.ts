/**
 * The fake Kubernetes API server (fake-apiserver.ts) as a process of its own, for tests
 * written in other languages: the server's pytest suite and the Galata browser tests start it
 * with `node test/kube/run-fake-apiserver.cjs`, so every tier tests against the same fake.
 *
 * It prints one JSON line, `{"url", "ca", "control"}`, then serves a small control API over
 * plain HTTP on loopback (JSON in, JSON out):
 *
 *   POST /reset                      a fresh, empty fake on a new port -> {url, ca}
 *   POST /objects  {plural, object}  add an object as `kubectl create` would -> the object
 *   GET  /objects?plural=&namespace=&name=   one object (404: none), or all of a plural
 *   POST /users    {token, name, rules}   a bearer token and what it may do: rules are
 *                  [{verbs, resources, namespaces?}] ("*" matches anything), or "all"
 *   GET  /requests                   every request served (bodies too after POST /record)
 *   POST /record                     keep response bodies from now on
 *   POST /delay    {ms}              hold every answer (time-out tests)
 *   POST /faults   [{code, retryAfter?, times?, method?, pathEndsWith?}]
 *                  429/5xx instead of the next matching answers
 *   POST /change-after {method, plural, namespace, name, times}
 *                  right after each of the next `times` such requests on that object, change
 *                  it (a new resourceVersion), as someone editing it meanwhile would
 *
 * It exits when its standard input closes, so a test run that dies leaves nothing behind.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  FakeApiServer,
  type IAccessRequest,
  type IFault
} from './fake-apiserver';
import {
  checkPodDefault,
  checkWorkspace,
  crdValidator
} from './schema-validators';

type Json = Record<string, unknown>;

interface IRule {
  verbs: string[];
  resources: string[];
  namespaces?: string[];
}

function matches(values: string[] | undefined, value: string | undefined) {
  return !values || values.includes('*') || values.includes(value ?? '');
}

function allows(rules: IRule[] | 'all', request: IAccessRequest): boolean {
  if (rules === 'all') {
    return true;
  }
  return rules.some(
    rule =>
      matches(rule.verbs, request.verb) &&
      matches(rule.resources, request.resource) &&
      matches(rule.namespaces, request.namespace)
  );
}

/** Which requests a fault hits, as JSON can say it. */
interface IFaultTarget {
  method?: string;
  pathEndsWith?: string;
}

interface IChange {
  method: string;
  plural: string;
  namespace?: string;
  name: string;
  times: number;
}

async function startFake(changes: IChange[]): Promise<FakeApiServer> {
  const api = await FakeApiServer.start();
  api.validators.set('poddefaults', crdValidator(checkPodDefault));
  api.validators.set('workspaces', crdValidator(checkWorkspace));
  api.afterRequest = record => {
    for (const change of changes) {
      if (
        change.times > 0 &&
        record.method === change.method &&
        record.path.endsWith(`/${change.plural}/${change.name}`)
      ) {
        change.times -= 1;
        const current = api.get(change.plural, change.namespace, change.name);
        const metadata = (current?.metadata ?? {}) as Json;
        if (current) {
          api.add(change.plural, {
            ...current,
            metadata: {
              ...metadata,
              annotations: {
                ...((metadata.annotations as Json) ?? {}),
                'example.com/edited-meanwhile': String(change.times)
              }
            }
          });
        }
      }
    }
  };
  return api;
}

function readBody(request: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text ? JSON.parse(text) : null);
      } catch (error) {
        reject(error);
      }
    });
    request.on('error', reject);
  });
}

async function main(): Promise<void> {
  const changes: IChange[] = [];
  let api = await startFake(changes);

  const routes = async (
    method: string,
    url: URL,
    body: unknown
  ): Promise<[number, unknown]> => {
    const route = `${method} ${url.pathname}`;
    switch (route) {
      case 'POST /reset':
        await api.close();
        changes.length = 0;
        api = await startFake(changes);
        return [200, { url: api.url, ca: api.caPem }];
      case 'POST /objects': {
        const { plural, object } = body as { plural: string; object: Json };
        return [201, api.add(plural, object)];
      }
      case 'GET /objects': {
        const plural = url.searchParams.get('plural') ?? '';
        const name = url.searchParams.get('name');
        if (name) {
          const found = api.get(
            plural,
            url.searchParams.get('namespace') ?? undefined,
            name
          );
          return found ? [200, found] : [404, { message: 'not found' }];
        }
        return [200, [...(api.store.get(plural)?.values() ?? [])]];
      }
      case 'POST /users': {
        const { token, name, rules } = body as {
          token: string;
          name: string;
          rules: IRule[] | 'all';
        };
        api.addUser(token, { name, allow: request => allows(rules, request) });
        return [200, {}];
      }
      case 'GET /requests':
        return [200, api.requests];
      case 'POST /record':
        api.recordBodies = true;
        return [200, {}];
      case 'POST /delay':
        api.delayMs = Number((body as { ms?: number }).ms ?? 0);
        return [200, {}];
      case 'POST /change-after':
        changes.push(body as IChange);
        return [200, {}];
      case 'POST /faults':
        // JSON cannot carry a `match` function: faults named by method and path suffix.
        for (const fault of body as (IFault & IFaultTarget)[]) {
          const { method, pathEndsWith, ...rest } = fault;
          api.faults.push({
            ...rest,
            match: request =>
              (!method || request.method === method) &&
              (!pathEndsWith || request.path.endsWith(pathEndsWith))
          });
        }
        return [200, {}];
      default:
        return [404, { message: `no route ${route}` }];
    }
  };

  const control = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    readBody(request)
      .then(body => routes(request.method ?? 'GET', url, body))
      .catch(error => [400, { message: String(error) }] as [number, unknown])
      .then(([code, answer]) => {
        const text = JSON.stringify(answer);
        response.writeHead(code, {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(text)
        });
        response.end(text);
      });
  });
  const port = Number(process.env.FAKE_APISERVER_CONTROL_PORT ?? 0);
  await new Promise<void>(resolve =>
    control.listen(port, '127.0.0.1', resolve)
  );
  const address = control.address() as AddressInfo;
  process.stdout.write(
    `${JSON.stringify({
      url: api.url,
      ca: api.caPem,
      control: `http://127.0.0.1:${address.port}`
    })}\n`
  );
  const stop = () => {
    control.close();
    void api.close().then(() => process.exit(0));
  };
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
}

void main();
