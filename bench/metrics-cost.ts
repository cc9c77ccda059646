// Part: what metrics and stats collection cost with 110 pods. The agent runs twice per repetition (the order
// swapping each time), with the default stats sampling (`--stats-interval-seconds 10`, as the kubelet's
// housekeeping) and with it off (`0`); each time 110 pods are started and the agent's idle CPU is read over
// one 30 s resync period. With sampling on, /metrics and /metrics/resource are then fetched one after
// another and timed from the client (request to last byte).
import { errorMessage } from '../agent/errors';
import { AgentProcess, deletePods } from './agent-process';
import { IDLE_WINDOW_S, PODS, agentBatch, idleReadings, podNames } from './density';
import type { Context, PartResult, Row } from './report';
import { fmt, median, num, percentile, summarize } from './stats';
import { waitQuiet } from './system';

const SCRAPES = 40;

/** Times SCRAPES fetches of `path`, one after another; an answer that does not come fails it (no hang). */
export async function timeScrapes(
  agent: Pick<AgentProcess, 'url'>,
  path: string,
  timeoutMs = 30_000,
): Promise<{ ms: number[]; bytes: number }> {
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < SCRAPES; i++) {
    const t = performance.now();
    const res = await fetch(agent.url + path, { signal: AbortSignal.timeout(timeoutMs) }).catch(
      (err: unknown) => {
        throw new Error(`${path}: no answer (${errorMessage(err)})`);
      },
    );
    const body = await res.text();
    ms.push(performance.now() - t);
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    bytes = body.length;
  }
  return { ms, bytes };
}

export async function metricsCost(ctx: Context): Promise<PartResult> {
  const idle = { on: [] as number[], off: [] as number[] };
  const scrapes = { metrics: [] as number[], resource: [] as number[] };
  const size = { metrics: 0, resource: 0 };
  const busy: number[] = [];
  for (let rep = 0; rep < ctx.reps; rep++) {
    const order = rep % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const);
    const line: string[] = [];
    for (const mode of order) {
      busy.push(await waitQuiet(5_000));
      const agent = await AgentProcess.start({
        log: ctx.log,
        flags: ['--stats-interval-seconds', mode === 'on' ? '10' : '0'],
      });
      const w = await agent.watch();
      try {
        const names = podNames(`mkb-m${rep}${mode}`);
        await agentBatch(agent, w, names);
        const r = await idleReadings(agent.pid);
        idle[mode].push(r.cpuPercent);
        line.push(`${mode}: idle ${num(r.cpuPercent)} %`);
        if (mode === 'on') {
          const m = await timeScrapes(agent, '/metrics');
          const res = await timeScrapes(agent, '/metrics/resource');
          scrapes.metrics.push(...m.ms);
          scrapes.resource.push(...res.ms);
          size.metrics = m.bytes;
          size.resource = res.bytes;
          line.push(`/metrics p50 ${num(median(m.ms))} ms, /metrics/resource p50 ${num(median(res.ms))} ms`);
        }
        await deletePods(agent, w, names);
      } finally {
        w.close();
        await agent.stop();
      }
    }
    ctx.log(`  rep ${rep + 1}/${ctx.reps}: ${line.join(', ')}`);
  }
  const extra = idle.on.map((x, i) => x - (idle.off[i] ?? NaN));
  const extraMedian = median(extra);
  const p = (xs: number[], q: number): string => num(percentile(xs, q));
  const rows: Row[] = [
    {
      metric: `agent CPU idle with ${PODS} pods, stats sampling on (10 s) vs off (${IDLE_WINDOW_S} s)`,
      agent: `${fmt(summarize(idle.on), '%')} of a core`,
      baseline: `${fmt(summarize(idle.off), '%')} (off)`,
      ratio: `+${num(extraMedian)} % (per rep ${fmt(summarize(extra), '%')})`,
      target: '<= +1 % of a core',
      met: extraMedian <= 1,
    },
    {
      metric: `/metrics answer time with ${PODS} pods (p50 / p99 of ${scrapes.metrics.length})`,
      agent: `${p(scrapes.metrics, 50)} / ${p(scrapes.metrics, 99)} ms (${num(size.metrics / 1000)} kB)`,
      baseline: '',
      ratio: '',
      target: '<= 50 ms',
      met: percentile(scrapes.metrics, 50) <= 50,
    },
    {
      metric: `/metrics/resource answer time with ${PODS} pods (p50 / p99 of ${scrapes.resource.length})`,
      agent: `${p(scrapes.resource, 50)} / ${p(scrapes.resource, 99)} ms (${num(size.resource / 1000)} kB)`,
      baseline: '',
      ratio: '',
      target: '<= 50 ms',
      met: percentile(scrapes.resource, 50) <= 50,
    },
  ];
  return {
    id: 'metrics-cost',
    title: 'Metrics and stats collection cost (110 pods)',
    baselineName: 'sampling off',
    rows,
    body: [
      `Method: per repetition the daemon runs twice, with \`--stats-interval-seconds 10\` (the default: cgroup`,
      'samples of every running container and the node, what `kubectl top` and `/metrics/resource` read) and',
      `with \`0\` (off), the order swapping each repetition. Each time ${PODS} pods (sandbox + busybox \`sleep\`) are`,
      `started; 5 s after the last is Running, the agent's utime+stime is read over ${IDLE_WINDOW_S} s (one resync`,
      'period: 3 samplings and 1 relist). The Prometheus counters and histograms cost nothing while idle (they',
      'move on events); sampling is the only periodic collection. Then, sampling on, `/metrics` and',
      `\`/metrics/resource\` are fetched ${SCRAPES} times each, one after another, timed from request to last byte`,
      'on loopback (no auth: loopback). The target is on the median; p99 is shown.',
      '',
      `Repetitions: ${idle.on.length}. Machine busy before a run (waits up to 5 s for <= 15 %): median ` +
        `${fmt(summarize(busy.map((b) => b * 100)), '%', 0)}.`,
    ],
  };
}
