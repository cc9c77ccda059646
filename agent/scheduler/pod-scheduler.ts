// Carries out the scheduler's decisions (plan-schedule.ts) for the one node: a pod that fits is bound
// (spec.nodeName); one that does not stays unbound, Pending with PodScheduled False/Unschedulable and the
// message, and a FailedScheduling Warning from default-scheduler. A preempting pod is nominated to the node
// (status.nominatedNodeName) and its victims are deleted gracefully, each with the DisruptionTarget
// condition and a Preempted event; it binds once they are gone. The Scheduled event is the pod worker's,
// at the bound pod's first round (agent/sync/pod-worker.ts). Used by the pod registry at create (a pod that
// fits starts at once) and by the scheduler controller's retries. Pods for another scheduler are left
// alone: no condition, no event, as on a cluster where that scheduler does not run.
import { type Clock, isoTime } from '../clock';
import { preemptionByScheduler, markDisruptionTarget } from '../disruption/disruption-target';
import { type EventRecorder, SCHEDULER, involvedObjectOf } from '../events/recorder';
import type { Logger } from '../log';
import type { Node } from '../model/node';
import type { PodDisruptionBudget } from '../model/pdb';
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
  /** The budgets preemption tries to respect. */
  pdbs?: Pick<ObjectStore<PodDisruptionBudget>, 'list'>;
  /** A graceful delete through the pod registry (a victim of preemption). */
  deletePod?: (namespace: string, name: string) => void;
}

const UNSCHEDULABLE = 'Unschedulable';

/** The pod's PodScheduled condition, if any. */
export const scheduledCondition = (pod: Pod): PodCondition | undefined =>
  pod.status.conditions?.find((c) => c.type === 'PodScheduled');

/** Ours to schedule: no schedulerName (defaulted) or `default-scheduler`. */
export const scheduledByUs = (pod: Pod): boolean =>
  !pod.spec.schedulerName || pod.spec.schedulerName === SCHEDULER;

/** Waits for this scheduler: no node yet, not on its way out, and ours. */
export const awaitsScheduling = (pod: Pod): boolean =>
  !pod.spec.nodeName && pod.metadata.deletionTimestamp === undefined && scheduledByUs(pod);

export class PodScheduler {
  constructor(private readonly deps: PodSchedulerDeps) {}

  /**
   * The decision for a pod (new or waiting). No Node registered yet: bound as before the scheduler (the
   * reporter registers it at start, before the API serves).
   */
  decide(pod: Pod): ScheduleDecision {
    const { nodes, nodeName, pods, pdbs } = this.deps;
    const node = nodes.get('', nodeName);
    if (!node) return { type: 'bind', nodeName };
    return schedulePod(pod, node, pods.list(), pdbs?.list() ?? []);
  }

  /** A new pod, before it is stored: bound, or marked unschedulable (its event comes with `created`). */
  admit(pod: Pod): ScheduleDecision {
    const decision = this.decide(pod);
    if (decision.type === 'bind') pod.spec.nodeName = decision.nodeName;
    else
      pod.status = {
        ...pod.status,
        phase: 'Pending',
        conditions: [this.condition(decision.message)],
        ...(decision.type === 'preempt' ? { nominatedNodeName: decision.nodeName } : {}),
      };
    return decision;
  }

  /** After a new pod was stored: the FailedScheduling event (it needs the uid), and its victims preempted. */
  created(pod: Pod, decision: ScheduleDecision): void {
    if (decision.type === 'bind') return;
    if (decision.type === 'preempt') this.preempt(pod, decision);
    this.failed(pod, decision.message);
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
    if (decision.type === 'preempt') {
      this.preempt(pod, decision);
      const status = {
        ...pod.status,
        conditions: this.conditions(pod, decision.message),
        nominatedNodeName: decision.nodeName,
      };
      pods.update({ ...pod, status }, { specChanged: false });
      this.failed(pod, decision.message);
      return;
    }
    if (scheduledCondition(pod)?.message === decision.message) return;
    pods.update(
      { ...pod, status: { ...pod.status, conditions: this.conditions(pod, decision.message) } },
      { specChanged: false },
    );
    this.failed(pod, decision.message);
  }

  /** prepareCandidate: each victim marked DisruptionTarget, deleted gracefully, and told by whom. */
  private preempt(pod: Pod, decision: Extract<ScheduleDecision, { type: 'preempt' }>): void {
    const { pods, events, clock, logger, deletePod } = this.deps;
    const by = pod.spec.schedulerName || SCHEDULER;
    for (const victim of decision.victims) {
      const vm = victim.metadata;
      const current = pods.get(vm.namespace, vm.name);
      if (!current || current.metadata.uid !== vm.uid) continue;
      if (current.metadata.deletionTimestamp === undefined) {
        markDisruptionTarget(pods, current, preemptionByScheduler(by), clock.now());
        deletePod?.(vm.namespace, vm.name);
      }
      events.record(
        involvedObjectOf(current),
        'Normal',
        'Preempted',
        `Preempted by pod ${pod.metadata.uid} on node ${decision.nodeName}`,
        SCHEDULER,
      );
      logger.info('pod preempted', {
        namespace: vm.namespace,
        pod: vm.name,
        preemptor: `${pod.metadata.namespace}/${pod.metadata.name}`,
      });
    }
  }

  private conditions(pod: Pod, message: string): PodCondition[] {
    const others = (pod.status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    return [this.condition(message), ...others];
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
