// The frame of the controllers that recompute all they keep from whole stores (the kubernetes Service, the
// Endpoints and their slices, ClusterRole aggregation, the scheduler's retries): one pass at start, then one
// pass per burst of store changes (every change made before the deferred pass runs is answered by that one
// pass), none after stop.
// A deferred pass that throws is logged and the next change runs the next one; the pass at start throws to
// the caller, so a controller that cannot begin stops the daemon's start.
import { errorMessage } from '../errors';
import type { Logger } from '../log';

/** Runs fn later: setImmediate (after the current turn's I/O callbacks) or queueMicrotask (before them). */
export type Defer = (fn: () => void) => void;

/** What a controller watches: an ObjectStore, or anything that tells of its changes the same way. */
export interface ChangeSource {
  onChange(listener: () => void): () => void;
}

export interface CoalescedControllerDeps {
  /** Every change of any of these asks for a pass. */
  sources: readonly ChangeSource[];
  /** Brings what the controller keeps in line with the sources. */
  pass: () => void;
  /** What the log says when a deferred pass throws. */
  failure: string;
  logger: Logger;
  /** When a requested pass runs; setImmediate when absent. */
  defer?: Defer;
}

export class CoalescedController {
  /** Set while started: the sources' unsubscribe functions. */
  private subscriptions: (() => void)[] | undefined;
  private passPending = false;

  constructor(private readonly deps: CoalescedControllerDeps) {}

  get started(): boolean {
    return this.subscriptions !== undefined;
  }

  /** Subscribes to the sources and runs the first pass now; a second start does nothing. */
  start(): void {
    if (this.subscriptions) return;
    this.subscriptions = this.deps.sources.map((s) => s.onChange(() => this.requestPass()));
    this.deps.pass();
  }

  /** Unsubscribes; a pass requested and not run yet does not run. */
  stop(): void {
    for (const unsubscribe of this.subscriptions ?? []) unsubscribe();
    this.subscriptions = undefined;
  }

  /** One deferred pass for however many requests come before it runs. */
  requestPass(): void {
    if (this.passPending || !this.subscriptions) return;
    this.passPending = true;
    (this.deps.defer ?? setImmediate)(() => {
      this.passPending = false;
      if (this.subscriptions) this.runPass();
    });
  }

  private runPass(): void {
    try {
      this.deps.pass();
    } catch (err) {
      this.deps.logger.error(this.deps.failure, { error: errorMessage(err) });
    }
  }
}
