// The files of a downwardAPI volume (pkg/volume/downwardapi): pod metadata as the kubelet formats it
// (fieldpath.FormatMap: sorted `key="value"` lines) and container resources divided by the divisor, rounded
// up (convertResourceCPUToString, convertResourceMemoryToString). Unset limits are the node's allocatable.
import { MiniKubeletError } from '../errors';
import type { DownwardAPIVolumeFile, Pod } from '../model/pod';
import { parseQuantity } from '../model/quantity';
import type { FileProjection } from './atomic-writer';

/** What the node offers, for limits a container does not set. */
export interface NodeAllocatable {
  cpuCores: number;
  memoryBytes: number;
}

/** FormatMap: one `key="value"` line per entry, keys sorted, no trailing newline. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(m?.[k] ?? '')}`)
    .join('\n');
}

/** A metadata field of the pod, as a downwardAPI file holds it. */
export function metadataField(pod: Pod, path: string): string {
  const m = pod.metadata;
  switch (path) {
    case 'metadata.name':
      return m.name;
    case 'metadata.namespace':
      return m.namespace;
    case 'metadata.uid':
      return m.uid;
    case 'metadata.labels':
      return formatMap(m.labels);
    case 'metadata.annotations':
      return formatMap(m.annotations);
  }
  const one = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (one) return (one[1] === 'labels' ? m.labels : m.annotations)?.[one[2] ?? ''] ?? '';
  return ''; // validation admits no other path
}

/** A container's resource, divided by the divisor and rounded up, as the kubelet writes it. */
export function resourceField(
  pod: Pod,
  ref: NonNullable<DownwardAPIVolumeFile['resourceFieldRef']>,
  node: NodeAllocatable,
): string {
  const all = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])];
  const c = all.find((x) => x.name === ref.containerName);
  if (!c) throw new MiniKubeletError('RuntimeError', `container ${ref.containerName ?? ''} not found`);
  const [kind, resource] = ref.resource.split('.') as ['limits' | 'requests', string];
  const cpu = resource === 'cpu';
  const limit = c.resources?.limits?.[resource];
  const request = c.resources?.requests?.[resource];
  const nodeValue = cpu ? node.cpuCores : node.memoryBytes;
  const raw = kind === 'limits' ? (limit ?? nodeValue) : (request ?? limit ?? 0);
  const value = parseQuantity(raw) ?? 0;
  const divisor = parseQuantity(ref.divisor ?? '1') || 1;
  // Whole milli-units for CPU and bytes for the rest, as the kubelet divides (MilliValue, Value).
  const scale = cpu ? 1000 : 1;
  return String(Math.ceil(Math.round(value * scale) / Math.round(divisor * scale)));
}

/** The downwardAPI files: path -> content and mode (`mode` of the item, else the volume's default). */
export function downwardApiFiles(
  pod: Pod,
  items: readonly DownwardAPIVolumeFile[],
  defaultMode: number,
  node: NodeAllocatable,
): Map<string, FileProjection> {
  const out = new Map<string, FileProjection>();
  for (const item of items) {
    const text = item.fieldRef
      ? metadataField(pod, item.fieldRef.fieldPath)
      : item.resourceFieldRef
        ? resourceField(pod, item.resourceFieldRef, node)
        : '';
    out.set(item.path, { data: Buffer.from(text), mode: item.mode ?? defaultMode });
  }
  return out;
}
