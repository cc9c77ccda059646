// Where a pod start's time goes, phase by phase, from the engine's events (create, start, die: the end of
// each engine call, on the engine's clock) and the bench's own readings (the POST's answer, Running on the
// watch). The agent and the floors are cut at the same points, so each row compares like with like.
import { type ContainerEvents, wallMs } from './engine-events';
import { fmt, summarize } from './stats';

/** One start as the phases need it: perf-clock readings, and each container's events by its name. */
export interface PhaseSample {
  t0: number;
  /** The POST's 201 (the agent only). */
  posted?: number;
  end: number;
  events: Record<string, ContainerEvents>;
}

const ev = (s: PhaseSample, c: string, e: keyof ContainerEvents): number => s.events[c]?.[e] ?? NaN;

export const PHASES: { name: string; of: (s: PhaseSample) => number }[] = [
  { name: 'POST -> 201 (parse, validation, store write, answer)', of: (s) => (s.posted ?? s.t0) - s.t0 },
  {
    name: '201 -> sandbox created (worker wakes, lists, plans, volumes; engine create)',
    of: (s) => ev(s, 'POD', 'create') - wallMs(s.posted ?? s.t0),
  },
  {
    name: 'sandbox created -> started (engine start, network attach)',
    of: (s) => ev(s, 'POD', 'start') - ev(s, 'POD', 'create'),
  },
  {
    name: 'sandbox started -> init1 created (list, pod files, image check, env; engine create)',
    of: (s) => ev(s, 'init1', 'create') - ev(s, 'POD', 'start'),
  },
  { name: 'init1 created -> started', of: (s) => ev(s, 'init1', 'start') - ev(s, 'init1', 'create') },
  { name: 'init1 started -> die', of: (s) => ev(s, 'init1', 'die') - ev(s, 'init1', 'start') },
  {
    name: 'init1 die -> init2 created (reacting to the exit)',
    of: (s) => ev(s, 'init2', 'create') - ev(s, 'init1', 'die'),
  },
  { name: 'init2 created -> started', of: (s) => ev(s, 'init2', 'start') - ev(s, 'init2', 'create') },
  { name: 'init2 started -> die', of: (s) => ev(s, 'init2', 'die') - ev(s, 'init2', 'start') },
  {
    name: 'init2 die -> app created (reacting to the exit)',
    of: (s) => ev(s, 'app', 'create') - ev(s, 'init2', 'die'),
  },
  { name: 'app created -> started', of: (s) => ev(s, 'app', 'start') - ev(s, 'app', 'create') },
  {
    name: 'app started -> done (Running on the watch / start call returned)',
    of: (s) => wallMs(s.end) - ev(s, 'app', 'start'),
  },
];

/** The phase table: one column per side (median [min–max] ms over its repetitions). */
export function phaseTable(sides: { name: string; samples: readonly PhaseSample[] }[]): string[] {
  const total = (s: PhaseSample): number => s.end - s.t0;
  const cells = (f: (s: PhaseSample) => number): string =>
    sides.map((side) => fmt(summarize(side.samples.map(f).filter(Number.isFinite)))).join(' | ');
  return [
    "Per phase (ms, median [min–max]; the engine's `create`/`start`/`die` events mark the end of each engine",
    "call, on the engine's clock, which is the bench's wall clock):",
    '',
    `| phase | ${sides.map((s) => s.name).join(' | ')} |`,
    `| --- | ${sides.map(() => '---').join(' | ')} |`,
    ...PHASES.map((p) => `| ${p.name} | ${cells(p.of)} |`),
    `| **total** | ${cells(total)} |`,
  ];
}
