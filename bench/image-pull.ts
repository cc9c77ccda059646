// Part image-pull: a cold start of a pod with three images of its own (init1, init2, app; busybox plus a
// layer of random bytes each) from Debian's docker-registry on loopback. The same agent twice per
// repetition, the order swapping each time: `--image-prefetch 0` (serial: each image pulled when its
// container's turn comes, the kubelet's order and the agent's before early pulls) and the default
// (`--image-prefetch 3`: the pod's images pulled together when it is admitted, agent/images/image-prefetch.ts).
// Every tag is removed locally before each start, so every pull is cold. Where the time goes: each pull's own
// time, from the agent's `Pulled` events, and the engine's own times of the last pull and of init1's create
// (bench/pull-timeline.ts).
import { AgentProcess, deletePods } from './agent-process';
import { BUSYBOX, docker } from './engine';
import { guarded, oneSide } from './guard';
import { tutorialPod } from './pod-start';
import type { Context, PartResult, Row } from './report';
import { fmt, fmtRatio, median, ratios, summarize } from './stats';
import { children, waitQuiet } from './system';
import { LoopbackRegistry, removeImages } from './loopback-registry';
import { wallMs } from './engine-events';
import { PullTimeline } from './pull-timeline';

/** MiB of random bytes in each image's own layer. */
const LAYER_MB = 32;
const SIDES = { serial: '0', parallel: '3' } as const;
type Side = keyof typeof SIDES;

interface Start {
  ms: number;
  /** Each image's own pull time (the Pulled events), init1, init2, app. */
  pulls: number[];
  /** From the engine's events: POST -> the last pull event, then that -> Running. */
  lastPull: number;
  afterPulls: number;
  /** init1's image pulled -> init1 created (both the engine's events). */
  init1Created: number;
}

/** A Go duration as the Pulled event words it ("1.234s", "850.2ms", "1m2.5s"), in ms. */
function goMs(d: string): number {
  let ms = 0;
  for (const [, n, unit] of d.matchAll(/([\d.]+)(ms|s|m|h)/g))
    ms += Number(n) * ({ ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[unit ?? 's'] ?? NaN);
  return ms;
}

async function pullTimes(agent: AgentProcess, uid: string, images: readonly string[]): Promise<number[]> {
  const r = await agent.request('GET', '/api/v1/namespaces/default/events');
  const items = (r.json as { items: { reason: string; message: string; involvedObject: { uid: string } }[] })
    .items;
  return images.map((image) => {
    const e = items.find(
      (x) => x.involvedObject.uid === uid && x.reason === 'Pulled' && x.message.includes(`"${image}"`),
    );
    const took = e && /Successfully pulled image "[^"]+" in (\S+) /.exec(e.message)?.[1];
    if (!took) throw new Error(`no Successfully pulled event for ${image}: ${e?.message ?? 'none'}`);
    return goMs(took);
  });
}

/** One cold start: the images removed, an agent with the side's flag, POST -> Running on a watch. */
async function coldStart(ctx: Context, side: Side, name: string, images: string[]): Promise<Start> {
  await removeImages(docker, images);
  const agent = await AgentProcess.start({ log: ctx.log, flags: ['--image-prefetch', SIDES[side]] });
  const w = await agent.watch();
  const engine = await PullTimeline.open(name);
  try {
    const t0 = performance.now();
    const uid = await agent.createPod(tutorialPod(name, images));
    await w.until(`${name} Running`, () => w.runningAt.has(name), 180_000);
    const ms = (w.runningAt.get(name) ?? NaN) - t0;
    await engine.settle('app');
    const pulls = await pullTimes(agent, uid, images);
    await deletePods(agent, w, [name]);
    const pulledAt = images.map((i) => engine.pulled.get(i) ?? NaN);
    const lastPull = Math.max(...pulledAt) - wallMs(t0);
    const init1Created = (engine.created.get('init1') ?? NaN) - (pulledAt[0] ?? NaN);
    return { ms, pulls, lastPull, afterPulls: ms - lastPull, init1Created };
  } finally {
    engine.close();
    w.close();
    await agent.stop(); // removes the pod's containers: the next removal leaves no layer behind
  }
}

interface Data {
  starts: Record<Side, Start[]>;
  busy: number[];
  failures: string[];
}

