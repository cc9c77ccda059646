// The Deployment controller's decision, pure: from a Deployment and the ReplicaSets of its namespace to
// the actions of one round (upstream's syncDeployment): adopt matching orphan ReplicaSets; find the
// ReplicaSet of the current template (pod-template-hash) or create it; roll (RollingUpdate within
// maxSurge/maxUnavailable, gated on availability, or Recreate: old ones to 0 first); keep revisions and
// revisionHistoryLimit; publish status and conditions. A scaling event (the replicas changed, or the
// Deployment is paused) spreads the change over the active ReplicaSets instead (proportional.ts). A
// template whose hash names a ReplicaSet of another template bumps status.collisionCount (a new hash).
import {
  CHANGE_CAUSE_ANNOTATION,
  POD_TEMPLATE_HASH,
  REVISION_ANNOTATION,
  type Deployment,
  type DeploymentStatus,
  type ReplicaSet,
  controllerOf,
  controllerRef,
} from '../../model/workload';
import { selectorMatches } from '../../model/label-selector';
import { deploymentStatus } from './deployment-status';
import { isScalingEvent, proportionalSizes, replicasAnnotations } from './proportional';
import { newReplicaSetReplicas, scaleDownOld } from './rolling';
import { sameTemplate, templateHash } from './template-hash';

export type DeploymentAction =
  | { type: 'adopt'; rs: string }
  | { type: 'create'; rs: ReplicaSet }
  | { type: 'scale'; rs: string; from: number; to: number }
  | { type: 'annotate'; rs: string; annotations: Record<string, string> }
  | { type: 'delete'; rs: string }
  | { type: 'annotateDeployment'; annotations: Record<string, string> }
  | { type: 'status'; status: DeploymentStatus };

export interface DeploymentPlan {
  actions: DeploymentAction[];
  requeueMs?: number;
}

export const revisionOf = (rs: ReplicaSet): number =>
  Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? 0) || 0;

/** The ReplicaSet of the Deployment's current template, as it is created. */
function newReplicaSet(d: Deployment, replicas: number, revision: number): ReplicaSet {
  const hash = templateHash(d.spec.template, d.status.collisionCount);
  const labels = { ...(d.spec.template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash };
  const cause = d.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION];
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels,
      annotations: {
        [REVISION_ANNOTATION]: String(revision),
        ...replicasAnnotations(d),
        ...(cause !== undefined ? { [CHANGE_CAUSE_ANNOTATION]: cause } : {}),
      },
      ownerReferences: [controllerRef(d)],
    } as unknown as ReplicaSet['metadata'],
    spec: {
      replicas,
      ...(d.spec.minReadySeconds !== undefined ? { minReadySeconds: d.spec.minReadySeconds } : {}),
      selector: {
        ...d.spec.selector,
        matchLabels: { ...(d.spec.selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash },
      },
      template: {
        ...structuredClone(d.spec.template),
        metadata: { ...structuredClone(d.spec.template.metadata ?? {}), labels },
      },
    },
    status: { replicas: 0 },
  };
}

function rollout(
  d: Deployment,
  newRS: ReplicaSet | undefined,
  old: ReplicaSet[],
  revision: number,
): DeploymentAction[] {
  const all = newRS ? [newRS, ...old] : old;
  const scale = (rs: ReplicaSet, to: number): DeploymentAction => ({
    type: 'scale',
    rs: rs.metadata.name,
    from: rs.spec.replicas,
    to,
  });
  if (d.spec.strategy.type === 'Recreate') {
    const running = old.filter((rs) => rs.spec.replicas > 0);
    if (running.length) return running.map((rs) => scale(rs, 0));
    if (old.some((rs) => (rs.status.replicas ?? 0) > 0)) return [];
    if (!newRS) return [{ type: 'create', rs: newReplicaSet(d, d.spec.replicas, revision) }];
    return newRS.spec.replicas !== d.spec.replicas ? [scale(newRS, d.spec.replicas)] : [];
  }
  if (!newRS)
    return [{ type: 'create', rs: newReplicaSet(d, newReplicaSetReplicas(d, all, undefined), revision) }];
  if (newRS.spec.replicas > d.spec.replicas) return [scale(newRS, d.spec.replicas)];
  const grown = newReplicaSetReplicas(d, all, newRS);
  if (grown !== newRS.spec.replicas) return [scale(newRS, grown)];
  const byName = new Map(old.map((rs) => [rs.metadata.name, rs]));
  return [...scaleDownOld(d, newRS, old)].map(([name, to]) => scale(byName.get(name) as ReplicaSet, to));
}

