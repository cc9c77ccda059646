// batch/v1 Jobs: read from the Job store, written through the JobRegistry (decode, defaults, validation, the
// generated selector); `kubectl get jobs` columns as upstream's printer (STATUS since 1.31); the status
// subresource.
import { BATCH_V1 } from '../../agent/model/group-version';
import { type Job, jobFinished, trueCondition } from '../../agent/model/job';
import { humanAge } from '../../agent/status/print-pod';
import type { ApiDeps } from '../deps';
import { ALL_VERBS, type ResourceDefinition, age, ageColumn, metaFields, nameColumn } from '../resources';
import { STATUS_SUBRESOURCE, statusRoutes } from '../routes/status-subresource';
import { column } from '../table';
import { NONE } from '../resources';

/** metav1.FormatLabelSelector for the matchLabels form. */
export const formatSelector = (s: Job['spec']['selector']): string => {
  const labels = Object.entries(s?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  const exprs = (s?.matchExpressions ?? []).map(
    (e) => `${e.key} ${e.operator.toLowerCase()} (${(e.values ?? []).join(',')})`,
  );
  const all = [...labels, ...exprs];
  return all.length ? all.join(',') : NONE;
};

/** The wide columns of a workload: container names, images, selector. */
export const templateColumns = [
  column('Containers', 'Names of each container in the template.', 1),
  column('Images', 'Images referenced by each container in the template.', 1),
  column('Selector', 'A label query over pods that should match the pod count.', 1),
];

export const templateCells = (spec: Job['spec']): string[] => [
  spec.template.spec.containers.map((c) => c.name).join(','),
  spec.template.spec.containers.map((c) => c.image).join(','),
  formatSelector(spec.selector),
];

function jobStatus(job: Job): string {
  const done = jobFinished(job);
  if (done) return done.type;
  if (job.metadata.deletionTimestamp !== undefined) return 'Terminating';
  if (trueCondition(job.status, 'Suspended')) return 'Suspended';
  if (trueCondition(job.status, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function completions(job: Job): string {
  const succeeded = job.status.succeeded ?? 0;
  const { completions: total, parallelism = 0 } = job.spec;
  if (total !== undefined) return `${succeeded}/${total}`;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function duration(job: Job, now: number): string {
  const start = job.status.startTime;
  if (!start) return '';
  const end = job.status.completionTime ? Date.parse(job.status.completionTime) : now;
  return humanAge(end - Date.parse(start));
}

export function jobResource(deps: ApiDeps): ResourceDefinition<Job> {
  const def: ResourceDefinition<Job> = {
    groupVersion: BATCH_V1,
    name: 'jobs',
    singularName: 'job',
    kind: 'Job',
    listKind: 'JobList',
    namespaced: true,
    verbs: ALL_VERBS,
    categories: ['all'],
    fields: { ...metaFields, 'status.successful': (j) => String(j.status.succeeded ?? 0) },
    columns: [
      nameColumn,
      column('Status', 'Status of the job.'),
      column('Completions', 'The number of pods which reached phase Succeeded.'),
      column('Duration', 'Time required to complete the job.'),
      ageColumn,
      ...templateColumns,
    ],
    cells: (j, now) => [
      j.metadata.name,
      jobStatus(j),
      completions(j),
      duration(j, now),
      age(j, now),
      ...templateCells(j.spec),
    ],
    source: deps.jobs,
    registry: deps.registries.jobs,
    subresources: [STATUS_SUBRESOURCE],
    routes: statusRoutes(deps, () => def, deps.registries.jobs),
    logCreated: (j) => ['job created', { job: `${j.metadata.namespace}/${j.metadata.name}` }],
    logDeleted: (j) => ['job deleted', { job: `${j.metadata.namespace}/${j.metadata.name}` }],
  };
  return def;
}
