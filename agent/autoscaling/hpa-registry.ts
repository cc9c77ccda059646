// The write paths of HorizontalPodAutoscalers: autoscaling/v2 (the stored version: decode, defaults,
// validation, the status subresource and the controller's status writes) and autoscaling/v1 over it
// (each body converted to v2 and each answer back to v1, agent/model/hpa-convert.ts).
import type { HorizontalPodAutoscaler } from '../model/hpa';
import { type HorizontalPodAutoscalerV1, fromV1, toV1 } from '../model/hpa-convert';
import { decodeHpa, decodeHpaUpdate } from '../model/hpa-decode';
import type { ObjectStore } from '../store/object-store';
import { checkPreconditions } from '../store/preconditions';
import type { DeleteOptions, Registry, UpdateOptions, WriteOptions } from '../store/registry';

type Hpa = HorizontalPodAutoscaler;

export class HpaRegistry implements Registry<Hpa> {
  constructor(private readonly store: ObjectStore<Hpa>) {}

  create(raw: unknown, namespace: string, opts: WriteOptions = {}): Hpa {
    return this.store.create(decodeHpa(raw, namespace), opts);
  }

  update(raw: unknown, namespace: string, name: string, opts: UpdateOptions = {}): Hpa {
    const old = this.store.mustGet(namespace, name);
    const next = decodeHpaUpdate(old, raw);
    const specChanged = JSON.stringify(next.spec) !== JSON.stringify(old.spec);
    return this.store.update(next, { specChanged, persist: true, ...opts });
  }

  /** The status subresource and the controller: only the status changes (kept in memory, as other kinds'). */
  updateStatus(namespace: string, name: string, status: Hpa['status'], opts: UpdateOptions = {}): Hpa {
    const old = this.store.mustGet(namespace, name);
    return this.store.update(
      { ...old, metadata: { ...old.metadata }, status },
      { specChanged: false, ...opts },
    );
  }

  delete(namespace: string, name: string, opts: DeleteOptions = {}): Hpa {
    const obj = this.store.mustGet(namespace, name);
    checkPreconditions(obj, opts);
    return opts.dryRun ? obj : this.store.remove(namespace, name);
  }
}

/** autoscaling/v1: the same objects, converted on the way in and out. */
export class HpaV1Registry implements Registry<HorizontalPodAutoscalerV1> {
  constructor(
    private readonly v2: HpaRegistry,
    private readonly store: ObjectStore<Hpa>,
  ) {}

  create(raw: unknown, namespace: string, opts: WriteOptions = {}): HorizontalPodAutoscalerV1 {
    return toV1(this.v2.create(fromV1(raw, namespace), namespace, opts));
  }

  update(raw: unknown, namespace: string, name: string, opts: UpdateOptions = {}): HorizontalPodAutoscalerV1 {
    const old = this.store.mustGet(namespace, name);
    return toV1(this.v2.update(fromV1(raw, namespace, old), namespace, name, opts));
  }

  delete(namespace: string, name: string, opts: DeleteOptions = {}): HorizontalPodAutoscalerV1 {
    return toV1(this.v2.delete(namespace, name, opts));
  }
}
