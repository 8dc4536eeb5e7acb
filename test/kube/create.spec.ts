/**
 * @jest-environment-options {"customExportConditions": ["node", "require", "default"]}
 */
// `create` end to end against the fake API server (no real API server runs in CI).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createCommand } from '../../src/cli/create';
import type { IFakeCluster } from './fixtures';
import {
  kubeconfigText,
  limitedUser,
  runCommand,
  secret,
  startFakeCluster
} from './fixtures';

const PASSWORD = 'pw-7c1e0f9a2b';
const BINARY = Buffer.from([0, 255, 1, 254, 10, 13, 0x80]);

let cluster: IFakeCluster;
let files: string;

function decoded(namespace: string, name: string): Record<string, Buffer> {
  const stored = cluster.api.get('secrets', namespace, name) as {
    data: Record<string, string>;
  };
  return Object.fromEntries(
    Object.entries(stored.data).map(([key, value]) => [
      key,
      Buffer.from(value, 'base64')
    ])
  );
}

function metadataOf(namespace: string, name: string) {
  return (
    cluster.api.get('secrets', namespace, name) as {
      metadata: {
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
      };
    }
  ).metadata;
}

/**
 * `create NAME --from-stdin k` with `value` on standard input; `flags` say
 * which cluster (by default the fake one) and anything more.
 */
function createFromStdin(
  name: string,
  value: string,
  flags = ['--kubeconfig', cluster.kubeconfig()]
) {
  return runCommand(
    createCommand,
    [name, ...flags, '--from-stdin', 'k'],
    [value]
  );
}

beforeAll(async () => {
  cluster = await startFakeCluster();
  files = path.join(cluster.dir, 'files');
  fs.mkdirSync(path.join(files, 'folder'), { recursive: true });
  fs.writeFileSync(path.join(files, 'password.txt'), PASSWORD);
  fs.writeFileSync(path.join(files, 'folder', 'user'), 'alice');
  fs.writeFileSync(path.join(files, 'folder', 'key.bin'), BINARY);
  fs.writeFileSync(path.join(files, 'folder', 'bad name'), 'skipped');
  fs.writeFileSync(path.join(files, 'big'), Buffer.alloc(1024 * 1024 + 1, 65));
});

afterAll(async () => {
  await cluster.close();
});

beforeEach(() => {
  cluster.api.requests.length = 0;
  cluster.api.recordBodies = false;
  cluster.api.afterRequest = undefined;
});

