// A Deployment's status from its ReplicaSets, and its conditions as upstream words them: Available
// (MinimumReplicasAvailable / MinimumReplicasUnavailable) and Progressing (NewReplicaSetCreated,
// ReplicaSetUpdated, NewReplicaSetAvailable, ProgressDeadlineExceeded, DeploymentPaused/Resumed).
import { isoTime } from '../../clock';
import type { Deployment, DeploymentStatus, ReplicaSet, WorkloadCondition } from '../../model/workload';
import { fenceposts } from './rolling';

const sum = (sets: readonly ReplicaSet[], f: (rs: ReplicaSet) => number | undefined): number =>
  sets.reduce((n, rs) => n + (f(rs) ?? 0), 0);

function condition(
  old: WorkloadCondition | undefined,
  next: Omit<WorkloadCondition, 'lastUpdateTime' | 'lastTransitionTime'>,
  now: string,
  touch: boolean,
): WorkloadCondition {
  const same = old?.status === next.status;
  const unchanged = same && old?.reason === next.reason && old.message === next.message;
  return {
    ...next,
    lastUpdateTime: unchanged && !touch ? (old?.lastUpdateTime ?? now) : now,
    lastTransitionTime: same ? (old?.lastTransitionTime ?? now) : now,
  };
}

export interface StatusInput {
  d: Deployment;
  newRS: ReplicaSet | undefined;
  all: readonly ReplicaSet[];
  now: number;
  /** A ReplicaSet was created this round. */
  created: boolean;
}

export function isComplete(d: Deployment, s: DeploymentStatus): boolean {
  const n = d.spec.replicas;
  return s.updatedReplicas === n && s.replicas === n && s.availableReplicas === n;
}

/** The status, and ms until the progress deadline needs a look (when a rollout is under way). */
export function deploymentStatus(i: StatusInput): { status: DeploymentStatus; requeueMs?: number } {
  const { d, newRS, all, now } = i;
  const counts = {
    replicas: sum(all, (rs) => rs.status.replicas),
    updatedReplicas: newRS?.status.replicas ?? 0,
    readyReplicas: sum(all, (rs) => rs.status.readyReplicas),
    availableReplicas: sum(all, (rs) => rs.status.availableReplicas),
  };
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 1,
    ...counts,
    unavailableReplicas: Math.max(0, d.spec.replicas - counts.availableReplicas),
    ...(d.status.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
  };
  const at = isoTime(now);
  const old = d.status.conditions ?? [];
  const oldOf = (type: string): WorkloadCondition | undefined => old.find((c) => c.type === type);
  const minAvailable = d.spec.replicas - fenceposts(d).maxUnavailable;
  const available = condition(
    oldOf('Available'),
    counts.availableReplicas >= minAvailable
      ? {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        }
      : {
          type: 'Available',
          status: 'False',
          reason: 'MinimumReplicasUnavailable',
          message: 'Deployment does not have minimum availability.',
        },
    at,
    false,
  );
  const { progressing, requeueMs } = progressingCondition(i, status, oldOf('Progressing'), at);
  status.conditions = [available, progressing];
  return { status, ...(requeueMs !== undefined ? { requeueMs } : {}) };
}

function progressingCondition(
  i: StatusInput,
  status: DeploymentStatus,
  old: WorkloadCondition | undefined,
  at: string,
): { progressing: WorkloadCondition; requeueMs?: number } {
  const { d, newRS, now } = i;
  const rsName = newRS?.metadata.name ?? '';
  const p = (
    s: WorkloadCondition['status'],
    reason: string,
    message: string,
    touch = false,
  ): WorkloadCondition => condition(old, { type: 'Progressing', status: s, reason, message }, at, touch);
  if (d.spec.paused) return { progressing: p('Unknown', 'DeploymentPaused', 'Deployment is paused') };
  if (old?.reason === 'DeploymentPaused')
    return { progressing: p('Unknown', 'DeploymentResumed', 'Deployment is resumed') };
  if (isComplete(d, status))
    return {
      progressing: p('True', 'NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`),
    };
  if (i.created)
    return { progressing: p('True', 'NewReplicaSetCreated', `Created new replica set "${rsName}"`) };
  const prev = d.status;
  const moved =
    (status.updatedReplicas ?? 0) > (prev.updatedReplicas ?? 0) ||
    (status.readyReplicas ?? 0) > (prev.readyReplicas ?? 0) ||
    (status.availableReplicas ?? 0) > (prev.availableReplicas ?? 0) ||
    (status.replicas ?? 0) < (prev.replicas ?? 0);
  if (moved || !old || old.reason === 'DeploymentResumed' || old.reason === 'NewReplicaSetAvailable')
    return { progressing: p('True', 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`, true) };
  if (old.reason === 'ProgressDeadlineExceeded') return { progressing: old };
  const since = Date.parse(old.lastUpdateTime ?? at);
  const left = since + d.spec.progressDeadlineSeconds * 1000 - now;
  if (left <= 0)
    return {
      progressing: p(
        'False',
        'ProgressDeadlineExceeded',
        `ReplicaSet "${rsName}" has timed out progressing.`,
      ),
    };
  return { progressing: old, requeueMs: left };
}
