// The scheduler's retries: pods left unbound (unschedulable at create) are tried again when what the
// filters read may have changed: the Node's labels, spec (cordon, taints) or allocatable, and the pods
// (one deleted or finished frees resources and host ports). Retries are coalesced into one pass in the
// order of upstream's queue: higher priority first, then the older pod, so they take freed room first.
import { CoalescedController, type ChangeSource } from '../controllers/coalesced-controller';
import { errorMessage } from '../errors';
import type { Logger } from '../log';
import type { Node } from '../model/node';
import type { Pod } from '../model/pod';
import type { ObjectStore } from '../store/object-store';
import { type PodScheduler, awaitsScheduling } from './pod-scheduler';
import { queueOrder } from './pod-priority';

export interface SchedulerControllerDeps {
  pods: ObjectStore<Pod>;
  nodes: ObjectStore<Node>;
  scheduler: Pick<PodScheduler, 'retry'>;
  logger: Logger;
}

/** What of the Node the filters read; a heartbeat (conditions, times) changes none of it. */
const nodeFingerprint = (n: Node): string =>
  JSON.stringify([n.metadata.labels ?? {}, n.spec, n.status.allocatable]);

/** The Nodes' changes that the filters can see: a heartbeat alone asks for no pass. */
function nodeChanges(nodes: ObjectStore<Node>): ChangeSource {
  return {
    onChange(listener) {
      const seen = new Map(nodes.list().map((n) => [n.metadata.name, nodeFingerprint(n)]));
      return nodes.onChange(({ type, object }) => {
        const print = nodeFingerprint(object);
        if (type !== 'DELETED' && seen.get(object.metadata.name) === print) return;
        seen.set(object.metadata.name, print);
        listener();
      });
    },
  };
}

export class SchedulerController {
  private readonly frame: CoalescedController;

  constructor(private readonly deps: SchedulerControllerDeps) {
    this.frame = new CoalescedController({
      // Any pod change may free room (a delete, a pod finishing) or be a new waiting pod; a pass over no
      // waiting pod costs one list.
      sources: [nodeChanges(deps.nodes), deps.pods],
      pass: () => this.pass(),
      failure: 'scheduling pass failed',
      logger: deps.logger,
      defer: queueMicrotask, // one pass after the current change (store listeners run inside writes)
    });
  }

  start(): void {
    this.frame.start();
  }

  stop(): void {
    this.frame.stop();
  }

  private pass(): void {
    const waiting = this.deps.pods.list().filter(awaitsScheduling).sort(queueOrder);
    for (const pod of waiting) {
      // The store may have moved on during this pass (a bind before this pod): read it again.
      const current = this.deps.pods.get(pod.metadata.namespace, pod.metadata.name);
      if (!current || current.metadata.uid !== pod.metadata.uid) continue;
      try {
        this.deps.scheduler.retry(current);
      } catch (err) {
        this.deps.logger.warn('scheduling a pod failed', {
          namespace: pod.metadata.namespace,
          pod: pod.metadata.name,
          error: errorMessage(err),
        });
      }
    }
  }
}
