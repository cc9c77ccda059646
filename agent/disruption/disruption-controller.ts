// The disruption controller: a budget is queued when it changes, when a pod of its namespace changes, and when a Deployment, ReplicaSet or StatefulSet of its namespace changes (their scale);
// each is planned (plan-disruption.ts, pure) and executed: its status written, its events recorded, and a
// look again when an entry of disruptedPods times out. A periodic resync is the backstop.
import type { Clock } from '../clock';
import { WorkQueue } from '../controllers/work-queue';
import { type EventRecorder, involvedObjectOf } from '../events/recorder';
import type { Logger } from '../log';
import { PDB_COMPONENT, type PodDisruptionBudget } from '../model/pdb';
import type { Pod } from '../model/pod';
import type { ObjectStore, StoredObject } from '../store/object-store';
import type { PdbRegistry } from './pdb-registry';
import { type ScaleOwner, planDisruption } from './plan-disruption';

/** upstream's controller resyncs every 30 s. */
export const DISRUPTION_RESYNC_MS = 30_000;

export interface DisruptionControllerDeps {
  pdbs: ObjectStore<PodDisruptionBudget>;
  registry: PdbRegistry;
  pods: ObjectStore<Pod>;
  /** Deployments, ReplicaSets and StatefulSets: the scale of a percentage's controllers. */
  owners: ObjectStore<StoredObject & ScaleOwner>[];
  events: EventRecorder;
  clock: Clock;
  logger: Logger;
  resyncMs?: number;
}

const keyOf = (o: StoredObject): string => `${o.metadata.namespace}/${o.metadata.name}`;

export class DisruptionController {
  readonly queue: WorkQueue;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly deps: DisruptionControllerDeps) {
    this.queue = new WorkQueue({
      clock: deps.clock,
      logger: deps.logger,
      resyncMs: deps.resyncMs ?? DISRUPTION_RESYNC_MS,
      keys: () => deps.pdbs.list().map(keyOf),
      reconcile: (key) => this.reconcile(key),
    });
  }

  start(): void {
    const { pdbs, pods, owners } = this.deps;
    const namespaceOf = (ns: string): void => {
      for (const b of pdbs.list(ns)) this.queue.add(keyOf(b));
    };
    this.unsubscribe.push(
      pdbs.onChange(({ type, object }) => {
        if (type !== 'DELETED') this.queue.add(keyOf(object));
      }),
      // every budget of the namespace: a pod whose labels changed may have left one's selector
      pods.onChange(({ object }) => namespaceOf(object.metadata.namespace)),
      ...owners.map((s) => s.onChange(({ object }) => namespaceOf(object.metadata.namespace))),
    );
    this.queue.start();
  }

  stop(): void {
    for (const fn of this.unsubscribe.splice(0)) fn();
    this.queue.stop();
  }

  private reconcile(key: string): number | undefined {
    const [namespace = '', name = ''] = key.split('/');
    const pdb = this.deps.pdbs.get(namespace, name);
    if (!pdb) return undefined;
    const plan = planDisruption(pdb, {
      pods: this.deps.pods.list(namespace),
      owners: this.deps.owners.flatMap((s) => s.list(namespace)),
      now: this.deps.clock.now(),
    });
    for (const e of plan.events) {
      const involved = e.on === 'pdb' ? pdb : this.deps.pods.get(namespace, e.on.pod);
      if (involved)
        this.deps.events.record(involvedObjectOf(involved), e.type, e.reason, e.message, PDB_COMPONENT);
    }
    if (plan.status) this.deps.registry.updateStatus(namespace, name, plan.status);
    return plan.recheckMs;
  }
}
