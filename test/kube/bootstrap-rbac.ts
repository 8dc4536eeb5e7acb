/**
 * The RBAC objects every Kubernetes cluster (1.21 and later) has from the
 * start: kube-apiserver's bootstrap policy, reconciled at start-up and
 * labelled `kubernetes.io/bootstrapping: rbac-defaults`. Modelled on
 * kubernetes/kubernetes `plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go`
 * (ClusterRoles, ClusterRoleBindings) and `namespace_policy.go`; only the
 * objects whose subjects are groups or service accounts, plus a sample of
 * the controller bindings, are kept. The fake seeds them so that the audit
 * meets the same bindings it would meet on a cluster, notably
 * `system:service-account-issuer-discovery` bound to every service account.
 */
type Json = Record<string, unknown>;

const DEFAULTS = {
  labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
  annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' }
};
const RBAC = 'rbac.authorization.k8s.io';

function group(name: string): Json {
  return { apiGroup: RBAC, kind: 'Group', name };
}

function serviceAccount(namespace: string, name: string): Json {
  return { kind: 'ServiceAccount', name, namespace };
}

function clusterRole(name: string, rules: Json[]): Json {
  return { metadata: { name, ...DEFAULTS }, rules };
}

function clusterRoleBinding(name: string, subjects: Json[], role = name): Json {
  return {
    metadata: { name, ...DEFAULTS },
    roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: role },
    subjects
  };
}

export const BOOTSTRAP_CLUSTER_ROLES: Json[] = [
  clusterRole('cluster-admin', [
    { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
    { nonResourceURLs: ['*'], verbs: ['*'] }
  ]),
  clusterRole('system:discovery', [
    {
      nonResourceURLs: [
        '/api',
        '/api/*',
        '/apis',
        '/apis/*',
        '/healthz',
        '/livez',
        '/openapi',
        '/openapi/*',
        '/readyz',
        '/version',
        '/version/'
      ],
      verbs: ['get']
    }
  ]),
  clusterRole('system:basic-user', [
    {
      apiGroups: ['authorization.k8s.io'],
      resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
      verbs: ['create']
    },
    {
      apiGroups: ['authentication.k8s.io'],
      resources: ['selfsubjectreviews'],
      verbs: ['create']
    }
  ]),
  clusterRole('system:public-info-viewer', [
    {
      nonResourceURLs: [
        '/healthz',
        '/livez',
        '/readyz',
        '/version',
        '/version/'
      ],
      verbs: ['get']
    }
  ]),
  clusterRole('system:service-account-issuer-discovery', [
    {
      nonResourceURLs: [
        '/.well-known/openid-configuration',
        '/.well-known/openid-configuration/',
        '/openid/v1/jwks',
        '/openid/v1/jwks/'
      ],
      verbs: ['get']
    }
  ]),
  clusterRole('system:kube-dns', [
    {
      apiGroups: [''],
      resources: ['endpoints', 'services'],
      verbs: ['list', 'watch']
    }
  ]),
  clusterRole('system:controller:token-cleaner', [
    {
      apiGroups: [''],
      resources: ['secrets'],
      verbs: ['delete', 'get', 'list', 'watch']
    }
  ])
];

export const BOOTSTRAP_CLUSTER_ROLE_BINDINGS: Json[] = [
  clusterRoleBinding('cluster-admin', [group('system:masters')]),
  clusterRoleBinding('system:discovery', [group('system:authenticated')]),
  clusterRoleBinding('system:basic-user', [group('system:authenticated')]),
  clusterRoleBinding('system:public-info-viewer', [
    group('system:authenticated'),
    group('system:unauthenticated')
  ]),
  clusterRoleBinding('system:service-account-issuer-discovery', [
    group('system:serviceaccounts')
  ]),
  clusterRoleBinding('system:kube-dns', [
    serviceAccount('kube-system', 'kube-dns')
  ]),
  clusterRoleBinding('system:controller:token-cleaner', [
    serviceAccount('kube-system', 'token-cleaner')
  ])
];

/** The namespaces every cluster has. */
export const BOOTSTRAP_NAMESPACES = [
  'default',
  'kube-node-lease',
  'kube-public',
  'kube-system'
];
