// A world is one runtime under the scenarios: a started in-process agent (test/helpers/harness.ts) on that
// runtime, traced at the port, with what only the world can do (make an image, how long to watch a state).
// Each spec file that runs the scenarios names one world; the counts are printed at the end of the run.
import type { Pod } from '../../agent/model/pod';
import type { ContainerRuntime } from '../../agent/runtime/runtime';
import type { Harness } from '../helpers/harness';
import type { TraceEntry } from './tracing-runtime';

export interface World {
  readonly h: Harness;
  /** The agent's runtime (traced). */
  readonly runtime: ContainerRuntime;
  readonly trace: TraceEntry[];
  /** Every pod the store published, by name, oldest first (the e2e helper's invariants read them). */
  seen(name: string): Pod[];
  /** Makes image `ref` available locally (a second name of busybox). */
  addImage(ref: string): Promise<void>;
  removeImage(ref: string): Promise<void>;
  /** The pods ask the agent's DNS server (so a missing Service raises a ServiceNotFound event). */
  readonly realDns: boolean;
  /** How long a scenario watches a state that must hold (the tutorial's Init:0/2). */
  readonly holdMs: number;
  stop(): Promise<void>;
}

/** What a group of scenarios asks of its world beyond the defaults. */
export interface WorldOptions {
  /** Extra daemon flags (static pods: `--pod-manifest-path DIR`). */
  flags?: string[];
  /** 'daemon': pods' ServiceAccount tokens from the daemon's own issuer (the API accepts them). */
  tokenIssuer?: 'daemon';
}

export interface WorldFactory {
  name: 'memory' | 'docker';
  /** Mocha timeout of one scenario. */
  timeoutMs: number;
  create(options?: WorldOptions): Promise<World>;
}

const ran = new Map<string, number>();
let defined = 0;

/** Counts a scenario as defined (once per file that defines it) and, when it runs, as run in a world. */
export function countScenario(world: string): () => void {
  defined++;
  return () => ran.set(world, (ran.get(world) ?? 0) + 1);
}

/** `scenarios: 24 defined, 24 run on memory` for the end of the mocha run. */
export function scenarioSummary(): string {
  const runs = [...ran].map(([world, n]) => `${n} run on ${world}`);
  return `scenarios: ${defined} defined, ${runs.length ? runs.join(', ') : 'none run'}`;
}
