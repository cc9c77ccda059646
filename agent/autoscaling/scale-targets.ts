// What the HPA controller scales: the scale subresource of Deployments, ReplicaSets and StatefulSets (the
// kinds with replicas served here), read and written as `kubectl scale` does: spec.replicas through the
// workload's registry. A kind or group not served is upstream's RESTMapper error.
import { errorMessage } from '../errors';
import type { LabelSelector } from '../model/workload';
import type { ObjectStore, StoredObject } from '../store/object-store';
import type { UpdateOptions } from '../store/registry';

export interface ScaleView {
  specReplicas: number;
  statusReplicas: number;
  selector: LabelSelector;
}

export interface ScaleTargets {
  /** The target's scale, or the error upstream's controller would meet (worded as the API's). */
  get(
    namespace: string,
    ref: { kind: string; name: string; apiVersion?: string },
  ): ScaleView | { error: string };
  setReplicas(
    namespace: string,
    ref: { kind: string; name: string; apiVersion?: string },
    replicas: number,
  ): void;
}

type Scalable = StoredObject & {
  spec: { replicas: number; selector: LabelSelector };
  status: { replicas?: number };
};

export interface ScalableKind {
  kind: string;
  group: string;
  store: ObjectStore<Scalable>;
  registry: { update(raw: unknown, namespace: string, name: string, opts?: UpdateOptions): unknown };
}

const groupOfRef = (apiVersion: string | undefined): string =>
  apiVersion?.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';

export function scaleTargets(kinds: ScalableKind[]): ScaleTargets {
  const find = (ref: { kind: string; apiVersion?: string }): ScalableKind | string => {
    const group = groupOfRef(ref.apiVersion);
    return (
      kinds.find((k) => k.kind === ref.kind && k.group === group) ??
      `no matches for kind "${ref.kind}" in group "${group}"`
    );
  };
  return {
    get(namespace, ref) {
      const k = find(ref);
      if (typeof k === 'string') return { error: k };
      try {
        const obj = k.store.mustGet(namespace, ref.name);
        return {
          specReplicas: obj.spec.replicas,
          statusReplicas: obj.status.replicas ?? 0,
          selector: obj.spec.selector,
        };
      } catch (err) {
        return { error: errorMessage(err) };
      }
    },
    setReplicas(namespace, ref, replicas) {
      const k = find(ref);
      if (typeof k === 'string') throw new Error(k);
      const obj = k.store.mustGet(namespace, ref.name);
      k.registry.update({ ...obj, spec: { ...obj.spec, replicas } }, namespace, ref.name, {
        expectedVersion: obj.metadata.resourceVersion,
      });
    },
  };
}