async function measure(ctx: Context): Promise<Data> {
  const data: Data = { starts: { serial: [], parallel: [] }, busy: [], failures: [] };
  const registry = await LoopbackRegistry.start(docker);
  if (registry.child.pid) children.add(registry.child.pid);
  const images: string[] = [];
  try {
    for (const x of ['a', 'b', 'c'])
      images.push(await registry.build(BUSYBOX, `mkb/pull-${x}`, 'v1', LAYER_MB));
    for (const ref of images) await registry.push(ref, ref);
    ctx.log(`  registry ${registry.host}: 3 images of busybox + ${LAYER_MB} MiB random bytes pushed`);
    const once = async (side: Side, label: string): Promise<Start> => {
      data.busy.push(await waitQuiet(5_000));
      const s = await coldStart(ctx, side, `mkb-pull-${label}`, images);
      const r = (x: number): string => x.toFixed(0);
      ctx.log(
        `    ${side}: last image pulled at ${r(s.lastPull)} ms, Running ${r(s.afterPulls)} ms later; ` +
          `init1's image pulled -> init1 created ${r(s.init1Created)} ms`,
      );
      return s;
    };
    for (const side of ['serial', 'parallel'] as const)
      await guarded(`${side} warm-up`, ctx.log, () => once(side, `w-${side}`)).catch((err: unknown) =>
        ctx.log(`  ${side} warm-up left out: ${String(err)}`),
      );
    for (let rep = 0; rep < ctx.reps; rep++) {
      const order: Side[] = rep % 2 === 0 ? ['serial', 'parallel'] : ['parallel', 'serial'];
      const line: string[] = [];
      for (const side of order) {
        let attempt = 0;
        await oneSide(side, rep, { line, failures: data.failures }, async () => {
          const s = await guarded(`${side} rep ${rep + 1}`, ctx.log, () =>
            once(side, `${rep + 1}-${side}-${attempt++}`),
          );
          data.starts[side].push(s);
          return s.ms;
        });
      }
      ctx.log(`  rep ${rep + 1}/${ctx.reps}: ${line.join(', ')} ms`);
    }
  } finally {
    await removeImages(docker, images);
    await registry.stop();
    if (registry.child.pid) children.delete(registry.child.pid);
  }
  return data;
}

function row(metric: string, a: number[], b: number[], target?: number): Row {
  const per = summarize(ratios(a, b));
  const r = median(a) / median(b);
  return {
    metric,
    agent: fmt(summarize(a), 'ms'),
    baseline: fmt(summarize(b), 'ms'),
    ratio: `${fmtRatio(r)} (per rep ${fmt(per, '', 2)})`,
    target: target === undefined ? '' : `<= ${target.toFixed(2)}x`,
    ...(target === undefined ? {} : { met: r <= target }),
  };
}

export async function imagePull(ctx: Context): Promise<PartResult> {
  const d = await measure(ctx);
  const { serial, parallel } = d.starts;
  const ms = (s: Start[]): number[] => s.map((x) => x.ms);
  const sum = (s: Start[]): number[] => s.map((x) => x.pulls.reduce((a, b) => a + b, 0));
  const longest = (s: Start[]): number[] => s.map((x) => Math.max(...x.pulls));
  const each = (s: Start[], i: number): string => fmt(summarize(s.map((x) => x.pulls[i] ?? NaN)), 'ms');
  const phase = (s: Start[], f: (x: Start) => number): string => fmt(summarize(s.map(f)), 'ms');
  const phases: [string, (x: Start) => number][] = [
    ['POST -> the last image pulled', (x) => x.lastPull],
    ['the last image pulled -> Running (the containers left to run)', (x) => x.afterPulls],
    ["init1's image pulled -> init1 created", (x) => x.init1Created],
  ];
  return {
    id: 'image-pull',
    title: 'Cold start with three images from a loopback registry',
    baselineName: 'the same agent, --image-prefetch 0 (serial pulls)',
    rows: [
      row('POST -> Running, early pulls vs serial pulls at each turn', ms(parallel), ms(serial), 0.6),
      row('the three pulls: longest (early) vs their sum (serial)', longest(parallel), sum(serial)),
    ],
    body: [
      "Method: Debian's `docker-registry` on a free loopback port (plain HTTP: dockerd trusts 127.0.0.0/8);",
      `three images built here (busybox plus ${LAYER_MB} MiB of random bytes each, one layer), pushed once and`,
      'removed locally (with every container that used them) before each start, so every pull is cold. The',
      'pod: init1, init2 (`true`) and app (`sleep`), each with its own image (`IfNotPresent`). One agent per',
      'start, the two settings alternating: **serial** `--image-prefetch 0` (each image pulled at its',
      "container's turn, as the kubelet does), **early** the default `--image-prefetch 3` (the pod's images",
      'pulled together when it is admitted; each container still says Pulling/Pulled at its turn).',
      'POST -> Running on a watch opened before the POST.',
      '',
      "Each pull's own time (the `Pulled` events' figure, median and range):",
      '',
      '| image | serial | early |',
      '|---|---|---|',
      ...['init1', 'init2', 'app'].map((n, i) => `| ${n} | ${each(serial, i)} | ${each(parallel, i)} |`),
      '',
      "Where a start's time goes, from the engine's events (its `pull` event of an image comes when that pull",
      'has ended; median and range):',
      '',
      '| phase | serial | early |',
      '|---|---|---|',
      ...phases.map(([label, f]) => `| ${label} | ${phase(serial, f)} | ${phase(parallel, f)} |`),
      '',
      `Repetitions: serial ${serial.length}, early ${parallel.length} (of ${ctx.reps}; alternating order, ` +
        `after one uncounted warm-up each). Machine busy before a start: median ` +
        `${fmt(summarize(d.busy.map((b) => b * 100)), '%', 0)}.`,
      ...(d.failures.length ? ['', `Failed repetitions: ${d.failures.join('; ')}.`] : []),
    ],
  };
}
