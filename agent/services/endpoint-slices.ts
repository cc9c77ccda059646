// Pure: the EndpointSlices of a Service, as upstream's EndpointSlice controller makes them, and the writes that
// bring the stored slices there. One IPv4 slice per set of resolved ports (pods that resolve a named
// targetPort differently land in different slices), at most 100 endpoints each; a Service whose selector
// matches no pod keeps one empty placeholder slice; a Service without a selector has none (upstream leaves
// those to their users). Terminating pods stay in, marked terminating and not ready (unless the Service
// publishes not-ready addresses). The same pods the Endpoints are computed from (endpoints.ts).
import {
  type EndpointSlice,
  HEADLESS_LABEL,
  MANAGED_BY_LABEL,
  SERVICE_NAME_LABEL,
  SLICE_CONTROLLER,
  type SliceEndpoint,
  type SlicePort,
} from '../model/endpoint-slice';
import type { Pod } from '../model/pod';
import { type Service, isHeadless } from '../model/service';
import { controllerRef, ownerReferencesOf } from '../model/workload';
import { compareIps, hostnameFor, isReady, podPorts, selectedPods } from './endpoints';

/** Upstream's default --max-endpoints-per-slice. */
export const MAX_ENDPOINTS_PER_SLICE = 100;

/** What a slice holds; the rest (name, labels, owner) comes from its Service. */
export interface SliceContent {
  ports: SlicePort[];
  endpoints: SliceEndpoint[];
}

export type SliceAction =
  | { type: 'create'; slice: EndpointSlice }
  | { type: 'update'; slice: EndpointSlice }
  | { type: 'delete'; namespace: string; name: string };

function endpointOf(pod: Pod, svc: Service, nodeName: string): SliceEndpoint {
  const serving = isReady(pod);
  const terminating = pod.metadata.deletionTimestamp !== undefined;
  const hostname = hostnameFor(pod, svc);
  const m = pod.metadata;
  return {
    addresses: [pod.status.podIP ?? ''],
    conditions: {
      ready: svc.spec.publishNotReadyAddresses === true || (serving && !terminating),
      serving,
      terminating,
    },
    ...(hostname ? { hostname } : {}),
    nodeName,
    targetRef: { kind: 'Pod', namespace: m.namespace, name: m.name, uid: m.uid },
  };
}

function slicePorts(svc: Service, pod: Pod): SlicePort[] {
  return podPorts(svc, pod).map((p) => {
    const appProtocol = svc.spec.ports.find((s) => (s.name ?? '') === (p.name ?? ''))?.['appProtocol'];
    return {
      name: p.name ?? '',
      port: p.port,
      protocol: p.protocol,
      ...(typeof appProtocol === 'string' ? { appProtocol } : {}),
    };
  });
}

/** The contents the Service's slices should hold (none without a selector; one placeholder with no pods). */
export function sliceContents(svc: Service, pods: readonly Pod[], nodeName: string): SliceContent[] {
  if (!svc.spec.selector || Object.keys(svc.spec.selector).length === 0) return [];
  const groups = new Map<string, SliceContent>();
  for (const pod of selectedPods(svc, pods, true)) {
    const ports = slicePorts(svc, pod);
    const key = JSON.stringify(ports);
    const group = groups.get(key) ?? { ports, endpoints: [] };
    group.endpoints.push(endpointOf(pod, svc, nodeName));
    groups.set(key, group);
  }
  if (groups.size === 0) return [{ ports: [], endpoints: [] }];
  const contents: SliceContent[] = [];
  for (const g of groups.values()) {
    const sorted = g.endpoints.sort((a, b) => compareIps(a.addresses[0] ?? '', b.addresses[0] ?? ''));
    for (let i = 0; i < sorted.length; i += MAX_ENDPOINTS_PER_SLICE)
      contents.push({ ports: g.ports, endpoints: sorted.slice(i, i + MAX_ENDPOINTS_PER_SLICE) });
  }
  return contents;
}

/** The Service's labels (minus the reserved ones), its name and the controller's, headless or not. */
function sliceLabels(svc: Service): Record<string, string> {
  const reserved = new Set([SERVICE_NAME_LABEL, MANAGED_BY_LABEL, HEADLESS_LABEL]);
  const own = Object.entries(svc.metadata.labels ?? {}).filter(([k]) => !reserved.has(k));
  return {
    ...Object.fromEntries(own),
    ...(isHeadless(svc) ? { [HEADLESS_LABEL]: '' } : {}),
    [SERVICE_NAME_LABEL]: svc.metadata.name,
    [MANAGED_BY_LABEL]: SLICE_CONTROLLER,
  };
}

/** Is this a slice the controller keeps for that Service (its label, its managed-by)? */
export const managedSliceOf = (slice: EndpointSlice): string | undefined =>
  slice.metadata.labels?.[MANAGED_BY_LABEL] === SLICE_CONTROLLER
    ? slice.metadata.labels[SERVICE_NAME_LABEL]
    : undefined;

const ownedBy = (slice: EndpointSlice, svc: Service): boolean =>
  ownerReferencesOf(slice.metadata).some((r) => r.kind === 'Service' && r.uid === svc.metadata.uid);

/**
 * The writes that turn `existing` (the controller's slices of this Service) into `contents`: a slice whose
 * ports match is reused (updated only when it differs), new ones are named `<service>-<suffix>` as
 * generateName makes them, the rest deleted, as are slices of an earlier Service of that name.
 */
export function planSlices(
  svc: Service,
  contents: readonly SliceContent[],
  existing: readonly EndpointSlice[],
  suffix: () => string,
): SliceAction[] {
  const actions: SliceAction[] = [];
  const reusable = new Map<string, EndpointSlice[]>();
  for (const slice of existing) {
    if (!ownedBy(slice, svc)) {
      actions.push({ type: 'delete', namespace: slice.metadata.namespace, name: slice.metadata.name });
      continue;
    }
    const key = JSON.stringify(slice.ports);
    reusable.set(key, [...(reusable.get(key) ?? []), slice]);
  }
  const labels = sliceLabels(svc);
  for (const content of contents) {
    const old = reusable.get(JSON.stringify(content.ports))?.shift();
    const generateName = `${svc.metadata.name}-`;
    const slice: EndpointSlice = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: old
        ? { ...old.metadata, labels }
        : {
            name: `${generateName}${suffix()}`,
            generateName,
            namespace: svc.metadata.namespace,
            labels,
            ownerReferences: [controllerRef(svc)],
            uid: '',
            resourceVersion: '',
            creationTimestamp: '',
          },
      addressType: 'IPv4',
      endpoints: content.endpoints,
      ports: content.ports,
    };
    if (!old) actions.push({ type: 'create', slice });
    else if (
      JSON.stringify([old.metadata.labels, old.endpoints]) !== JSON.stringify([labels, slice.endpoints])
    )
      actions.push({ type: 'update', slice });
  }
  for (const left of reusable.values())
    for (const slice of left)
      actions.push({ type: 'delete', namespace: slice.metadata.namespace, name: slice.metadata.name });
  return actions;
}
