// Keeps claims bound and protected (plan-claim.ts): reconciles a claim when it changes and when a pod naming
// it changes (its last user gone lets a deleted claim go); the resync is the backstop. The executor half:
// the directory made before the claim is marked Bound. However a claim goes (its finalizer dropped, its
// namespace deleted), the directory of its volume goes with it (reclaim policy Delete); at start, so do
// directories whose claim went while the agent was down.
import type { Clock } from '../clock';
import { errorMessage } from '../errors';
import { type EventRecorder, involvedObjectOf } from '../events/recorder';
import type { Logger } from '../log';
import {
  PVC_PROTECTION_FINALIZER,
  type PersistentVolumeClaim,
  claimsOf,
  volumeNameOf,
} from '../model/persistent-volume-claim';
import type { Pod } from '../model/pod';
import type { ObjectStore } from '../store/object-store';
import { WorkQueue } from '../controllers/work-queue';
import type { ClaimRegistry } from './claim-registry';
import type { LocalVolumes } from './local-volumes';
import { type ClaimAction, planClaim } from './plan-claim';

export interface ClaimControllerDeps {
  claims: ObjectStore<PersistentVolumeClaim>;
  registry: ClaimRegistry;
  pods: ObjectStore<Pod>;
  volumes: LocalVolumes;
  events: EventRecorder;
  clock: Clock;
  logger: Logger;
  resyncMs: number;
}

const keyOf = (namespace: string, name: string): string => `${namespace}/${name}`;

export class ClaimController {
  readonly queue: WorkQueue;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly deps: ClaimControllerDeps) {
    this.queue = new WorkQueue({
      clock: deps.clock,
      logger: deps.logger,
      resyncMs: deps.resyncMs,
      keys: () => deps.claims.list().map((c) => keyOf(c.metadata.namespace, c.metadata.name)),
      reconcile: (key) => this.reconcile(key),
    });
  }

  start(): void {
    const { claims, pods } = this.deps;
    this.unsubscribe.push(
      claims.onChange(({ type, object: c }) => {
        if (type === 'DELETED') this.reclaim(c);
        else this.queue.add(keyOf(c.metadata.namespace, c.metadata.name));
      }),
      pods.onChange(({ object: p }) => {
        for (const name of claimsOf(p)) this.queue.add(keyOf(p.metadata.namespace, name));
      }),
    );
    const kept = new Set(claims.list().map((c) => c.spec.volumeName));
    for (const name of this.deps.volumes.list()) if (!kept.has(name)) this.deps.volumes.remove(name);
    this.queue.start();
  }

  /** Deletes the directory of a claim's volume, when the agent provisioned it. */
  private reclaim(claim: PersistentVolumeClaim): void {
    const volume = claim.spec.volumeName;
    if (volume === undefined || volume !== volumeNameOf(claim)) return;
    this.deps.volumes.remove(volume);
    this.deps.logger.info('volume deleted', {
      volume,
      claim: keyOf(claim.metadata.namespace, claim.metadata.name),
    });
  }

  stop(): void {
    for (const fn of this.unsubscribe.splice(0)) fn();
    this.queue.stop();
  }

  private reconcile(key: string): undefined {
    const [namespace = '', name = ''] = key.split('/');
    const claim = this.deps.claims.get(namespace, name);
    if (!claim) return undefined;
    for (const a of planClaim(claim, this.deps.pods.list(namespace))) this.run(claim, a);
    return undefined;
  }

  private run(claim: PersistentVolumeClaim, a: ClaimAction): void {
    const { registry, volumes } = this.deps;
    switch (a.type) {
      case 'bind':
        try {
          volumes.provision(a.volumeName);
        } catch (err) {
          this.event(
            claim,
            'Warning',
            'ProvisioningFailed',
            `failed to provision volume: ${errorMessage(err)}`,
          );
          throw err;
        }
        registry.updateStatus(claim, a);
        this.event(
          claim,
          'Normal',
          'ProvisioningSucceeded',
          `Successfully provisioned volume ${a.volumeName}`,
        );
        return;
      case 'status':
        registry.updateStatus(claim, a);
        return;
      case 'release':
        registry.finalize(claim, PVC_PROTECTION_FINALIZER);
    }
  }

  private event(
    claim: PersistentVolumeClaim,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): void {
    this.deps.events.record(involvedObjectOf(claim), type, reason, message, 'persistentvolume-controller');
  }
}
