// Deleting a namespace deletes what is in it: the namespace turns Terminating (no new objects), its
// Services go at once, its pods are deleted gracefully, and the namespace itself goes with its last pod,
// and its events with it.
import type { Clock } from '../clock';
import { forbidden } from '../errors';
import type { Logger } from '../log';
import { markDeleting } from '../model/deletion';
import { type Namespace, UNDELETABLE_NAMESPACES, isTerminating } from '../model/namespace';
import type { Pod } from '../model/pod';
import type { Service } from '../model/service';
import type { ObjectStore, StoredObject } from '../store/object-store';
import { type Preconditions, checkPreconditions } from '../store/preconditions';

export interface NamespaceControllerDeps {
  namespaces: ObjectStore<Namespace>;
  pods: ObjectStore<Pod>;
  services: ObjectStore<Service>;
  /** Removes a Service and releases its ClusterIP. */
  deleteService: (namespace: string, name: string) => void;
  /** Stores whose objects simply go with their namespace (ConfigMaps, Secrets, Deployments, ReplicaSets). */
  contents?: ObjectStore<StoredObject>[];
  /** Deletes the namespace's objects of other kinds (Jobs, CronJobs), first: no controller makes pods then. */
  deleteContents?: (namespace: string) => void;
  /** Drops the namespace's events once its last pod is gone (their Killing events included). */
  forgetEvents?: (namespace: string) => void;
  clock: Clock;
  logger: Logger;
}

export class NamespaceController {
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly deps: NamespaceControllerDeps) {}

  /** Finishes deletions a restart interrupted, then removes namespaces as their last pod goes. */
  start(): void {
    this.unsubscribe = this.deps.pods.onChange(({ type, object }) => {
      if (type === 'DELETED') this.finish(object.metadata.namespace);
    });
    for (const ns of this.deps.namespaces.list()) if (isTerminating(ns)) this.sweep(ns.metadata.name);
  }

  stop(): void {
    this.unsubscribe?.();
  }

  delete(name: string, opts: { dryRun?: boolean } & Preconditions = {}): Namespace {
    const { namespaces } = this.deps;
    const ns = namespaces.mustGet('', name);
    if (UNDELETABLE_NAMESPACES.has(name))
      throw forbidden('Namespace', name, 'this namespace may not be deleted');
    checkPreconditions(ns, opts); // after admission's Forbidden, as upstream
    if (isTerminating(ns) || opts.dryRun) return ns;
    const terminating = markDeleting(ns, this.deps.clock.now(), 0);
    terminating.status = { phase: 'Terminating' };
    const stored = namespaces.update(terminating, { specChanged: true });
    this.deps.logger.info('namespace terminating', { namespace: name });
    this.sweep(name);
    return stored;
  }

  private sweep(name: string): void {
    const { pods, services, clock } = this.deps;
    this.deps.deleteContents?.(name);
    for (const svc of services.list(name)) this.deps.deleteService(name, svc.metadata.name);
    for (const store of this.deps.contents ?? [])
      for (const o of store.list(name)) store.remove(name, o.metadata.name);
    for (const pod of pods.list(name)) {
      if (pod.metadata.deletionTimestamp !== undefined) continue;
      pods.update(markDeleting(pod, clock.now(), pod.spec.terminationGracePeriodSeconds), {
        specChanged: false,
        persist: true,
      });
    }
    this.finish(name);
  }

  private finish(name: string): void {
    const ns = this.deps.namespaces.get('', name);
    if (!ns || !isTerminating(ns) || this.deps.pods.list(name).length > 0) return;
    this.deps.forgetEvents?.(name);
    this.deps.namespaces.remove('', name);
    this.deps.logger.info('namespace deleted', { namespace: name });
  }
}
