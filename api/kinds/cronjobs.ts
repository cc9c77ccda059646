// batch/v1 CronJobs: read from the CronJob store, written through the CronJobRegistry (decode, defaults,
// validation of the schedule and time zone); `kubectl get cronjobs` columns as upstream's printer; the
// status subresource.
import { BATCH_V1 } from '../../agent/model/group-version';
import type { CronJob } from '../../agent/model/job';
import { humanAge } from '../../agent/status/print-pod';
import type { ApiDeps } from '../deps';
import {
  ALL_VERBS,
  NONE,
  type ResourceDefinition,
  age,
  ageColumn,
  metaFields,
  nameColumn,
} from '../resources';
import { STATUS_SUBRESOURCE, statusRoutes } from '../routes/status-subresource';
import { column } from '../table';
import { templateCells, templateColumns } from './jobs';

/** Upstream's printBoolPtr. */
const printBoolPtr = (b: boolean | undefined): string => (b === undefined ? '<unset>' : b ? 'True' : 'False');

export function cronJobResource(deps: ApiDeps): ResourceDefinition<CronJob> {
  const def: ResourceDefinition<CronJob> = {
    groupVersion: BATCH_V1,
    name: 'cronjobs',
    singularName: 'cronjob',
    kind: 'CronJob',
    listKind: 'CronJobList',
    namespaced: true,
    verbs: ALL_VERBS,
    shortNames: ['cj'],
    categories: ['all'],
    fields: metaFields,
    columns: [
      nameColumn,
      column('Schedule', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
      column(
        'Timezone',
        'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.',
      ),
      {
        ...column('Suspend', 'This flag tells the controller to suspend subsequent executions.'),
        type: 'boolean',
      },
      { ...column('Active', 'A list of pointers to currently running jobs.'), type: 'integer' },
      column('Last Schedule', 'Information when was the last time the job was successfully scheduled.'),
      ageColumn,
      ...templateColumns,
    ],
    cells: (cj, now) => [
      cj.metadata.name,
      cj.spec.schedule,
      cj.spec.timeZone ?? NONE,
      printBoolPtr(cj.spec.suspend),
      cj.status.active?.length ?? 0,
      cj.status.lastScheduleTime ? humanAge(now - Date.parse(cj.status.lastScheduleTime)) : NONE,
      age(cj, now),
      ...templateCells(cj.spec.jobTemplate.spec),
    ],
    source: deps.cronJobs,
    registry: deps.registries.cronJobs,
    subresources: [STATUS_SUBRESOURCE],
    routes: statusRoutes(deps, () => def, deps.registries.cronJobs),
    logCreated: (cj) => ['cronjob created', { cronjob: `${cj.metadata.namespace}/${cj.metadata.name}` }],
    logDeleted: (cj) => ['cronjob deleted', { cronjob: `${cj.metadata.namespace}/${cj.metadata.name}` }],
  };
  return def;
}
