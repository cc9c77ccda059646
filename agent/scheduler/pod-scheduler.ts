// Carries out the scheduler's decisions (plan-schedule.ts) for the one node: a pod that fits is bound
// (spec.nodeName); one that does not stays unbound, Pending with PodScheduled False/Unschedulable and the
// message, and a FailedScheduling Warning from default-scheduler. The Scheduled event is the pod worker's,
// at the bound pod's first round (agent/sync/pod-worker.ts). Used by the pod registry at create (a pod that
// fits starts at once) and by the scheduler controller's retries.
import { type Clock, isoTime } from '../clock';
import { type EventRecorder, SCHEDULER, involvedObjectOf } from '../events/recorder';
import type { Logger } from '../log';
import type { Node } from '../model/node';
import type { Pod, PodCondition } from '../model/pod';
import type { ObjectStore } from '../store/object-store';
import { type ScheduleDecision, schedulePod } from './plan-schedule';

export interface PodSchedulerDeps {
  pods: ObjectStore<Pod>;
  nodes: Pick<ObjectStore<Node>, 'get'>;
  nodeName: string;
  events: Pick<EventRecorder, 'record'>;
  clock: Clock;
  logger: Logger;
}

const UNSCHEDULABLE = 'Unschedulable';

/** The pod's PodScheduled condition, if any. */
export const scheduledCondition = (pod: Pod): PodCondition | undefined =>
  pod.status.conditions?.find((c) => c.type === 'PodScheduled');

/** Waits for the scheduler: no node yet and not on its way out. */
export const awaitsScheduling = (pod: Pod): boolean =>
  !pod.spec.nodeName && pod.metadata.deletionTimestamp === undefined;

export class PodScheduler {
  constructor(private readonly deps: PodSchedulerDeps) {}

  /**
   * The decision for a pod (new or waiting). No Node registered yet: bound as before the scheduler (the
   * reporter registers it at start, before the API serves).
   */
  decide(pod: Pod): ScheduleDecision {
    const { nodes, nodeName, pods } = this.deps;
    const node = nodes.get('', nodeName);
    if (!node) return { type: 'bind', nodeName };
    return schedulePod(pod, node, pods.list());
  }

  /** A new pod, before it is stored: bound, or marked unschedulable (its event comes with `created`). */
  admit(pod: Pod): ScheduleDecision {
    const decision = this.decide(pod);
    if (decision.type === 'bind') pod.spec.nodeName = decision.nodeName;
    else pod.status = { ...pod.status, phase: 'Pending', conditions: [this.condition(decision.message)] };
    return decision;
  }

  /** After a new pod was stored: the FailedScheduling event of an unschedulable one (it needs the uid). */
  created(pod: Pod, decision: ScheduleDecision): void {
    if (decision.type === 'unschedulable') this.failed(pod, decision.message);
  }

  /** Another attempt for a waiting pod: bound now, or its condition and event brought up to date. */
  retry(pod: Pod): void {
    if (!awaitsScheduling(pod)) return;
    const decision = this.decide(pod);
    const { pods, logger } = this.deps;
    const m = pod.metadata;
    if (decision.type === 'bind') {
      // The worker writes PodScheduled True with the rest of the status at its first round.
      const conditions = (pod.status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
      pods.update(
        { ...pod, spec: { ...pod.spec, nodeName: decision.nodeName }, status: { ...pod.status, conditions } },
        { specChanged: false, persist: true },
      );
      logger.info('pod scheduled', { namespace: m.namespace, pod: m.name, node: decision.nodeName });
      return;
    }
    if (scheduledCondition(pod)?.message === decision.message) return;
    const others = (pod.status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    const status = { ...pod.status, conditions: [this.condition(decision.message), ...others] };
    pods.update({ ...pod, status }, { specChanged: false });
    this.failed(pod, decision.message);
  }

  private condition(message: string): PodCondition {
    return {
      type: 'PodScheduled',
      status: 'False',
      lastProbeTime: null,
      lastTransitionTime: isoTime(this.deps.clock.now()),
      reason: UNSCHEDULABLE,
      message,
    };
  }

  private failed(pod: Pod, message: string): void {
    const m = pod.metadata;
    this.deps.events.record(involvedObjectOf(pod), 'Warning', 'FailedScheduling', message, SCHEDULER);
    this.deps.logger.debug('pod unschedulable', { namespace: m.namespace, pod: m.name, message });
  }
}
