// The default roles and bindings kube-apiserver creates at start (upstream's
// plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go), with their rules limited to the resources this
// API serves: cluster-admin, the user-facing admin/edit/view (aggregated from the system:aggregate-to-*
// roles, which carry the rules), the discovery, basic-user and public-info-viewer roles every client needs,
// service-account-issuer-discovery (ServiceAccounts read the OIDC documents) and auth-delegator; each labelled kubernetes.io/bootstrapping=rbac-defaults and annotated autoupdate=true.
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Subject } from '../model/rbac';
import { RBAC_GROUP } from '../model/rbac';

export const BOOTSTRAP_LABEL = 'kubernetes.io/bootstrapping';
export const AUTOUPDATE_ANNOTATION = 'rbac.authorization.kubernetes.io/autoupdate';
const AGGREGATE_TO = (role: 'admin' | 'edit' | 'view'): string =>
  `rbac.authorization.k8s.io/aggregate-to-${role}`;

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const READ_WRITE = [...READ, ...WRITE];

const rule = (verbs: string[], apiGroups: string[], resources: string[]): PolicyRule => ({
  verbs,
  apiGroups,
  resources,
});
const urls = (verbs: string[], nonResourceURLs: string[]): PolicyRule => ({ verbs, nonResourceURLs });

const defaults = (name: string, labels: Record<string, string> = {}): ClusterRole['metadata'] => ({
  name,
  namespace: '',
  uid: '',
  creationTimestamp: '',
  resourceVersion: '',
  labels: { [BOOTSTRAP_LABEL]: 'rbac-defaults', ...labels },
  annotations: { [AUTOUPDATE_ANNOTATION]: 'true' },
});

const clusterRole = (
  name: string,
  rules: PolicyRule[],
  extra: { labels?: Record<string, string>; aggregateFrom?: 'admin' | 'edit' | 'view' } = {},
): ClusterRole => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: defaults(name, extra.labels),
  ...(extra.aggregateFrom
    ? {
        aggregationRule: {
          clusterRoleSelectors: [{ matchLabels: { [AGGREGATE_TO(extra.aggregateFrom)]: 'true' } }],
        },
      }
    : { rules }),
});

const group = (name: string): Subject => ({ kind: 'Group', apiGroup: RBAC_GROUP, name });

const binding = (name: string, subjects: Subject[]): ClusterRoleBinding => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: defaults(name),
  roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name },
  subjects,
});

/** What every caller may read of the API's shape, and the health and version endpoints. */
const DISCOVERY_URLS = [
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
  '/version/',
];
const PUBLIC_INFO_URLS = ['/healthz', '/livez', '/readyz', '/version', '/version/'];
/** The ServiceAccount issuer's OIDC discovery (api/routes/oidc-discovery.ts). */
const ISSUER_DISCOVERY_URLS = [
  '/.well-known/openid-configuration',
  '/.well-known/openid-configuration/',
  '/openid/v1/jwks',
  '/openid/v1/jwks/',
];

export const BOOTSTRAP_CLUSTER_ROLES: readonly ClusterRole[] = [
  clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])]),
  clusterRole('admin', [], { aggregateFrom: 'admin' }),
  clusterRole('edit', [], { aggregateFrom: 'edit', labels: { [AGGREGATE_TO('admin')]: 'true' } }),
  clusterRole('view', [], { aggregateFrom: 'view', labels: { [AGGREGATE_TO('edit')]: 'true' } }),
  clusterRole('system:aggregate-to-admin', [rule(READ_WRITE, [RBAC_GROUP], ['roles', 'rolebindings'])], {
    labels: { [AGGREGATE_TO('admin')]: 'true' },
  }),
  clusterRole(
    'system:aggregate-to-edit',
    [
      // read on the escalating resources
      rule(READ, [''], ['pods/attach', 'pods/exec', 'pods/portforward', 'secrets']),
      rule(['impersonate'], [''], ['serviceaccounts']),
      rule(WRITE, [''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward']),
      rule(
        WRITE,
        [''],
        ['serviceaccounts', 'services', 'persistentvolumeclaims', 'configmaps', 'secrets', 'events'],
      ),
      rule(['create'], [''], ['serviceaccounts/token']),
      // kubectl drain evicts through pods/eviction
      rule(['create'], [''], ['pods/eviction']),
      rule(
        WRITE,
        ['apps'],
        [
          'statefulsets',
          'statefulsets/scale',
          'daemonsets',
          'deployments',
          'deployments/scale',
          'replicasets',
          'replicasets/scale',
        ],
      ),
      rule(WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
      rule(WRITE, ['batch'], ['jobs', 'cronjobs']),
      rule(WRITE, ['policy'], ['poddisruptionbudgets']),
      rule(READ_WRITE, ['coordination.k8s.io'], ['leases']),
    ],
    { labels: { [AGGREGATE_TO('edit')]: 'true' } },
  ),
  clusterRole(
    'system:aggregate-to-view',
    [
      rule(
        READ,
        [''],
        [
          'pods',
          'serviceaccounts',
          'services',
          'services/status',
          'endpoints',
          'persistentvolumeclaims',
          'persistentvolumeclaims/status',
          'configmaps',
        ],
      ),
      rule(READ, [''], ['events', 'pods/status', 'namespaces/status', 'pods/log']),
      // read access to namespaces at the namespace scope: which namespaces one may see
      rule(READ, [''], ['namespaces']),
      rule(READ, ['discovery.k8s.io'], ['endpointslices']),
      rule(
        READ,
        ['apps'],
        [
          'controllerrevisions',
          'statefulsets',
          'statefulsets/status',
          'statefulsets/scale',
          'daemonsets',
          'daemonsets/status',
          'deployments',
          'deployments/status',
          'deployments/scale',
          'replicasets',
          'replicasets/status',
          'replicasets/scale',
        ],
      ),
      rule(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
      rule(READ, ['batch'], ['jobs', 'cronjobs', 'cronjobs/status', 'jobs/status']),
      rule(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
    ],
    { labels: { [AGGREGATE_TO('view')]: 'true' } },
  ),
  clusterRole('system:discovery', [urls(['get'], DISCOVERY_URLS)]),
  clusterRole('system:basic-user', [
    rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
    rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
  ]),
  clusterRole('system:public-info-viewer', [urls(['get'], PUBLIC_INFO_URLS)]),
  clusterRole('system:service-account-issuer-discovery', [urls(['get'], ISSUER_DISCOVERY_URLS)]),
  // bound to no one, as upstream: for webhooks and aggregated servers that delegate authn/authz
  clusterRole('system:auth-delegator', [
    rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
    rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
  ]),
];

export const BOOTSTRAP_CLUSTER_ROLE_BINDINGS: readonly ClusterRoleBinding[] = [
  binding('cluster-admin', [group('system:masters')]),
  binding('system:discovery', [group('system:authenticated')]),
  binding('system:basic-user', [group('system:authenticated')]),
  binding('system:public-info-viewer', [group('system:authenticated'), group('system:unauthenticated')]),
  binding('system:service-account-issuer-discovery', [group('system:serviceaccounts')]),
];
