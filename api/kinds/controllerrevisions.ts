// ControllerRevisions (apps/v1): the DaemonSet controller's template history (agent/controllers/daemonset/),
// read by `kubectl rollout history|undo ds`; `kubectl get controllerrevisions` columns as upstream's printer
// (the controller as `daemonset.apps/<name>`).
import type { ControllerRevision } from '../../agent/model/controller-revision';
import { APPS_V1 } from '../../agent/model/group-version';
import { controllerOf } from '../../agent/model/workload';
import type { ApiDeps } from '../deps';
import { ALL_VERBS, type ResourceDefinition, NONE, metaFields, nameAndAge } from '../resources';
import { column } from '../table';

/** `daemonset.apps/x`: the controller's kind and group, as upstream's formatResourceName. */
const controllerName = (cr: ControllerRevision): string => {
  const ref = controllerOf(cr.metadata);
  if (!ref) return NONE;
  const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
  return `${ref.kind.toLowerCase()}${group ? `.${group}` : ''}/${ref.name}`;
};

export function controllerRevisionResource(deps: ApiDeps): ResourceDefinition<ControllerRevision> {
  return {
    groupVersion: APPS_V1,
    name: 'controllerrevisions',
    singularName: 'controllerrevision',
    kind: 'ControllerRevision',
    listKind: 'ControllerRevisionList',
    namespaced: true,
    verbs: ALL_VERBS,
    fields: metaFields,
    ...nameAndAge<ControllerRevision>(
      [column('Controller', 'Controller of the object'), controllerName],
      [
        column('Revision', 'Revision indicates the revision of the state represented by Data.'),
        (cr) => cr.revision,
      ],
    ),
    source: deps.controllerRevisions,
    registry: deps.registries.controllerRevisions,
  };
}
