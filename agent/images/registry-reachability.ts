// Whether an image's registry answers, remembered per registry host for a short time: with the registry
// down, a burst of pod starts costs one probe (bounded by the probe's timeout), not one per container.
import type { Clock } from '../clock';
import { isUnreachable } from './image-pull-default';

/** Tries the registry's address (host:port); resolves with why it is unreachable, or undefined if it answered. */
export type RegistryProbe = (registry: string) => Promise<string | undefined>;

export interface Reachability {
  reachable: boolean;
  /** Why not, when not (the probe's or the engine's words). */
  why?: string;
}

/** How long an answer is kept (the kubelet has no such cache: it always pulls). */
export const REACHABILITY_TTL_MS = 30_000;

export class RegistryReachability {
  private readonly known = new Map<string, Reachability & { at: number }>();

  constructor(private readonly deps: { probe: RegistryProbe; clock: Clock; ttlMs?: number }) {}

  async check(registry: string): Promise<Reachability> {
    const now = this.deps.clock.now();
    const cached = this.known.get(registry);
    if (cached && now - cached.at < (this.deps.ttlMs ?? REACHABILITY_TTL_MS)) {
      return cached.why === undefined
        ? { reachable: cached.reachable }
        : { reachable: false, why: cached.why };
    }
    let why: string | undefined;
    try {
      why = await this.deps.probe(registry);
    } catch (err) {
      why = err instanceof Error ? err.message : String(err);
    }
    return this.remember(registry, why);
  }

  /** A pull failed: if its error says the registry never answered, remember that (and say so). */
  failed(registry: string, message: string): boolean {
    if (!isUnreachable(message)) return false;
    this.remember(registry, message);
    return true;
  }

  private remember(registry: string, why: string | undefined): Reachability {
    if (this.known.size > 1000) this.known.clear(); // one entry per registry host: bounded anyway
    const r: Reachability = why === undefined ? { reachable: true } : { reachable: false, why };
    this.known.set(registry, { ...r, at: this.deps.clock.now() });
    return r;
  }
}
