#!/usr/bin/env node
/**
 * Bench: `audit` over 5,000 Secrets of 100 KB each in the fake Kubernetes API
 * server (test/kube/fake-apiserver.ts; no real API server is involved).
 *
 * Reports the bytes the client received, counted at the fake server's TCP
 * sockets (TLS included), against the Secrets' data size: listing by metadata
 * only must stay under 2 % of it. With --compare-full-list it also lists the
 * same Secrets the ordinary way (full SecretList through the same client), the
 * peer that downloads every value.
 *
 *   node bench/audit.mjs [--secrets 5000] [--value-kib 100] [--pods 200] [--compare-full-list]
 *
 * Runs the TypeScript sources (src/cli/audit.ts) through the TypeScript
 * compiler's transpileModule, the same code the bundled CLI runs.
 */
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { execFile } from 'node:child_process';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// Load .ts files as CommonJS, transpiled (no type check) by the project's TypeScript.
const ts = require('typescript');
require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2020,
      esModuleInterop: true,
      resolveJsonModule: true
    },
    fileName: filename
  });
  module._compile(outputText, filename);
};

const { values: options } = parseArgs({
  options: {
    secrets: { type: 'string', default: '5000' },
    'value-kib': { type: 'string', default: '100' },
    pods: { type: 'string', default: '200' },
    namespaces: { type: 'string', default: '20' },
    'compare-full-list': { type: 'boolean', default: false },
    // Run the built CLI (e.g. packages/cli/dist/cli.js) in a child process instead of the sources in-process.
    cli: { type: 'string' }
  }
});
const SECRETS = Number(options.secrets);
const VALUE_BYTES = Number(options['value-kib']) * 1024;
const PODS = Number(options.pods);
const NAMESPACES = Number(options.namespaces);

// Stamped into the bundle by webpack; the sources read it as a global.
globalThis.__SECRET_MOUNTS_VERSION__ = JSON.parse(
  fs.readFileSync(path.join(root, 'package.json'), 'utf8')
).version;

const { startFakeCluster, secret, kubeflowNotebookPod, captureIO } = require(
  path.join(root, 'test/kube/fixtures.ts')
);
const { auditCommand } = require(path.join(root, 'src/cli/audit.ts'));
const { openSession } = require(path.join(root, 'src/kube/session.ts'));

const mib = bytes => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const percent = (part, whole) => `${((100 * part) / whole).toFixed(3)} %`;

