// Structural mutations: a valid body of each kind the API stores (Pod, Service, Deployment, DaemonSet, Job,
// CronJob, ConfigMap, Secret) with one to three of its nodes replaced by a value of another shape (null, a
// string, a number, a list, an object), sent as a dry run. Valid or not, the answer must never be a 5xx:
// defaults and validation read every field of these bodies, and a shape they did not expect must become a
// 400 or a 422, not a TypeError.
import type { FuzzCase, FuzzOptions } from './cases';
import { prng } from './prng';

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

/** A valid body of each kind and where it is created. */
const BODIES: readonly { path: string; body: (name: string) => Json }[] = [
  {
    path: '/api/v1/namespaces/default/pods',
    body: (name) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels: { a: 'b' } },
      spec: podSpec(),
    }),
  },
  {
    path: '/api/v1/namespaces/default/services',
    body: (name) => ({
      apiVersion: 'v1',
      kind: 'Service',
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
  },
  {
    path: '/apis/apps/v1/namespaces/default/deployments',
    body: (name) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name },
      spec: {
        replicas: 0,
        selector: selector(),
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
        template: template(),
      },
    }),
  },
  {
    path: '/apis/apps/v1/namespaces/default/daemonsets',
    body: (name) => ({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name },
      spec: { selector: selector(), template: template() },
    }),
  },
  {
    path: '/apis/batch/v1/namespaces/default/jobs',
    body: (name) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name }, spec: jobSpec() }),
  },
  {
    path: '/apis/batch/v1/namespaces/default/cronjobs',
    body: (name) => ({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name },
      spec: { schedule: '*/5 * * * *', suspend: true, timeZone: 'UTC', jobTemplate: { spec: jobSpec() } },
    }),
  },
  {
    path: '/api/v1/namespaces/default/configmaps',
    body: (name) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name },
      data: { k: 'v' },
      binaryData: { b: 'aGk=' },
    }),
  },
  {
    path: '/api/v1/namespaces/default/secrets',
    body: (name) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name },
      type: 'kubernetes.io/basic-auth',
      data: { username: 'dQ==' },
      stringData: { password: 'p' },
    }),
  },
];

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

/** One mutated body, posted (or, for a pod that exists, patched) as a dry run. */
export function structuralCase(rnd: Rnd, id: number, opts: FuzzOptions = {}): FuzzCase {
  const { path, body: make } = pick(rnd, BODIES);
  const kind = path.slice(path.lastIndexOf('/') + 1);
  const existing = opts.existingPods ?? [];
  // A patch names the pod it patches: a renamed body would stop at `field is immutable`.
  const target = kind === 'pods' && existing.length > 0 && rnd() < 0.3 ? pick(rnd, existing) : undefined;
  const body = make(target ?? `fz-st-${id}`);
  const what: string[] = [];
  for (let k = 0; k < 1 + Math.floor(rnd() * 3); k++) {
    const at = pick(rnd, nodePaths(body));
    const value = structuredClone(pick(rnd, REPLACEMENTS));
    replaceAt(body, at, value);
    what.push(`${at.join('.')}=${JSON.stringify(value)}`);
  }
  const base = { id, family: 'structure' as const, body: JSON.stringify(body), invalid: false };
  if (target !== undefined)
    return {
      ...base,
      what: `patch ${kind}: ${what.join(' ')}`,
      method: 'PATCH',
      path: `${path}/${target}?dryRun=All`,
      headers: {
        'content-type': pick(rnd, ['application/merge-patch+json', 'application/strategic-merge-patch+json']),
      },
    };
  return {
    ...base,
    what: `${kind}: ${what.join(' ')}`,
    method: 'POST',
    path: `${path}?dryRun=All`,
    headers: { 'content-type': 'application/json' },
  };
}

/** `count` structural cases alone, for `seed`. */
export function* structuralCases(seed: number, count: number, opts: FuzzOptions = {}): Generator<FuzzCase> {
  const rnd = prng(seed);
  for (let id = 0; id < count; id++) yield structuralCase(rnd, id, opts);
}