/** A scaling event: every active ReplicaSet to its proportional size, the annotations brought up to date. */
function scale(d: Deployment, newRS: ReplicaSet | undefined, old: ReplicaSet[]): DeploymentAction[] {
  const byName = new Map([...old, ...(newRS ? [newRS] : [])].map((rs) => [rs.metadata.name, rs]));
  const annotations = replicasAnnotations(d);
  const actions: DeploymentAction[] = [];
  for (const [name, to] of proportionalSizes(d, newRS, old)) {
    const rs = byName.get(name) as ReplicaSet;
    if (rs.spec.replicas !== to) actions.push({ type: 'scale', rs: name, from: rs.spec.replicas, to });
    else if (Object.entries(annotations).some(([k, v]) => rs.metadata.annotations?.[k] !== v))
      actions.push({ type: 'annotate', rs: name, annotations });
  }
  return actions;
}

/** The name a new ReplicaSet would take is held by another one: a hash collision (upstream's getNewReplicaSet). */
function collides(d: Deployment, replicaSets: readonly ReplicaSet[]): boolean {
  const name = `${d.metadata.name}-${templateHash(d.spec.template, d.status.collisionCount)}`;
  return replicaSets.some((rs) => rs.metadata.name === name);
}

/** Old ReplicaSets beyond revisionHistoryLimit that have no pods left, oldest revision first. */
function history(d: Deployment, old: ReplicaSet[], touched: Set<string>): DeploymentAction[] {
  const idle = old
    .filter(
      (rs) => rs.spec.replicas === 0 && (rs.status.replicas ?? 0) === 0 && !touched.has(rs.metadata.name),
    )
    .sort((a, b) => revisionOf(a) - revisionOf(b));
  const surplus = idle.length - d.spec.revisionHistoryLimit;
  return idle.slice(0, Math.max(0, surplus)).map((rs) => ({ type: 'delete', rs: rs.metadata.name }));
}

/** `replicaSets`: every ReplicaSet of the Deployment's namespace. */
export function reconcileDeployment(
  d: Deployment,
  replicaSets: readonly ReplicaSet[],
  now: number,
): DeploymentPlan {
  if (d.metadata.deletionTimestamp !== undefined) return { actions: [] };
  const actions: DeploymentAction[] = [];
  const owned: ReplicaSet[] = [];
  for (const rs of replicaSets) {
    const owner = controllerOf(rs.metadata);
    if (owner?.uid === d.metadata.uid) owned.push(rs);
    else if (
      !owner &&
      rs.metadata.deletionTimestamp === undefined &&
      selectorMatches(d.spec.selector, rs.metadata.labels)
    ) {
      actions.push({ type: 'adopt', rs: rs.metadata.name });
      owned.push(rs);
    }
  }
  const newRS = owned.find((rs) => sameTemplate(rs.spec.template, d.spec.template));
  const old = owned.filter((rs) => rs !== newRS);
  const maxOld = Math.max(0, ...old.map(revisionOf));
  const revision = newRS && revisionOf(newRS) > maxOld ? revisionOf(newRS) : maxOld + 1;
  if (newRS && revisionOf(newRS) !== revision)
    actions.push({
      type: 'annotate',
      rs: newRS.metadata.name,
      annotations: { [REVISION_ANNOTATION]: String(revision) },
    });
  if (!newRS && !d.spec.paused && collides(d, replicaSets)) {
    const collisionCount = (d.status.collisionCount ?? 0) + 1;
    actions.push({ type: 'status', status: { ...d.status, collisionCount } });
    return { actions }; // the status write queues the Deployment again
  }
  const scaling = d.spec.paused || isScalingEvent(d, [newRS, ...old]);
  const steps = scaling ? scale(d, newRS, old) : rollout(d, newRS, old, revision);
  actions.push(...steps);
  const created = steps.some((a) => a.type === 'create');
  if ((newRS || created) && d.metadata.annotations?.[REVISION_ANNOTATION] !== String(revision))
    actions.push({ type: 'annotateDeployment', annotations: { [REVISION_ANNOTATION]: String(revision) } });
  const touched = new Set(steps.flatMap((a) => (a.type === 'scale' ? [a.rs] : [])));
  if (!d.spec.paused) actions.push(...history(d, old, touched));
  const { status, requeueMs } = deploymentStatus({ d, newRS, all: owned, now, created });
  if (JSON.stringify(status) !== JSON.stringify(d.status)) actions.push({ type: 'status', status });
  return { actions, ...(requeueMs !== undefined ? { requeueMs } : {}) };
}
