// Endpoints: read-only, kept by the EndpointsController from Services and ready pods.
import type { Endpoints } from '../../agent/model/service';
import type { ApiDeps } from '../deps';
import { NONE, READ_VERBS, type ResourceDefinition, metaFields, nameAndAge } from '../resources';
import { column } from '../table';

/** upstream's formatEndpoints: up to three ip:port, then "+ N more...". */
function formatEndpoints(e: Endpoints): string {
  const all: string[] = [];
  for (const s of e.subsets ?? []) {
    for (const a of s.addresses ?? []) {
      if (!s.ports?.length) all.push(a.ip);
      for (const p of s.ports ?? []) all.push(`${a.ip}:${p.port}`);
    }
  }
  if (!all.length) return NONE;
  return all.length > 3 ? `${all.slice(0, 3).join(',')} + ${all.length - 3} more...` : all.join(',');
}

export function endpointsResource(deps: ApiDeps): ResourceDefinition<Endpoints> {
  return {
    name: 'endpoints',
    singularName: 'endpoints',
    kind: 'Endpoints',
    listKind: 'EndpointsList',
    namespaced: true,
    verbs: READ_VERBS,
    shortNames: ['ep'],
    fields: metaFields,
    ...nameAndAge([column('Endpoints', 'Endpoints of the service.'), formatEndpoints]),
    source: deps.endpoints,
    shortPath: true,
  };
}