async function main() {
  const cluster = await startFakeCluster();
  const api = cluster.api;
  try {
    // 50 distinct random values, reused, keep the fake's memory small; each Secret holds one 100 KB value.
    const pool = Array.from({ length: 50 }, () =>
      randomBytes(VALUE_BYTES).toString('base64')
    );
    let dataBytes = 0;
    for (let i = 0; i < SECRETS; i++) {
      const namespace = `team-${String(i % NAMESPACES).padStart(2, '0')}`;
      const object = secret(
        namespace,
        `creds-${String(i).padStart(5, '0')}`,
        {},
        {
          metadata: {
            labels:
              i % 3 === 0
                ? {
                    'notebooks.kubeflow.org/can-mount': 'true',
                    'notebooks.kubeflow.org/can-update': 'true'
                  }
                : { app: 'analytics' },
            annotations: {
              'owner.example.com/contact': `team-${i % NAMESPACES}@example.com`
            }
          }
        }
      );
      object.data = { 'value.bin': pool[i % pool.length] };
      api.add('secrets', object);
      dataBytes += VALUE_BYTES;
    }
    for (let i = 0; i < PODS; i++) {
      const namespace = `team-${String(i % NAMESPACES).padStart(2, '0')}`;
      const secretName = `creds-${String(i * Math.floor(SECRETS / Math.max(PODS, 1))).padStart(5, '0')}`;
      api.add(
        'pods',
        kubeflowNotebookPod(namespace, `nb-${i}`, {
          volumes: [{ name: 'creds', secret: { secretName } }],
          mounts: [
            {
              name: 'creds',
              mountPath: `/secrets/${secretName}`,
              readOnly: true
            }
          ]
        })
      );
    }

    const kubeconfig = cluster.kubeconfig();
    const command = [
      'audit',
      '-A',
      '--format',
      'json',
      '--fail-on',
      'never',
      '--kubeconfig',
      kubeconfig
    ];
    api.resetCounters();
    const capture = captureIO();
    const started = process.hrtime.bigint();
    let code;
    let stdout;
    if (options.cli) {
      // The fake server keeps serving from this process while the CLI runs in its own.
      ({ code, stdout } = await new Promise(resolve =>
        execFile(
          process.execPath,
          [options.cli, ...command],
          { maxBuffer: 1 << 30 },
          (error, out, err) =>
            resolve({
              code: error ? (error.code ?? 2) : 0,
              stdout: out,
              stderr: err
            })
        )
      ));
    } else {
      code = await auditCommand.run(command.slice(1), capture.io);
      stdout = capture.stdout();
    }
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (code !== 0) {
      throw new Error(`audit failed (exit ${code}) ${capture.stderr()}`);
    }
    const received = api.bytesSent();
    const auditRequests = api.requests.length;
    const secretRequests = api.requests.filter(
      r => r.path === '/api/v1/secrets'
    );
    const secretBody = secretRequests.reduce((sum, r) => sum + r.bytes, 0);
    const report = JSON.parse(stdout);
    if (report.summary.secrets !== SECRETS) {
      throw new Error(
        `audit saw ${report.summary.secrets} Secrets, expected ${SECRETS}`
      );
    }
    const ratio = received / dataBytes;

    let full;
    if (options['compare-full-list']) {
      const session = openSession({ kubeconfig });
      api.resetCounters();
      const t0 = process.hrtime.bigint();
      let token;
      let count = 0;
      do {
        const page = await session.core.listSecretForAllNamespaces({
          limit: 500,
          _continue: token
        });
        count += page.items.length;
        token = page.metadata?._continue;
      } while (token);
      full = {
        received: api.bytesSent(),
        ms: Number(process.hrtime.bigint() - t0) / 1e6,
        count
      };
    }

    const lines = [
      `${options.cli ? `node ${options.cli} audit` : 'audit (in-process)'} -A over ${SECRETS} Secrets of ${VALUE_BYTES / 1024} KiB (${NAMESPACES} namespaces) and ${PODS} workspace pods`,
      `  Secrets' data size:            ${mib(dataBytes)} (${dataBytes} bytes)`,
      `  bytes received by the client:  ${mib(received)} (${received} bytes, at the socket, TLS included) = ${percent(received, dataBytes)} of the data`,
      `    of which Secret list bodies: ${mib(secretBody)} in ${secretRequests.length} requests (${Math.round(secretBody / SECRETS)} bytes per Secret)`,
      `  time:                          ${(elapsedMs / 1000).toFixed(2)} s (${auditRequests} requests)`,
      `  limit 2 %:                     ${ratio < 0.02 ? 'PASS' : 'FAIL'}`
    ];
    if (full) {
      lines.push(
        `  peer, full SecretList (same client, limit 500): ${mib(full.received)} received = ${percent(full.received, dataBytes)} of the data, ${(full.ms / 1000).toFixed(2)} s`,
        `  metadata-only receives ${(full.received / received).toFixed(0)}x fewer bytes than the full list`
      );
    }
    const argv = process.argv.slice(2).join(' ');
    lines.push('', `Reproduce: node bench/audit.mjs${argv ? ` ${argv}` : ''}`);
    console.log(lines.join('\n'));

    const results = path.join(root, 'bench', 'results');
    fs.mkdirSync(results, { recursive: true });
    fs.writeFileSync(
      path.join(results, 'audit.json'),
      JSON.stringify(
        {
          secrets: SECRETS,
          valueBytes: VALUE_BYTES,
          pods: PODS,
          dataBytes,
          received,
          secretBody,
          ratio,
          elapsedMs,
          full,
          node: process.version,
          cpus: os.cpus().length
        },
        null,
        2
      )
    );
    process.exitCode = ratio < 0.02 ? 0 : 1;
  } finally {
    await cluster.close();
  }
}

main().catch(error => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
});
