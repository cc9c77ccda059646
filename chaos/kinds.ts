// The objects the chaos run churns: a few names per kind, so creates, updates and deletes of the same object
// meet. Each write sets every field the run checks (a merge patch of all of them), so what an object must
// look like after a write does not depend on what it was before.
import type { Fields } from './ledger';
import type { Rng } from './rng';

const GEN = 'chaos/gen';

export interface ChaosKind {
  /** The plural, as in the API path and the ledger key (`configmaps/chaos-cm-0`). */
  plural: string;
  collection: string;
  names: readonly string[];
  /** Deletion is graceful: a deleted object lingers for a moment, so a create may meet it (409). */
  lingers: boolean;
  /** The fields a write sets: `gen` (unique per write) and the kind's own. */
  fields(rng: Rng, gen: number): Fields;
  manifest(name: string, f: Fields): object;
  patch(f: Fields): object;
  /** The same fields as read back from the API object. */
  read(obj: ApiObject): Fields;
}

export interface ApiObject {
  metadata: {
    name: string;
    uid: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    deletionTimestamp?: string;
  };
  data?: Record<string, string>;
  spec?: {
    replicas?: number;
    ports?: { port: number }[];
    template?: { metadata?: { annotations?: Record<string, string> } };
  };
}

const NAMESPACE = '/api/v1/namespaces/default';
export const DEPLOYMENTS_PATH = '/apis/apps/v1/namespaces/default/deployments';
export const PODS_PATH = `${NAMESPACE}/pods`;
const pool = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
const annotated = (gen: string): object => ({ annotations: { [GEN]: gen } });
const genOf = (o: ApiObject): string => o.metadata.annotations?.[GEN] ?? '';

/** Exits at once on SIGTERM (a bare `sleep` as PID 1 ignores it and waits out the grace period). */
const APP = {
  name: 'app',
  image: 'busybox',
  command: ['sh', '-c', "trap 'exit 0' TERM; sleep 3600 & wait"],
};

export const CONFIGMAPS: ChaosKind = {
  plural: 'configmaps',
  collection: `${NAMESPACE}/configmaps`,
  names: pool('chaos-cm', 4),
  lingers: false,
  fields: (_rng, gen) => ({ gen: String(gen) }),
  manifest: (name, f) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { gen: f.gen } }),
  patch: (f) => ({ data: { gen: f.gen } }),
  read: (o) => ({ gen: o.data?.gen ?? '' }),
};

export const SERVICES: ChaosKind = {
  plural: 'services',
  collection: `${NAMESPACE}/services`,
  names: pool('chaos-svc', 3),
  lingers: false,
  fields: (rng, gen) => ({ gen: String(gen), port: String(rng.int(80, 89)) }),
  manifest: (name, f) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, ...annotated(f.gen ?? '') },
    spec: { selector: { app: 'chaos' }, ports: [{ port: Number(f.port), targetPort: 8080 }] },
  }),
  patch: (f) => ({
    metadata: annotated(f.gen ?? ''),
    spec: { ports: [{ port: Number(f.port), targetPort: 8080 }] },
  }),
  read: (o) => ({ gen: genOf(o), port: String(o.spec?.ports?.[0]?.port ?? '') }),
};

export const PODS: ChaosKind = {
  plural: 'pods',
  collection: PODS_PATH,
  names: pool('chaos-pod', 4),
  lingers: true,
  fields: (_rng, gen) => ({ gen: String(gen) }),
  manifest: (name, f) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'chaos' }, ...annotated(f.gen ?? '') },
    spec: {
      terminationGracePeriodSeconds: 1,
      initContainers: [{ name: 'init', image: 'busybox', command: ['true'] }],
      // optional: a missing ConfigMap must not keep the pod from running (the run deletes them at random)
      containers: [{ ...APP, envFrom: [{ configMapRef: { name: 'chaos-cm-0', optional: true } }] }],
    },
  }),
  patch: (f) => ({ metadata: annotated(f.gen ?? '') }),
  read: (o) => ({ gen: genOf(o) }),
};

export const DEPLOYMENTS: ChaosKind = {
  plural: 'deployments',
  collection: DEPLOYMENTS_PATH,
  names: pool('chaos-deploy', 2),
  lingers: false,
  // tmpl changes two times in three: a rollout; replicas 1 or 2: a scale
  fields: (rng, gen) => ({ gen: String(gen), replicas: String(rng.int(1, 2)), tmpl: String(rng.int(0, 2)) }),
  manifest: (name, f) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, ...annotated(f.gen ?? '') },
    spec: {
      replicas: Number(f.replicas),
      selector: { matchLabels: { 'chaos/deploy': name } },
      template: {
        metadata: { labels: { 'chaos/deploy': name }, annotations: { 'chaos/tmpl': f.tmpl } },
        spec: { terminationGracePeriodSeconds: 1, containers: [APP] },
      },
    },
  }),
  patch: (f) => ({
    metadata: annotated(f.gen ?? ''),
    spec: { replicas: Number(f.replicas), template: { metadata: { annotations: { 'chaos/tmpl': f.tmpl } } } },
  }),
  read: (o) => ({
    gen: genOf(o),
    replicas: String(o.spec?.replicas ?? ''),
    tmpl: o.spec?.template?.metadata?.annotations?.['chaos/tmpl'] ?? '',
  }),
};

export const CHAOS_KINDS: readonly ChaosKind[] = [CONFIGMAPS, SERVICES, PODS, DEPLOYMENTS];
