// Structural mutations: a valid body of each kind the API serves (read from its discovery: fuzz/served-kinds.ts)
// with one to three of its nodes replaced by a value of another shape (null, a string, a number, a list, an
// object), sent as a dry run. Valid or not, the answer must never be a 5xx: defaults and validation read
// every field of these bodies, and a shape they did not expect must become a 400 or a 422 Status, not a
// TypeError. A read-only kind (no `create` verb: EndpointSlice, Node, ...) gets writes of every verb it does
// not serve (the Node serves update and patch), each of which must be a 405.
import type { FuzzCase, FuzzOptions } from './cases';
import { prng } from './prng';
import { type ServedKind, collectionPath } from './served-kinds';

type Rnd = () => number;
type Json = Record<string, unknown>;

const pick = <T>(rnd: Rnd, list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;

const container = (): Json => ({
  name: 'c',
  image: 'busybox',
  command: ['sh'],
  args: ['-c', 'true'],
  ports: [{ containerPort: 80, name: 'http', protocol: 'TCP' }],
  env: [
    { name: 'E', value: 'v' },
    { name: 'F', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } },
    { name: 'G', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
  ],
  envFrom: [{ configMapRef: { name: 'cm' } }, { prefix: 'S_', secretRef: { name: 's' } }],
  volumeMounts: [{ name: 'v', mountPath: '/v' }],
  resources: { limits: { cpu: '1', memory: '64Mi' } },
  readinessProbe: { exec: { command: ['true'] }, periodSeconds: 5 },
  livenessProbe: { httpGet: { path: '/', port: 'http' } },
  securityContext: { runAsUser: 1000 },
});

const podSpec = (restartPolicy = 'Always'): Json => ({
  restartPolicy,
  terminationGracePeriodSeconds: 0,
  containers: [container()],
  volumes: [
    { name: 'v', emptyDir: {} },
    { name: 'w', configMap: { name: 'cm', items: [{ key: 'k', path: 'p' }] } },
    {
      name: 'x',
      projected: {
        sources: [{ downwardAPI: { items: [{ path: 'l', fieldRef: { fieldPath: 'metadata.labels' } }] } }],
      },
    },
  ],
  dnsConfig: { options: [{ name: 'ndots', value: '2' }] },
  hostAliases: [{ ip: '10.0.0.1', hostnames: ['a'] }],
  tolerations: [{ key: 'k', operator: 'Exists' }],
});

const template = (restartPolicy?: string): Json => ({
  metadata: { labels: { app: 'fz' } },
  spec: podSpec(restartPolicy),
});
const selector = (): Json => ({
  matchLabels: { app: 'fz' },
  matchExpressions: [{ key: 'app', operator: 'In', values: ['fz'] }],
});
const jobSpec = (): Json => ({
  suspend: true,
  completions: 2,
  parallelism: 1,
  completionMode: 'Indexed',
  backoffLimitPerIndex: 1,
  podFailurePolicy: {
    rules: [
      { action: 'Ignore', onExitCodes: { operator: 'In', values: [1] } },
      { action: 'FailJob', onPodConditions: [{ type: 'DisruptionTarget' }] },
    ],
  },
  successPolicy: { rules: [{ succeededIndexes: '0-1' }] },
  template: template('Never'),
});

const claimSpec = (): Json => ({
  accessModes: ['ReadWriteOnce'],
  resources: { requests: { storage: '1Gi' }, limits: { storage: '2Gi' } },
  storageClassName: 'standard',
  volumeMode: 'Filesystem',
  selector: { matchLabels: { a: 'b' } },
});

/**
 * A valid body of each kind served (its apiVersion and kind added from discovery), keyed `<apiVersion> <Kind>`.
 * The read-only kinds have one too: writes of them must be refused with a 405 whatever the body.
 */
export const BODIES: Readonly<Record<string, (name: string) => Json>> = {
  'v1 Pod': (name) => ({ metadata: { name, labels: { a: 'b' } }, spec: podSpec() }),
  'v1 Service': (name) => ({
    metadata: { name },
    spec: {
      selector: { app: 'fz' },
      ports: [
        { name: 'a', port: 80, targetPort: 'http', protocol: 'TCP' },
        { name: 'b', port: 81, targetPort: 8080 },
      ],
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10 } },
    },
  }),
  'v1 Endpoints': (name) => ({
    metadata: { name },
    subsets: [
      {
        addresses: [{ ip: '10.0.0.1', targetRef: { kind: 'Pod', name: 'p' } }],
        ports: [{ name: 'a', port: 80 }],
      },
    ],
  }),
  'v1 Event': (name) => ({
    metadata: { name },
    involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' },
    reason: 'R',
    message: 'm',
    type: 'Normal',
    count: 1,
  }),
  'v1 Namespace': (name) => ({
    metadata: { name, labels: { a: 'b' } },
    spec: { finalizers: ['kubernetes'] },
  }),
  'v1 ServiceAccount': (name) => ({
    metadata: { name },
    secrets: [{ name: 's' }],
    imagePullSecrets: [{ name: 'r' }],
    automountServiceAccountToken: false,
  }),
  'v1 PersistentVolumeClaim': (name) => ({ metadata: { name }, spec: claimSpec() }),
  'v1 ConfigMap': (name) => ({ metadata: { name }, data: { k: 'v' }, binaryData: { b: 'aGk=' } }),
  'v1 Secret': (name) => ({
    metadata: { name },
    type: 'kubernetes.io/basic-auth',
    data: { username: 'dQ==' },
    stringData: { password: 'p' },
  }),
  'v1 Node': (name) => ({ metadata: { name }, spec: { podCIDR: '10.0.0.0/24', unschedulable: true } }),
  'apps/v1 Deployment': (name) => ({
    metadata: { name },
    spec: {
      replicas: 0,
      selector: selector(),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      template: template(),
    },
  }),
  'apps/v1 ReplicaSet': (name) => ({
    metadata: { name },
    spec: { replicas: 0, minReadySeconds: 1, selector: selector(), template: template() },
  }),
  'apps/v1 DaemonSet': (name) => ({
    metadata: { name },
    spec: { selector: selector(), template: template() },
  }),
  'apps/v1 StatefulSet': (name) => ({
    metadata: { name },
    spec: {
      replicas: 0,
      serviceName: 'fz',
      selector: selector(),
      template: template(),
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: claimSpec() }],
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: 1 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Delete' },
      ordinals: { start: 0 },
      revisionHistoryLimit: 3,
    },
  }),
  'apps/v1 ControllerRevision': (name) => ({
    metadata: { name, labels: { app: 'fz' } },
    data: { spec: { template: { ...template(), $patch: 'replace' } } },
    revision: 1,
  }),
  'autoscaling/v2 HorizontalPodAutoscaler': (name) => ({
    metadata: { name },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' },
      minReplicas: 1,
      maxReplicas: 3,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
        },
      ],
      behavior: {
        scaleDown: {
          stabilizationWindowSeconds: 60,
          selectPolicy: 'Max',
          policies: [{ type: 'Pods', value: 1, periodSeconds: 15 }],
        },
      },
    },
  }),
  'autoscaling/v1 HorizontalPodAutoscaler': (name) => ({
    metadata: { name },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' },
      minReplicas: 1,
      maxReplicas: 3,
      targetCPUUtilizationPercentage: 50,
    },
  }),
  'batch/v1 Job': (name) => ({ metadata: { name }, spec: jobSpec() }),
  'batch/v1 CronJob': (name) => ({
    metadata: { name },
    spec: { schedule: '*/5 * * * *', suspend: true, timeZone: 'UTC', jobTemplate: { spec: jobSpec() } },
  }),
  'coordination.k8s.io/v1 Lease': (name) => ({
    metadata: { name },
    spec: { holderIdentity: 'a', leaseDurationSeconds: 40, renewTime: '2026-01-01T00:00:00.000000Z' },
  }),
  'discovery.k8s.io/v1 EndpointSlice': (name) => ({
    metadata: { name, labels: { 'kubernetes.io/service-name': 'fz' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true }, nodeName: 'n' }],
    ports: [{ name: 'a', port: 80, protocol: 'TCP' }],
  }),
  'policy/v1 PodDisruptionBudget': (name) => ({
    metadata: { name },
    spec: {
      maxUnavailable: '25%',
      selector: { matchLabels: { app: 'fz' }, matchExpressions: [{ key: 'a', operator: 'Exists' }] },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  }),
  'rbac.authorization.k8s.io/v1 Role': (name) => ({
    metadata: { name },
    rules: [{ apiGroups: [''], resources: ['pods'], resourceNames: ['p'], verbs: ['get', 'list'] }],
  }),
  'rbac.authorization.k8s.io/v1 ClusterRole': (name) => ({
    metadata: { name, labels: { 'example.com/aggregate-to-fz': 'true' } },
    rules: [
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['*'] },
      { nonResourceURLs: ['/healthz'], verbs: ['get'] },
    ],
    aggregationRule: {
      clusterRoleSelectors: [{ matchExpressions: [{ key: 'a', operator: 'In', values: ['b'] }] }],
    },
  }),
  'rbac.authorization.k8s.io/v1 RoleBinding': (name) => ({
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
    subjects: [
      { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'u' },
      { kind: 'ServiceAccount', name: 'sa', namespace: 'default' },
    ],
  }),
  'rbac.authorization.k8s.io/v1 ClusterRoleBinding': (name) => ({
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'g' }],
  }),
  'networking.k8s.io/v1 Ingress': (name) => ({
    metadata: { name, annotations: { 'example.com/a': 'b' } },
    spec: {
      ingressClassName: 'fz',
      defaultBackend: { resource: { apiGroup: 'k8s.example.com', kind: 'Bucket', name: 'b' } },
      tls: [{ hosts: ['*.example.com'], secretName: 'tls' }],
      rules: [
        {
          host: 'foo.example.com',
          http: {
            paths: [
              { path: '/a', pathType: 'Prefix', backend: { service: { name: 'svc', port: { number: 80 } } } },
              {
                pathType: 'ImplementationSpecific',
                backend: { service: { name: 'svc', port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
    },
  }),
  'scheduling.k8s.io/v1 PriorityClass': (name) => ({
    metadata: { name },
    value: 1000,
    description: 'fuzzed',
    preemptionPolicy: 'Never',
  }),
  'networking.k8s.io/v1 IngressClass': (name) => ({
    metadata: { name },
    spec: {
      controller: 'example.com/ingress-controller',
      parameters: {
        apiGroup: 'k8s.example.com',
        kind: 'Params',
        name: 'p',
        scope: 'Namespace',
        namespace: 'default',
      },
    },
  }),
  'networking.k8s.io/v1 NetworkPolicy': (name) => ({
    metadata: { name, labels: { a: 'b' } },
    spec: {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          from: [
            { podSelector: { matchExpressions: [{ key: 'role', operator: 'In', values: ['fe'] }] } },
            { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } },
          ],
          ports: [{ protocol: 'TCP', port: 80, endPort: 90 }, { port: 'http' }],
        },
      ],
      egress: [{ to: [{ namespaceSelector: {} }], ports: [{ protocol: 'UDP', port: 53 }] }],
    },
  }),
  'authorization.k8s.io/v1 SelfSubjectAccessReview': (name) => ({
    metadata: { name },
    spec: {
      resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods', name: 'p' },
      nonResourceAttributes: { path: '/healthz', verb: 'get' },
    },
  }),
  'authorization.k8s.io/v1 SubjectAccessReview': (name) => ({
    metadata: { name },
    spec: {
      user: 'u',
      groups: ['g'],
      extra: { scopes: ['s'] },
      resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods', name: 'p' },
    },
  }),
  'authorization.k8s.io/v1 LocalSubjectAccessReview': (name) => ({
    metadata: { name, namespace: 'default' },
    spec: { user: 'u', resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods' } },
  }),
  'authorization.k8s.io/v1 SelfSubjectRulesReview': (name) => ({
    metadata: { name },
    spec: { namespace: 'default' },
  }),
  'authentication.k8s.io/v1 SelfSubjectReview': (name) => ({
    metadata: { name },
    status: { userInfo: { username: 'u' } },
  }),
  'authentication.k8s.io/v1 TokenReview': (name) => ({
    metadata: { name },
    spec: { token: 'a.b.c', audiences: ['x'] },
  }),
  'apiextensions.k8s.io/v1 CustomResourceDefinition': (name) => ({
    metadata: { name },
    spec: {
      group: 'fz.example',
      names: { plural: 'xs', kind: 'X' },
      scope: 'Namespaced',
      versions: [
        { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } },
      ],
    },
  }),
  'metrics.k8s.io/v1beta1 NodeMetrics': (name) => ({
    metadata: { name },
    timestamp: '2026-01-01T00:00:00Z',
    window: '10s',
    usage: { cpu: '1m', memory: '1Mi' },
  }),
  'metrics.k8s.io/v1beta1 PodMetrics': (name) => ({
    metadata: { name },
    timestamp: '2026-01-01T00:00:00Z',
    window: '10s',
    containers: [{ name: 'c', usage: { cpu: '1m', memory: '1Mi' } }],
  }),
};

const bodyKey = (k: ServedKind): string => `${k.apiVersion} ${k.kind}`;

/** The served kinds the structural fuzzer has no body for (a new kind: add one to BODIES). */
export const kindsWithoutBody = (kinds: readonly ServedKind[]): string[] =>
  kinds.map(bodyKey).filter((key) => !(key in BODIES));

const writable = (k: ServedKind): boolean => k.verbs.includes('create');

/** The write methods and the verb each needs. */
const REFUSABLE = [
  ['POST', 'create'],
  ['PUT', 'update'],
  ['PATCH', 'patch'],
  ['DELETE', 'delete'],
] as const;

/** What a node is replaced with: each shape the decoders may meet where another one belongs. */
const REPLACEMENTS: readonly unknown[] = [
  null,
  '',
  'x',
  '-1',
  0,
  -1,
  1.5,
  2 ** 31,
  true,
  [],
  [null],
  [{}],
  [[]],
  {},
  { a: null },
  { name: null },
];

/** Every path into a JSON value (object keys and list indexes), apiVersion and kind left out. */
function nodePaths(
  v: unknown,
  at: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  if (at.length > 0 && !(at.length === 1 && (at[0] === 'apiVersion' || at[0] === 'kind'))) out.push(at);
  if (Array.isArray(v)) v.forEach((item, i) => nodePaths(item, [...at, i], out));
  else if (typeof v === 'object' && v !== null)
    for (const [k, item] of Object.entries(v)) nodePaths(item, [...at, k], out);
  return out;
}

function replaceAt(root: Json, path: readonly (string | number)[], value: unknown): void {
  let node: unknown = root;
  for (const key of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[key];
  if (typeof node === 'object' && node !== null)
    (node as Record<string | number, unknown>)[path[path.length - 1] as string] = value;
}

/**
 * One mutated body of a served kind: posted (or, for a pod that exists, patched) as a dry run when the kind
 * is writable; for a read-only kind a write of any verb, which must be refused with a 405.
 */
export function structuralCase(rnd: Rnd, id: number, opts: FuzzOptions = {}): FuzzCase {
  const kinds = (opts.kinds ?? []).filter((k) => bodyKey(k) in BODIES);
  if (kinds.length === 0) throw new Error('structural cases need the served kinds (fuzz/served-kinds.ts)');
  const k = pick(rnd, kinds);
  const path = collectionPath(k);
  const existing = k.kind === 'Pod' ? (opts.existingPods ?? []) : [];
  // A patch names the pod it patches: a renamed body would stop at `field is immutable`.
  const target = writable(k) && existing.length > 0 && rnd() < 0.3 ? pick(rnd, existing) : undefined;
  const body = {
    apiVersion: k.apiVersion,
    kind: k.kind,
    ...(BODIES[bodyKey(k)] as (name: string) => Json)(target ?? `fz-st-${id}`),
  };
  const what: string[] = [];
  for (let n = 0; n < 1 + Math.floor(rnd() * 3); n++) {
    const at = pick(rnd, nodePaths(body));
    const value = structuredClone(pick(rnd, REPLACEMENTS));
    replaceAt(body, at, value);
    what.push(`${at.join('.')}=${JSON.stringify(value)}`);
  }
  const base = { id, family: 'structure' as const, body: JSON.stringify(body), invalid: false };
  const json = { 'content-type': 'application/json' };
  if (!writable(k)) {
    // A kind without create may still serve update and patch (the Node): only the verbs it lacks are sent.
    const method = pick(
      rnd,
      REFUSABLE.filter(([, verb]) => !k.verbs.includes(verb)),
    )[0];
    return {
      ...base,
      what: `${bodyKey(k)} (read-only) ${method}: ${what.join(' ')}`,
      method,
      path: `${path}${method === 'POST' ? '' : `/fz-st-${id}`}?dryRun=All`,
      headers: method === 'PATCH' ? { 'content-type': 'application/merge-patch+json' } : json,
      expect: 405,
    };
  }
  if (target !== undefined)
    return {
      ...base,
      what: `${bodyKey(k)} patch: ${what.join(' ')}`,
      method: 'PATCH',
      path: `${path}/${target}?dryRun=All`,
      headers: {
        'content-type': pick(rnd, ['application/merge-patch+json', 'application/strategic-merge-patch+json']),
      },
    };
  return {
    ...base,
    what: `${bodyKey(k)}: ${what.join(' ')}`,
    method: 'POST',
    path: `${path}?dryRun=All`,
    headers: json,
  };
}

/** `count` structural cases alone, for `seed`. */
export function* structuralCases(seed: number, count: number, opts: FuzzOptions = {}): Generator<FuzzCase> {
  const rnd = prng(seed);
  for (let id = 0; id < count; id++) yield structuralCase(rnd, id, opts);
}
