// Builders for the controller tests: ReplicaSets, Deployments and their pods, healthy by default.
import type { Pod } from '../../agent/model/pod';
import {
  CONTROLLER_REVISION_HASH,
  type DaemonSet,
  type Deployment,
  type ReplicaSet,
  type StatefulSet,
  REVISION_ANNOTATION,
  controllerRef,
} from '../../agent/model/workload';
import { iso, NOW } from './builders';

export const template = (image = 'busybox'): ReplicaSet['spec']['template'] => ({
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image }] } as ReplicaSet['spec']['template']['spec'],
});

/** A Deployment `web` as a client sends it (what the API tests create). */
export const deploymentBody = (replicas = 2, extra: object = {}): object => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: template(), ...extra },
});

export function aReplicaSet(
  o: {
    name?: string;
    replicas?: number;
    minReadySeconds?: number;
    revision?: number;
    created?: number;
    available?: number;
    image?: string;
  } = {},
): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: o.name ?? 'web-abc',
      namespace: 'default',
      uid: `uid-${o.name ?? 'web-abc'}`,
      creationTimestamp: iso(o.created ?? NOW - 60_000),
      resourceVersion: '1',
      generation: 1,
      labels: { app: 'web' },
      ...(o.revision !== undefined ? { annotations: { [REVISION_ANNOTATION]: String(o.revision) } } : {}),
    },
    spec: {
      replicas: o.replicas ?? 3,
      selector: { matchLabels: { app: 'web' } },
      template: template(o.image),
      ...(o.minReadySeconds !== undefined ? { minReadySeconds: o.minReadySeconds } : {}),
    },
    status: {
      replicas: o.available ?? o.replicas ?? 3,
      availableReplicas: o.available ?? o.replicas ?? 3,
      readyReplicas: o.available ?? o.replicas ?? 3,
    },
  };
}

export function aDeployment(
  o: {
    replicas?: number;
    maxSurge?: number | string;
    maxUnavailable?: number | string;
    image?: string;
    recreate?: boolean;
  } = {},
): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: 'uid-web',
      creationTimestamp: iso(NOW - 120_000),
      resourceVersion: '1',
      generation: 1,
    },
    spec: {
      replicas: o.replicas ?? 3,
      selector: { matchLabels: { app: 'web' } },
      template: template(o.image),
      strategy: o.recreate
        ? { type: 'Recreate' }
        : {
            type: 'RollingUpdate',
            rollingUpdate: { maxSurge: o.maxSurge ?? '25%', maxUnavailable: o.maxUnavailable ?? '25%' },
          },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {},
  };
}

/** A pod of `owner` (none: an orphan), Ready since `readySince` unless not ready. */
export function aWorkloadPod(
  name: string,
  o: {
    owner?: ReplicaSet | DaemonSet | StatefulSet;
    ready?: boolean;
    readySince?: number;
    labels?: Record<string, string>;
    deleting?: boolean;
    created?: number;
  } = {},
): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      creationTimestamp: iso(o.created ?? NOW - 30_000),
      resourceVersion: '1',
      labels: o.labels ?? { app: 'web' },
      ...(o.owner ? { ownerReferences: [controllerRef(o.owner)] } : {}),
      ...(o.deleting ? { deletionTimestamp: iso(NOW) } : {}),
    },
    spec: { containers: [{ name: 'web', image: 'busybox' }] } as Pod['spec'],
    status: {
      phase: 'Running',
      conditions: [
        {
          type: 'Ready',
          status: o.ready === false ? 'False' : 'True',
          lastTransitionTime: iso(o.readySince ?? NOW - 20_000),
        },
      ],
    },
  } as Pod;
}

export function aDaemonSet(
  o: { image?: string; nodeSelector?: Record<string, string>; onDelete?: boolean; maxSurge?: number } = {},
): DaemonSet {
  const t = template(o.image);
  if (o.nodeSelector) t.spec.nodeSelector = o.nodeSelector;
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {
      name: 'agent',
      namespace: 'default',
      uid: 'uid-agent',
      creationTimestamp: iso(NOW - 120_000),
      resourceVersion: '1',
      generation: 1,
    },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: t,
      updateStrategy: o.onDelete
        ? { type: 'OnDelete' }
        : { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: o.maxSurge ?? 0 } },
      revisionHistoryLimit: 10,
    },
    status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 },
  };
}

/** A pod of a DaemonSet, made from the template whose hash is `hash`. */
export const aDaemonPod = (
  name: string,
  ds: DaemonSet,
  hash: string,
  o: Parameters<typeof aWorkloadPod>[1] = {},
): Pod => aWorkloadPod(name, { owner: ds, labels: { app: 'web', [CONTROLLER_REVISION_HASH]: hash }, ...o });
