// Reading what bench/startup-probe.ts wrote during one daemon start: each phase's time from the spawn, and
// the packages' require times.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** In start-up order, as the probe names them. */
export const PHASES = [
  'process',
  'preload',
  'modules loaded',
  'store opened',
  'agent built',
  'routes registered',
  'listening',
  'engine answered',
  'started',
  'first relist done',
] as const;

export interface StartupPhases {
  /** ms from the spawn to each phase (absent phases missing). */
  at: Partial<Record<(typeof PHASES)[number], number>>;
  /** Inclusive require time (ms) of each package the daemon's own files import. */
  packages: Record<string, number>;
}

/**
 * Environment for a daemon that should record its phases into `file` (emptied here); `main`: the
 * dist/daemon/main.js it runs (the probe next to it patches that copy of dist/).
 */
export function probeEnv(file: string, main: string): Record<string, string> {
  writeFileSync(file, '');
  const probe = join(dirname(main), '..', 'bench', 'startup-probe.js');
  return { NODE_OPTIONS: `--require ${probe}`, MKB_STARTUP_PROBE: file };
}

/** `spawnedAtEpoch`: the spawn's time in ms since the epoch (performance.timeOrigin + performance.now()). */
export function readPhases(file: string, spawnedAtEpoch: number): StartupPhases {
  const r: StartupPhases = { at: {}, packages: {} };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const o = JSON.parse(line) as { phase?: string; at?: number; packages?: Record<string, number> };
    if (o.packages) r.packages = o.packages;
    const phase = PHASES.find((p) => p === o.phase);
    if (phase && o.at !== undefined) r.at[phase] = o.at - spawnedAtEpoch;
  }
  return r;
}

/** One line: each phase's duration from the previous one, ms. */
export function phaseLine(p: StartupPhases): string {
  let prev = 0;
  const parts: string[] = [];
  for (const phase of PHASES) {
    const t = p.at[phase];
    if (t === undefined) continue;
    parts.push(`${phase} +${Math.round(t - prev)}`);
    prev = t;
  }
  return parts.join(', ');
}
