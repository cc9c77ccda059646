// What one executed step did, like the kubelet's per-step SyncResult. The executor returns them; the worker
// folds them into what it keeps about its pod.
import type { ActionType } from '../planner/actions';
import type { WaitingReason } from '../status/container-status';

export interface StepResult {
  action: ActionType;
  /** What the step acted on: a container, sandbox or volume name. */
  target: string;
  ok: boolean;
  error?: unknown;
  /** The error's text, when it failed. */
  message?: string;
  /** Starts and back-offs: why the container waits now, or 'none' once it started. */
  waiting?: WaitingReason | 'none';
  /** A round should run again no later than this (back-off expiry, error report). */
  retryAt?: number;
}

export interface RunResult {
  steps: StepResult[];
  /** The failed step that ended the run (later steps did not run). */
  failed?: StepResult;
}

/** What a worker keeps about its pod between rounds. */
export interface PodRuntimeState {
  /** Last start failure per container name (cleared on a successful start). */
  waiting: Map<string, WaitingReason>;
  /** Earliest time a round should run again (back-off expiry); undefined: only on events. */
  retryAt?: number;
}

/** Folds one run's results into the state: each container's waiting reason, and the earliest retry. */
export function foldResults(state: PodRuntimeState, results: readonly StepResult[]): void {
  for (const r of results) {
    if (r.waiting === 'none') state.waiting.delete(r.target);
    else if (r.waiting) state.waiting.set(r.target, r.waiting);
    if (r.retryAt !== undefined)
      state.retryAt = state.retryAt === undefined ? r.retryAt : Math.min(state.retryAt, r.retryAt);
  }
}
