/**
 * The authorizer (and token authenticator) the real API server delegates to,
 * as kube-apiserver would answer its SubjectAccessReviews: a small HTTPS
 * server on 127.0.0.1 that decides from `policy.json` beside this file. It
 * also plays the little of the core API the server reads for admission (which
 * namespaces exist), since apiextensions-apiserver serves no `/api/v1`.
 * Users in group system:masters may do anything, as the bootstrap
 * cluster-admin binding grants. Bearer tokens are not used by the tests: every TokenReview is
 * answered "not authenticated", so only client certificates log in.
 *
 *   node webhook.mjs PORT CERT KEY
 */
import { readFileSync } from 'node:fs';
import * as https from 'node:https';

const [port, cert, key] = process.argv.slice(2);
const policy = JSON.parse(
  readFileSync(new URL('./policy.json', import.meta.url), 'utf8')
);

const matches = (list, value) => list.includes('*') || list.includes(value);

/** Whether a rule of the user's allows the request (RBAC semantics: allow-only). */
function allowed(spec) {
  if ((spec.groups ?? []).includes('system:masters')) {
    return true; // cluster-admin is bound to system:masters in every cluster
  }
  if (spec.nonResourceAttributes) {
    // Discovery (/api, /apis, /version, /openapi...) is open to every user, as system:discovery.
    return spec.nonResourceAttributes.verb === 'get';
  }
  const request = spec.resourceAttributes ?? {};
  const rules = policy.users[spec.user] ?? [];
  return rules.some(
    rule =>
      matches(rule.verbs, request.verb) &&
      matches(rule.apiGroups, request.group ?? '') &&
      matches(rule.resources, request.resource) &&
      (rule.namespaces === undefined ||
        rule.namespaces.includes(request.namespace))
  );
}

/** kube-apiserver's namespace object, for the API server's NamespaceLifecycle admission. */
function namespace(name) {
  return {
    metadata: { name, uid: `uid-${name}`, resourceVersion: '1' },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' }
  };
}

// Kinds of the lists and watches the API server's informers open on its "core API".
const KINDS = {
  namespaces: 'Namespace',
  services: 'Service',
  flowschemas: 'FlowSchema',
  prioritylevelconfigurations: 'PriorityLevelConfiguration',
  mutatingwebhookconfigurations: 'MutatingWebhookConfiguration',
  validatingwebhookconfigurations: 'ValidatingWebhookConfiguration',
  mutatingadmissionpolicies: 'MutatingAdmissionPolicy',
  mutatingadmissionpolicybindings: 'MutatingAdmissionPolicyBinding',
  validatingadmissionpolicies: 'ValidatingAdmissionPolicy',
  validatingadmissionpolicybindings: 'ValidatingAdmissionPolicyBinding'
};

/**
 * The few core reads the API server makes for its admission plugins: the
 * namespaces that exist (NamespaceLifecycle refuses objects in any other),
 * and no admission webhooks, policies or services. Watches (client-go's
 * streaming lists) get the initial objects, the bookmark that ends them, and
 * then stay open and quiet.
 */
function serveCore(request, response) {
  const url = new URL(request.url, 'https://127.0.0.1');
  const send = (code, body) => {
    response.writeHead(code, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  const parts = url.pathname.split('/').filter(Boolean);
  const apiVersion = parts[0] === 'api' ? 'v1' : `${parts[1]}/${parts[2]}`;
  const plural = parts[parts.length - 1];
  if (
    parts.slice(0, 3).join('/') === 'api/v1/namespaces' &&
    parts.length === 4
  ) {
    if (policy.namespaces.includes(parts[3])) {
      send(200, {
        kind: 'Namespace',
        apiVersion: 'v1',
        ...namespace(parts[3])
      });
    } else {
      send(404, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `namespaces "${parts[3]}" not found`,
        reason: 'NotFound',
        details: { name: parts[3], kind: 'namespaces' },
        code: 404
      });
    }
    return;
  }
  const kind = KINDS[plural] ?? 'Unknown';
  const items = plural === 'namespaces' ? policy.namespaces.map(namespace) : [];
  if (url.searchParams.get('watch') === 'true') {
    response.writeHead(200, { 'Content-Type': 'application/json' });
    if (url.searchParams.get('sendInitialEvents') === 'true') {
      for (const item of items) {
        response.write(
          `${JSON.stringify({ type: 'ADDED', object: { kind, apiVersion, ...item } })}\n`
        );
      }
      const end = {
        resourceVersion: '1',
        annotations: { 'k8s.io/initial-events-end': 'true' }
      };
      response.write(
        `${JSON.stringify({ type: 'BOOKMARK', object: { kind, apiVersion, metadata: end } })}\n`
      );
    }
    return; // never ends: nothing changes
  }
  send(200, {
    kind: `${kind}List`,
    apiVersion,
    metadata: { resourceVersion: '1' },
    items
  });
}

const server = https.createServer(
  { cert: readFileSync(cert), key: readFileSync(key) },
  (request, response) => {
    if (request.method === 'GET') {
      serveCore(request, response);
      return;
    }
    const chunks = [];
    request.on('data', chunk => chunks.push(chunk));
    request.on('end', () => {
      let review;
      try {
        review = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        response.writeHead(400).end();
        return;
      }
      if (review.kind === 'TokenReview') {
        review.status = { authenticated: false };
      } else {
        const ok = allowed(review.spec ?? {});
        review.status = ok
          ? { allowed: true, reason: 'allowed by test/kube-real/policy.json' }
          : { allowed: false };
      }
      response.writeHead(201, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(review));
    });
  }
);
server.listen(Number(port), '127.0.0.1');
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
