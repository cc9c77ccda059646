// A StatefulSet's two revisions, from its ControllerRevisions (pure): the update revision holds its
// template now; the current one is what status.currentRevision names while it still exists (the update
// revision when none). Upstream's pods, and so ours, carry the revision's name as controller-revision-hash.
import type { ControllerRevision } from '../../model/controller-revision';
import { type PodTemplateSpec, type StatefulSet, controllerOf } from '../../model/workload';
import { matches } from '../daemonset/plan-revisions';
import type { RevisionView } from './reconcile-statefulset';

/** The template a revision's data puts back (`{spec: {template: {..., $patch: replace}}}`). */
function templateOf(r: ControllerRevision): PodTemplateSpec | undefined {
  const data = r.data as { spec?: { template?: PodTemplateSpec & { $patch?: string } } } | undefined;
  const t = data?.spec?.template;
  if (!t) return undefined;
  const { $patch: _p, ...template } = t;
  return template;
}

export function statefulSetRevisions(
  sts: StatefulSet,
  revisions: readonly ControllerRevision[],
): { update: RevisionView; current: RevisionView } | undefined {
  const owned = revisions.filter((r) => controllerOf(r.metadata)?.uid === sts.metadata.uid);
  const updateRevision = owned.find((r) => matches(sts, r));
  if (!updateRevision) return undefined;
  const update = { name: updateRevision.metadata.name, template: sts.spec.template };
  const named = owned.find((r) => r.metadata.name === sts.status.currentRevision);
  const template = named && templateOf(named);
  return { update, current: named && template ? { name: named.metadata.name, template } : update };
}