describe('create', () => {
  it('creates a labelled Secret from files, a folder and stdin, byte for byte, without printing values', async () => {
    const result = await runCommand(
      createCommand,
      [
        'db-creds',
        '--kubeconfig',
        cluster.kubeconfig(),
        '--from-file',
        `password=${path.join(files, 'password.txt')}`,
        '--from-file',
        path.join(files, 'folder'),
        '--from-stdin',
        'token',
        '--label',
        'team=a'
      ],
      ['tok-', Buffer.from('en-1\n')]
    );
    expect(result.stderr).toBe(
      'note: Skipped a file in the folder whose name is not a valid key: "bad name".\n'
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'Created Secret team-a/db-creds with 4 keys: password (13 bytes), key.bin (7 bytes), user (5 bytes), token (9 bytes). Labelled notebooks.kubeflow.org/can-mount=true and notebooks.kubeflow.org/can-update=true.\n'
    );
    const data = decoded('team-a', 'db-creds');
    expect(data.password.toString()).toBe(PASSWORD);
    expect(data['key.bin'].equals(BINARY)).toBe(true);
    expect(data.user.toString()).toBe('alice');
    expect(data.token.toString()).toBe('tok-en-1\n');
    expect(metadataOf('team-a', 'db-creds').labels).toEqual({
      team: 'a',
      'app.kubernetes.io/managed-by': 'jupyterlab-secret-mounts',
      'notebooks.kubeflow.org/can-mount': 'true',
      'notebooks.kubeflow.org/can-update': 'true'
    });
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });

  it('updates an existing can-update Secret on 409, reading only its metadata', async () => {
    cluster.api.add(
      'secrets',
      secret(
        'team-a',
        'rotating',
        { password: 'old-value-31d5' },
        {
          metadata: {
            labels: { 'notebooks.kubeflow.org/can-update': 'true', keep: 'me' },
            annotations: {
              note: 'kept',
              'kubectl.kubernetes.io/last-applied-configuration':
                '{"data":{"password":"b2xkLXZhbHVlLTMxZDU="}}'
            }
          }
        }
      )
    );
    cluster.api.recordBodies = true;
    const result = await runCommand(
      createCommand,
      [
        'rotating',
        '--kubeconfig',
        cluster.kubeconfig(),
        '--from-stdin',
        'password'
      ],
      ['new-value']
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(
      /^Updated Secret team-a\/rotating with 1 key: password \(9 bytes\)/
    );
    expect(cluster.api.requests.map(r => `${r.method} ${r.status}`)).toEqual([
      'POST 409',
      'GET 200',
      'GET 200',
      'PUT 200'
    ]);
    expect(cluster.api.requests[1].accept).toBe(
      'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1'
    );
    // The type is read as kubectl shows it: a Table row without the object.
    expect(cluster.api.requests[2].accept).toBe(
      'application/json;as=Table;g=meta.k8s.io;v=v1'
    );
    expect(cluster.api.requests[2].query.includeObject).toBe('None');
    expect(cluster.api.requests[2].body).not.toContain('new-value');
    expect(cluster.api.requests[2].body).not.toContain(
      Buffer.from('old-value-31d5').toString('base64')
    );
    // Every write names this tool as its field manager.
    expect(cluster.api.requests[3].query.fieldManager).toBe(
      'jupyterlab-secret-mounts'
    );
    // The read carried metadata only (the annotation is metadata: the audit flags that case).
    const read = JSON.parse(cluster.api.requests[1].body!) as Record<
      string,
      unknown
    >;
    expect(read.kind).toBe('PartialObjectMetadata');
    expect(Object.keys(read).sort()).toEqual([
      'apiVersion',
      'kind',
      'metadata'
    ]);
    expect(decoded('team-a', 'rotating')).toEqual({
      password: Buffer.from('new-value')
    });
    const metadata = metadataOf('team-a', 'rotating');
    expect(metadata.labels).toMatchObject({
      keep: 'me',
      'notebooks.kubeflow.org/can-mount': 'true'
    });
    // Other annotations stay; the stale copy of the old values does not.
    expect(metadata.annotations).toEqual({ note: 'kept' });
  });

  it('refuses to replace a Secret not labelled can-update unless --overwrite', async () => {
    cluster.api.add('secrets', secret('team-a', 'foreign', { k: 'v' }));
    const refused = await createFromStdin('foreign', 'x');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'error: Secret foreign already exists in namespace team-a and is not labelled notebooks.kubeflow.org/can-update=true; pass --overwrite to replace its values anyway.\n'
    );
    expect(decoded('team-a', 'foreign')).toEqual({ k: Buffer.from('v') });
    const forced = await createFromStdin('foreign', 'x', [
      '--kubeconfig',
      cluster.kubeconfig(),
      '--overwrite'
    ]);
    expect(forced.code).toBe(0);
    expect(decoded('team-a', 'foreign')).toEqual({ k: Buffer.from('x') });
  });

  it('refuses to write over a Secret of another type, naming its type', async () => {
    cluster.api.add(
      'secrets',
      secret(
        'team-a',
        'web-tls',
        { 'tls.crt': 'c', 'tls.key': 'k' },
        {
          type: 'kubernetes.io/tls',
          metadata: { labels: { 'notebooks.kubeflow.org/can-update': 'true' } }
        }
      )
    );
    const result = await createFromStdin('web-tls', 'v');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "error: Secret web-tls already exists in namespace team-a with type kubernetes.io/tls, and a Secret's type cannot be changed; nothing was written. Use --type kubernetes.io/tls, or delete the Secret first.\n"
    );
    expect(cluster.api.requests.map(r => r.method)).not.toContain('PUT');
    expect(decoded('team-a', 'web-tls')).toEqual({
      'tls.crt': Buffer.from('c'),
      'tls.key': Buffer.from('k')
    });
  });

  it('sends a write again after 429, never after a 5xx', async () => {
    cluster.api.faults.push({
      code: 429,
      retryAfter: 0,
      match: r => r.method === 'POST'
    });
    const throttled = await createFromStdin('throttled', 'v');
    expect(throttled.code).toBe(0);
    expect(cluster.api.requests.map(r => `${r.method} ${r.status}`)).toEqual([
      'POST 429',
      'POST 201'
    ]);
    cluster.api.requests.length = 0;
    // A 5xx may come after the write took effect: it is reported, not repeated.
    cluster.api.faults.push({ code: 500, match: r => r.method === 'POST' });
    const failed = await createFromStdin('unlucky', 'v');
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('(500 server error)');
    expect(cluster.api.requests.map(r => `${r.method} ${r.status}`)).toEqual([
      'POST 500'
    ]);
  });

  it('says which namespace is missing', async () => {
    const result = await createFromStdin('db', 'v', [
      '--kubeconfig',
      cluster.kubeconfig(),
      '-n',
      'nowhere'
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: The namespace nowhere does not exist (404 Not Found); create it first or choose another with -n.\n'
    );
  });

  it('names the key a typed Secret lacks', async () => {
    const result = await runCommand(
      createCommand,
      [
        'half-tls',
        '--kubeconfig',
        cluster.kubeconfig(),
        '--type',
        'kubernetes.io/tls',
        '--from-stdin',
        'tls.crt'
      ],
      ['cert']
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: The API server rejected secrets "half-tls" in namespace team-a as invalid (422 Unprocessable Entity); check data[tls.key].\n'
    );
  });

  it('reports a concurrent change as a 409 Conflict sentence', async () => {
    cluster.api.add(
      'secrets',
      secret(
        'team-a',
        'racy',
        { k: 'v' },
        {
          metadata: { labels: { 'notebooks.kubeflow.org/can-update': 'true' } }
        }
      )
    );
    cluster.api.afterRequest = record => {
      if (record.method === 'GET') {
        // Someone else writes the Secret between our read and our update.
        cluster.api.add(
          'secrets',
          secret(
            'team-a',
            'racy',
            { k: 'theirs' },
            {
              metadata: {
                labels: { 'notebooks.kubeflow.org/can-update': 'true' }
              }
            }
          )
        );
      }
    };
    const result = await createFromStdin('racy', 'mine');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: secrets "racy" in namespace team-a was changed by someone else while this command was updating it (409 Conflict); run the command again.\n'
    );
    expect(decoded('team-a', 'racy')).toEqual({ k: Buffer.from('theirs') });
  });

  it('reports the invalid field (not the value) when the API rejects an update', async () => {
    cluster.api.add(
      'secrets',
      secret(
        'team-a',
        'frozen',
        { k: 'v' },
        {
          immutable: true,
          metadata: { labels: { 'notebooks.kubeflow.org/can-update': 'true' } }
        }
      )
    );
    const result = await createFromStdin('frozen', 'new-frozen-value');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: The API server rejected secrets "frozen" in namespace team-a as invalid (422 Unprocessable Entity); check data.\n'
    );
  });

  it('says 403 in one sentence', async () => {
    cluster.api.addUser(
      'reader',
      limitedUser('reader', [{ resource: 'secrets', verbs: ['list'] }])
    );
    const result = await createFromStdin('x', 'v', [
      '--kubeconfig',
      cluster.kubeconfig('reader')
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: You are not allowed to create secrets "x" in namespace team-a (403 Forbidden); ask a cluster administrator for a role that grants it.\n'
    );
  });

  it('never takes a value from the command line, and never echoes one back', async () => {
    const literal = await runCommand(createCommand, [
      'x',
      '--from-literal=password=hunter2-literal'
    ]);
    expect(literal.code).toBe(2);
    expect(literal.stderr).toBe(
      'error: --from-literal is not supported: a value on the command line ends up in shell history and process listings. Use --from-file KEY=PATH or --from-stdin KEY.\n'
    );
    // A value typed where a path goes is not repeated in the error.
    const mistaken = await runCommand(createCommand, [
      'x',
      '--dry-run',
      '--from-file',
      'password=hunter2-typed'
    ]);
    expect(mistaken.stderr).toBe(
      'error: The file given for key password cannot be read: it does not exist.\n'
    );
    const unknown = await runCommand(createCommand, [
      'x',
      '--value=hunter2-option'
    ]);
    expect(unknown.stderr).toBe('error: Unknown option --value; see --help.\n');
    // A short option with the value run on: only the option is named.
    const short = await runCommand(createCommand, ['x', '-phunter2-short']);
    expect(short.code).toBe(2);
    expect(short.stderr).toBe('error: Unknown option -p; see --help.\n');
    for (const result of [literal, mistaken, unknown, short]) {
      expect(result.stdout + result.stderr).not.toMatch(/hunter2/);
    }
  });

  it('checks sizes and keys before sending anything', async () => {
    const big = await runCommand(createCommand, [
      'x',
      '--kubeconfig',
      cluster.kubeconfig(),
      '--from-file',
      path.join(files, 'big')
    ]);
    expect(big.stderr).toBe(
      'error: A file given with --from-file is larger than 1 MiB; a Secret holds at most 1 MiB.\n'
    );
    const twice = await runCommand(createCommand, [
      'x',
      '--kubeconfig',
      cluster.kubeconfig(),
      '--from-file',
      `user=${path.join(files, 'password.txt')}`,
      '--from-file',
      path.join(files, 'folder')
    ]);
    expect(twice.stderr).toBe(
      'note: Skipped a file in the folder whose name is not a valid key: "bad name".\nerror: The key user is given more than once.\n'
    );
    const badKey = await runCommand(createCommand, [
      'x',
      '--from-stdin',
      'no/slash'
    ]);
    expect(badKey.stderr).toBe(
      'error: --from-stdin KEY: the key is not valid (letters, digits, "-", "_" and "." only).\n'
    );
    const none = await runCommand(createCommand, [
      'x',
      '--kubeconfig',
      cluster.kubeconfig()
    ]);
    expect(none.stderr).toBe(
      'error: Give the values with --from-file KEY=PATH, --from-file FOLDER or --from-stdin KEY.\n'
    );
    expect(cluster.api.requests).toEqual([]);
  });

  it('--dry-run shows keys and sizes and contacts nobody', async () => {
    const result = await runCommand(createCommand, [
      'db',
      '--dry-run',
      '-n',
      'team-z',
      '--from-file',
      path.join(files, 'folder')
    ]);
    expect(result.stdout).toBe(
      'Would create or update Secret db of type Opaque in team-z with 2 keys: key.bin (7 bytes), user (5 bytes).\n'
    );
    expect(cluster.api.requests).toEqual([]);
  });
});

