// What one sync round (or a deletion) does for one pod. The planner decides every action and every value in
// it; the executor only carries them out. Every action carries a reason, so a plan can be logged and tested.
import type { ContainerKind } from '../runtime/runtime';

type Kind = Exclude<ContainerKind, 'sandbox'>;

/** One container to kill, as the planner decided it. */
export interface KillTarget {
  id: string;
  name: string;
  kind: Kind;
  /** The Killing event's message. */
  message: string;
  /** Run its preStop hook first: it is running, has one, and the grace period is not 0. */
  preStop: boolean;
}

export interface ActionArgs {
  /**
   * The kubelet's killContainer: Killing event, preStop hook, SIGTERM, and SIGKILL when what is left of
   * the grace period (counted from this action's start, at least MIN_GRACE_SECONDS unless 0) runs out.
   */
  killContainer: KillTarget & { gracePeriodSeconds: number; reason: string };
  /** Deletion, first step: the Killing event of one container (every one is announced before any hook). */
  recordKilling: Omit<KillTarget, 'preStop'> & { reason: string };
  /** Runs a container's preStop hook, within the grace period. */
  preStop: { id: string; name: string; kind: Kind; gracePeriodSeconds: number; reason: string };
  /** SIGTERM; SIGKILL at killAt (ms, but not sooner than MIN_GRACE_SECONDS), or at once without killAt. */
  stopContainer: { id: string; name: string; killAt?: number; reason: string };
  createSandbox: { attempt: number; reason: string };
  /** Delete an instance that must go: one created but never started, or one of a deleted pod. */
  removeContainer: { id: string; name: string; reason: string };
  /** Delete an old instance. Housekeeping: a failure is logged and never holds the pod back. */
  pruneContainer: { id: string; name: string; reason: string };
  removeVolume: { name: string; reason: string };
  startContainer: {
    kind: Kind;
    name: string;
    restartCount: number;
    reason: string;
  };
  /** Not yet: the container is in crash-loop back-off until retryAt. */
  backOff: {
    kind: Kind;
    name: string;
    delayMs: number;
    retryAt: number;
    reason: string;
  };
  /** Not yet: pulling the container's image failed and is in back-off until retryAt (ImagePullBackOff). */
  pullBackOff: { kind: Kind; name: string; image: string; retryAt: number; reason: string };
  /** Nothing to do for this container now; come back at `at` (the failed pull's ErrImagePull stays shown). */
  requeue: { name: string; at: number; reason: string };
  /** Actions that run at once; the next step starts when all of them are done. */
  parallel: { actions: PodAction[] };
}

export type ActionType = keyof ActionArgs;
export type PodAction = { [K in ActionType]: { type: K } & ActionArgs[K] }[ActionType];

/** Nothing, the one action, or the actions run at once. */
export function together(actions: PodAction[]): PodAction[] {
  if (actions.length < 2) return actions;
  return [{ type: 'parallel', actions }];
}

/**
 * True when the action's outcome arrives as a runtime event (a start, a creation, a wait): the worker does
 * not need to observe and plan again in the same round. Kills and stops need a fresh look.
 */
export const SETTLES_ROUND: Record<ActionType, boolean> = {
  killContainer: false,
  recordKilling: false,
  preStop: false,
  stopContainer: false,
  createSandbox: true,
  removeContainer: true,
  pruneContainer: true,
  removeVolume: true,
  startContainer: true,
  backOff: true,
  pullBackOff: true,
  requeue: true,
  parallel: false,
};

export function describeAction(a: PodAction): string {
  switch (a.type) {
    case 'killContainer':
      return `kill ${a.name}(${a.reason})`;
    case 'recordKilling':
      return `announce kill ${a.name}(${a.reason})`;
    case 'preStop':
      return `preStop ${a.name}(${a.reason})`;
    case 'stopContainer':
      return `stop ${a.name}(${a.reason})`;
    case 'createSandbox':
      return `createSandbox#${a.attempt}(${a.reason})`;
    case 'removeContainer':
      return `remove ${a.name}(${a.reason})`;
    case 'pruneContainer':
      return `prune ${a.name}(${a.reason})`;
    case 'removeVolume':
      return `remove volume ${a.name}(${a.reason})`;
    case 'startContainer':
      return `start ${a.kind} ${a.name}#${a.restartCount}(${a.reason})`;
    case 'backOff':
      return `backOff ${a.name} ${a.delayMs / 1000}s`;
    case 'pullBackOff':
      return `pullBackOff ${a.name} ${a.image}`;
    case 'requeue':
      return `requeue ${a.name}(${a.reason})`;
    case 'parallel':
      return `together[${a.actions.map(describeAction).join(', ')}]`;
  }
}
