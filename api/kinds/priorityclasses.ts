// scheduling.k8s.io/v1 PriorityClasses (cluster-scoped, shortName pc), written through
// agent/priority/priority-class-registry.ts; `kubectl get priorityclasses` columns as upstream's printer:
// NAME VALUE GLOBAL-DEFAULT AGE PREEMPTIONPOLICY.
import { SCHEDULING_V1 } from '../../agent/model/group-version';
import type { PriorityClass } from '../../agent/model/priority-class';
import type { ApiDeps } from '../deps';
import { ALL_VERBS, type ResourceDefinition, age, ageColumn, nameColumn } from '../resources';
import { column } from '../table';

export function priorityClassResource(deps: ApiDeps): ResourceDefinition<PriorityClass> {
  const { priorityClasses: store, registry } = deps.priority;
  return {
    groupVersion: SCHEDULING_V1,
    verbs: [...ALL_VERBS],
    name: 'priorityclasses',
    singularName: 'priorityclass',
    kind: 'PriorityClass',
    listKind: 'PriorityClassList',
    namespaced: false,
    shortNames: ['pc'],
    fields: { 'metadata.name': (c) => c.metadata.name },
    columns: [
      nameColumn,
      {
        ...column(
          'Value',
          'value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec.',
        ),
        type: 'integer',
      },
      {
        ...column(
          'Global-Default',
          'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class. Only one PriorityClass can be marked as `globalDefault`. However, if more than one PriorityClasses exists with their `globalDefault` field set to true, the smallest value of such global default PriorityClasses will be used as the default priority.',
        ),
        type: 'boolean',
      },
      ageColumn,
      column(
        'PreemptionPolicy',
        'preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.',
      ),
    ],
    cells: (pc, now) => [
      pc.metadata.name,
      pc.value,
      pc.globalDefault === true,
      age(pc, now),
      pc.preemptionPolicy ?? '',
    ],
    source: { list: () => store.list(), get: (_ns, name) => store.get('', name) },
    registry,
    logCreated: (pc) => ['priorityclass created', { priorityClass: pc.metadata.name }],
  };
}