describe('connection errors are one sentence', () => {
  it('unreachable API server', async () => {
    const file = path.join(cluster.dir, 'unreachable');
    // Port 9 on loopback: nothing listens there.
    fs.writeFileSync(
      file,
      kubeconfigText('https://127.0.0.1:9', cluster.api.caPem, 't', 'team-a')
    );
    const result = await createFromStdin('x', 'v', ['--kubeconfig', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: Cannot reach the Kubernetes API at https://127.0.0.1:9: the connection was refused.\n'
    );
  });

  it('certificate not trusted', async () => {
    const file = path.join(cluster.dir, 'wrong-ca');
    // Without the fake's CA the client falls back to the system CAs, which do not trust it.
    fs.writeFileSync(
      file,
      kubeconfigText(cluster.api.url, cluster.api.caPem, 't', 'team-a').replace(
        / +certificate-authority-data: .*\n/,
        ''
      )
    );
    const result = await createFromStdin('x', 'v', ['--kubeconfig', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^error: The TLS certificate of the Kubernetes API at https:\/\/127\.0\.0\.1:\d+ could not be verified \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\); check certificate-authority in your kubeconfig\.\n$/
    );
  });

  it('kubeconfig problems', async () => {
    const missing = await createFromStdin('x', 'v', [
      '--kubeconfig',
      path.join(cluster.dir, 'nope')
    ]);
    expect(missing.stderr).toBe(
      `error: The kubeconfig file ${path.join(cluster.dir, 'nope')} does not exist.\n`
    );
    const broken = path.join(cluster.dir, 'broken');
    fs.writeFileSync(
      broken,
      'users:\n- name: u\n  user: {token: tok-in-broken-file\n'
    );
    const bad = await createFromStdin('x', 'v', ['--kubeconfig', broken]);
    expect(bad.stderr).toBe(
      `error: The kubeconfig ${broken} could not be read as a valid kubeconfig file.\n`
    );
    const context = await createFromStdin('x', 'v', [
      '--kubeconfig',
      cluster.kubeconfig(),
      '--context',
      'nope'
    ]);
    expect(context.stderr).toBe(
      'error: The context nope is not in the kubeconfig (it has: fake, other).\n'
    );
  });

  // Inside a pod the in-cluster configuration applies instead, so the case cannot be made there.
  const inPod = fs.existsSync(
    '/var/run/secrets/kubernetes.io/serviceaccount/token'
  );
  (inPod ? it.skip : it)('no kubeconfig and not in a cluster', async () => {
    const saved = {
      HOME: process.env.HOME,
      KUBECONFIG: process.env.KUBECONFIG
    };
    process.env.HOME = path.join(cluster.dir, 'empty-home');
    delete process.env.KUBECONFIG;
    try {
      const result = await createFromStdin('x', 'v', []);
      expect(result.stderr).toBe(
        'error: No Kubernetes configuration found: set KUBECONFIG, pass --kubeconfig FILE, or run inside a cluster.\n'
      );
    } finally {
      process.env.HOME = saved.HOME;
      if (saved.KUBECONFIG !== undefined) {
        process.env.KUBECONFIG = saved.KUBECONFIG;
      }
    }
  });

  it('--context picks the context and its namespace', async () => {
    const result = await createFromStdin('ctx-secret', 'v', [
      '--kubeconfig',
      cluster.kubeconfig(),
      '--context',
      'other'
    ]);
    expect(result.stdout).toMatch(/^Created Secret other-team\/ctx-secret /);
    expect(decoded('other-team', 'ctx-secret')).toEqual({
      k: Buffer.from('v')
    });
  });
});
