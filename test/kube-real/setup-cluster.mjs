/**
 * Readies the real API server started by scripts/kube-real-server.sh: waits
 * for /healthz (/readyz stays red: there is no core API behind it), creates
 * the upstream CRDs in crds/ and waits until each is Established and served,
 * then writes one kubeconfig per test user into the run folder.
 *
 *   node setup-cluster.mjs RUN_DIR SERVER_URL
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import yaml from 'js-yaml';

const [runDir, server] = process.argv.slice(2);
const file = name => path.join(runDir, name);
const crdDir = new URL('./crds/', import.meta.url);
const USERS = ['admin', 'viewer', 'nobody'];

function request(method, urlPath, body) {
  return new Promise((resolve, reject) => {
    const call = https.request(
      `${server}${urlPath}`,
      {
        method,
        ca: readFileSync(file('ca.crt')),
        cert: readFileSync(file('admin.crt')),
        key: readFileSync(file('admin.key')),
        headers: { 'Content-Type': 'application/json' }
      },
      response => {
        const chunks = [];
        response.on('data', chunk => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode,
            text: Buffer.concat(chunks).toString('utf8')
          })
        );
      }
    );
    call.on('error', reject);
    call.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function until(what, check, seconds = 60) {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    try {
      if (await check()) {
        return;
      }
    } catch {
      // not up yet
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
  throw new Error(`${what} did not happen within ${seconds} s`);
}

await until(
  '/healthz',
  async () => (await request('GET', '/healthz')).text === 'ok'
);

const crds = readdirSync(crdDir)
  .filter(name => name.endsWith('.yaml'))
  .flatMap(name => yaml.loadAll(readFileSync(new URL(name, crdDir), 'utf8')))
  .filter(object => object?.kind === 'CustomResourceDefinition');
for (const crd of crds) {
  // Admission answers 403 "not yet ready to handle request" until its informers have synced.
  let last;
  await until(`creating CRD ${crd.metadata.name}`, async () => {
    last = await request(
      'POST',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
      crd
    );
    return last.status === 201;
  }).catch(error => {
    throw new Error(
      `${error.message}: HTTP ${last?.status} ${last?.text.slice(0, 300)}`
    );
  });
}
for (const crd of crds) {
  const { group, names, versions } = crd.spec;
  await until(`CRD ${crd.metadata.name} established`, async () => {
    const got = JSON.parse(
      (
        await request(
          'GET',
          `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`
        )
      ).text
    );
    return (got.status?.conditions ?? []).some(
      condition =>
        condition.type === 'Established' && condition.status === 'True'
    );
  });
  const version = versions.find(v => v.storage).name;
  await until(`${names.plural}.${group} served`, async () => {
    const list = await request(
      'GET',
      `/apis/${group}/${version}/${names.plural}?limit=1`
    );
    return list.status === 200;
  });
}

const base64 = name => readFileSync(file(name)).toString('base64');
for (const user of USERS) {
  writeFileSync(
    file(`${user}.kubeconfig`),
    yaml.dump({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'real',
          cluster: { server, 'certificate-authority-data': base64('ca.crt') }
        }
      ],
      users: [
        {
          name: user,
          user: {
            'client-certificate-data': base64(`${user}.crt`),
            'client-key-data': base64(`${user}.key`)
          }
        }
      ],
      contexts: [
        {
          name: 'real',
          context: { cluster: 'real', user, namespace: 'team-a' }
        }
      ],
      'current-context': 'real'
    })
  );
}
writeFileSync(
  file('cluster.json'),
  JSON.stringify({
    server,
    crds: crds.map(crd => crd.metadata.name),
    users: Object.fromEntries(
      USERS.map(user => [user, file(`${user}.kubeconfig`)])
    )
  })
);
