// What one sync round does for one pod. Every action carries a reason, so a plan can be logged and tested.
import type { ContainerKind } from '../runtime/runtime';

export interface ActionArgs {
  /** Stop every container and sandbox of the pod. */
  killPod: { reason: string };
  createSandbox: { attempt: number; reason: string };
  /** Stop one container (it stays, for status and logs). */
  killContainer: { id: string; name: string; reason: string };
  /** Delete an instance: pruning old ones, or clearing one that was created but never started. */
  removeContainer: { id: string; name: string; reason: string };
  startContainer: {
    kind: Exclude<ContainerKind, 'sandbox'>;
    name: string;
    restartCount: number;
    reason: string;
  };
  /** Not yet: the container is in crash-loop back-off until retryAt. */
  backOff: {
    kind: Exclude<ContainerKind, 'sandbox'>;
    name: string;
    delayMs: number;
    retryAt: number;
    reason: string;
  };
}

export type ActionType = keyof ActionArgs;
export type PodAction = { [K in ActionType]: { type: K } & ActionArgs[K] }[ActionType];

export function describeAction(a: PodAction): string {
  switch (a.type) {
    case 'killPod':
      return `killPod(${a.reason})`;
    case 'createSandbox':
      return `createSandbox#${a.attempt}(${a.reason})`;
    case 'killContainer':
      return `kill ${a.name}(${a.reason})`;
    case 'removeContainer':
      return `remove ${a.name}(${a.reason})`;
    case 'startContainer':
      return `start ${a.kind} ${a.name}#${a.restartCount}(${a.reason})`;
    case 'backOff':
      return `backOff ${a.name} ${a.delayMs / 1000}s`;
  }
}
