// EndpointSlices (discovery.k8s.io/v1, read-only): kept by the EndpointsController beside the Endpoints
// (agent/services/endpoint-slices.ts); `kubectl describe svc` reads its Endpoints line from them. Slices
// users write for Services without a selector are not served (405): nothing here would route them.
import type { EndpointSlice } from '../../agent/model/endpoint-slice';
import { DISCOVERY_V1 } from '../../agent/model/group-version';
import type { ApiDeps } from '../deps';
import { READ_VERBS, type ResourceDefinition, metaFields, nameAndAge } from '../resources';
import { column } from '../table';

/** upstream's listWithMoreString: up to three, then "+ N more...", `<unset>` for none. */
function firstThree(all: string[]): string {
  if (all.length > 3) return `${all.slice(0, 3).join(',')} + ${all.length - 3} more...`;
  return all.length ? all.join(',') : '<unset>';
}

export function endpointSliceResource(deps: ApiDeps): ResourceDefinition<EndpointSlice> {
  return {
    name: 'endpointslices',
    singularName: 'endpointslice',
    kind: 'EndpointSlice',
    listKind: 'EndpointSliceList',
    groupVersion: DISCOVERY_V1,
    namespaced: true,
    verbs: READ_VERBS,
    fields: metaFields,
    ...nameAndAge<EndpointSlice>(
      [column('AddressType', 'The type of address carried by this EndpointSlice.'), (s) => s.addressType],
      [
        column('Ports', 'The network ports exposed by each endpoint in this slice.'),
        (s) => firstThree(s.ports.map((p) => String(p.port))),
      ],
      [
        column('Endpoints', 'The unique endpoints in this slice.'),
        (s) => firstThree(s.endpoints.flatMap((e) => e.addresses)),
      ],
    ),
    source: deps.endpointSlices,
  };
}
