// Carries out the taint manager's plan (plan-taint-eviction.ts) on the one node: a pod to evict is marked
// (DisruptionTarget, reason DeletionByTaintManager) and deleted gracefully through the pod registry, with
// upstream's TaintManagerEviction events; a timed eviction wakes a pass when it is due. Passes follow the
// Node's taints and the pods (one bound, deleted, or with new tolerations).
import type { Clock } from '../clock';
import { CoalescedController } from '../controllers/coalesced-controller';
import { DELETION_BY_TAINT_MANAGER, markDisruptionTarget } from '../disruption/disruption-target';
import { errorMessage, isNotFound } from '../errors';
import type { EventRecorder } from '../events/recorder';
import type { Logger } from '../log';
import type { Node } from '../model/node';
import type { Pod } from '../model/pod';
import type { ObjectStore } from '../store/object-store';
import type { Registry } from '../store/registry';
import { type PendingEviction, planTaintEviction } from './plan-taint-eviction';

export interface TaintEvictionDeps {
  pods: ObjectStore<Pod>;
  nodes: Pick<ObjectStore<Node>, 'get' | 'onChange'>;
  podRegistry: Pick<Registry<Pod>, 'delete'>;
  nodeName: string;
  events: Pick<EventRecorder, 'record'>;
  clock: Clock;
  logger: Logger;
}

/** upstream's controller name, the events' source. */
export const TAINT_EVICTION_CONTROLLER = 'taint-eviction-controller';

export class TaintEvictionController {
  private readonly frame: CoalescedController;
  private pending = new Map<string, PendingEviction>();
  private cancelTimer: (() => void) | undefined;

  constructor(private readonly deps: TaintEvictionDeps) {
    this.frame = new CoalescedController({
      sources: [deps.nodes, deps.pods],
      pass: () => this.pass(),
      failure: 'taint eviction pass failed',
      logger: deps.logger,
    });
  }

  start(): void {
    this.frame.start();
  }

  stop(): void {
    this.frame.stop();
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  private pass(): void {
    const { nodes, pods, nodeName, clock } = this.deps;
    const taints = nodes.get('', nodeName)?.spec.taints ?? [];
    // the common case: nothing tainted NoExecute and nothing waiting
    if (this.pending.size === 0 && !taints.some((t) => t.effect === 'NoExecute')) return;
    const now = clock.now();
    const plan = planTaintEviction(nodeName, taints, pods.list(), this.pending, now);
    this.pending = plan.pending;
    for (const p of plan.cancelled) this.event(p, 'Cancelling deletion of Pod');
    for (const pod of plan.evict) this.evict(pod, now);
    this.cancelTimer?.();
    this.cancelTimer =
      plan.wakeAt === undefined
        ? undefined
        : clock.setTimer(() => this.frame.requestPass(), Math.max(0, plan.wakeAt - now));
  }

  private evict(pod: Pod, now: number): void {
    const m = pod.metadata;
    this.deps.logger.info('deleting pod for a NoExecute taint', { namespace: m.namespace, pod: m.name });
    this.event({ namespace: m.namespace, name: m.name, uid: m.uid }, 'Marking for deletion Pod');
    try {
      markDisruptionTarget(this.deps.pods, pod, DELETION_BY_TAINT_MANAGER, now);
      this.deps.podRegistry.delete(m.namespace, m.name, { uid: m.uid });
    } catch (err) {
      if (isNotFound(err)) return; // gone already
      this.deps.logger.warn('taint eviction failed', {
        namespace: m.namespace,
        pod: m.name,
        error: errorMessage(err),
      });
    }
  }

  private event(p: { namespace: string; name: string; uid: string }, what: string): void {
    this.deps.events.record(
      { kind: 'Pod', namespace: p.namespace, name: p.name, uid: p.uid },
      'Normal',
      'TaintManagerEviction',
      `${what} ${p.namespace}/${p.name}`,
      TAINT_EVICTION_CONTROLLER,
    );
  }
}
