// Crash-loop back-off as the kubelet keeps it (client-go flowcontrol.Backoff): 10 s doubling to 300 s; an
// entry not touched for 600 s starts over. The table is state; `isInBackOff` and `next` are its only rules.

export const INITIAL_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 300_000;
export const RESET_AFTER_MS = 2 * MAX_BACKOFF_MS;

export interface BackoffEntry {
  delayMs: number;
  lastUpdate: number;
}

export type BackoffView = (key: string) => BackoffEntry | undefined;

/** How long ErrImagePull stays shown before ImagePullBackOff: until the kubelet's next sync would come. */
export const PULL_ERROR_REPORT_MS = 1_000;

/** Image pulls back off per pod and image. */
export function pullBackoffKey(podUid: string, image: string): string {
  return `pull_${podUid}_${image}`;
}

export function backoffKey(
  podName: string,
  namespace: string,
  uid: string,
  container: string,
  hash: string,
): string {
  return `${podName}_${namespace}_${uid}_${container}_${hash}`;
}

/** Still waiting: the entry is live for this exit, and its delay since the exit has not passed. */
export function backOffUntil(
  entry: BackoffEntry | undefined,
  finishedAt: number,
  now: number,
): number | undefined {
  if (!entry) return undefined;
  if (finishedAt - entry.lastUpdate > RESET_AFTER_MS) return undefined;
  const until = finishedAt + entry.delayMs;
  return now < until ? until : undefined;
}

/** A failed pull is retried once its delay since the failure has passed. */
export function pullBackOffUntil(entry: BackoffEntry | undefined, now: number): number | undefined {
  if (!entry) return undefined;
  const until = entry.lastUpdate + entry.delayMs;
  return now < until ? until : undefined;
}

export class BackoffTable {
  private readonly entries = new Map<string, BackoffEntry>();
  constructor(
    private readonly initialMs = INITIAL_BACKOFF_MS,
    private readonly maxMs = MAX_BACKOFF_MS,
  ) {}

  readonly view: BackoffView = (key) => this.entries.get(key);

  /**
   * Called when a container that exited before is started again. `eventTime` is that exit's finishedAt
   * (client-go `Next(key, eventTime)`): a run that lasted more than 600 s since the last restart starts over
   * at 10 s, however long the restart then waited.
   */
  next(key: string, now: number, eventTime = now): BackoffEntry {
    const e = this.entries.get(key);
    const fresh = !e || eventTime - e.lastUpdate > 2 * this.maxMs;
    const entry = { delayMs: fresh ? this.initialMs : Math.min(e.delayMs * 2, this.maxMs), lastUpdate: now };
    this.entries.set(key, entry);
    return entry;
  }

  /** Drops every entry of a pod (on delete), and stale ones. */
  forget(prefixOrStale: { podUid?: string; now?: number }): void {
    for (const [k, e] of this.entries) {
      const ofPod = prefixOrStale.podUid !== undefined && k.includes(`_${prefixOrStale.podUid}_`);
      const stale = prefixOrStale.now !== undefined && prefixOrStale.now - e.lastUpdate > 2 * this.maxMs;
      if (ofPod || stale) this.entries.delete(k);
    }
  }
}
