// HorizontalPodAutoscalers: autoscaling/v2 (stored, with the status subresource) and autoscaling/v1 (the same
// objects converted, agent/model/hpa-convert.ts; kubectl falls back to it), kept by the HPA controller
// (agent/autoscaling/). `kubectl get hpa` columns as upstream's printer (hpa-columns.ts). v1 is not watched:
// its objects would need converting in the watch hub; kubectl watches the preferred v2.
import type { HorizontalPodAutoscaler } from '../../agent/model/hpa';
import { type HorizontalPodAutoscalerV1, toV1 } from '../../agent/model/hpa-convert';
import { AUTOSCALING_V1, AUTOSCALING_V2 } from '../../agent/model/group-version';
import type { ApiDeps } from '../deps';
import { ALL_VERBS, type ResourceDefinition, metaFields } from '../resources';
import { workloadStatusRoutes } from '../routes/workload-subresources';
import { hpaTable } from './hpa-columns';

const NAMES = {
  name: 'horizontalpodautoscalers',
  singularName: 'horizontalpodautoscaler',
  kind: 'HorizontalPodAutoscaler',
  listKind: 'HorizontalPodAutoscalerList',
  namespaced: true,
  shortNames: ['hpa'],
  categories: ['all'],
  fields: metaFields,
} as const;

export function hpaResource(deps: ApiDeps): ResourceDefinition<HorizontalPodAutoscaler> {
  const { registry } = deps.autoscaling;
  const def: ResourceDefinition<HorizontalPodAutoscaler> = {
    ...NAMES,
    shortNames: [...NAMES.shortNames],
    categories: [...NAMES.categories],
    groupVersion: AUTOSCALING_V2,
    verbs: ALL_VERBS,
    ...hpaTable,
    source: deps.autoscaling.hpas,
    registry,
    subresources: [{ name: 'status', verbs: ['get', 'patch', 'update'] }],
    logCreated: (h) => [
      'horizontalpodautoscaler created',
      { hpa: `${h.metadata.namespace}/${h.metadata.name}` },
    ],
    routes: (app, paths) => workloadStatusRoutes(app, def, registry, paths, deps.clock),
  };
  return def;
}

export function hpaV1Resource(deps: ApiDeps): ResourceDefinition<HorizontalPodAutoscalerV1> {
  const { hpas, v1Registry } = deps.autoscaling;
  /** Rows from the stored v2 object, so v1 tables print as v2's (upstream prints the internal object). */
  const stored = (h: HorizontalPodAutoscalerV1): HorizontalPodAutoscaler | undefined =>
    hpas.get(h.metadata.namespace, h.metadata.name);
  return {
    ...NAMES,
    shortNames: [...NAMES.shortNames],
    categories: [...NAMES.categories],
    groupVersion: AUTOSCALING_V1,
    verbs: ALL_VERBS.filter((v) => v !== 'watch'),
    columns: hpaTable.columns,
    cells: (h, now) => {
      const v2 = stored(h);
      return v2 ? hpaTable.cells(v2, now) : [h.metadata.name];
    },
    source: {
      list: (ns) => hpas.list(ns).map(toV1),
      get: (ns, name) => {
        const h = hpas.get(ns, name);
        return h && toV1(h);
      },
    },
    registry: v1Registry,
  };
}
