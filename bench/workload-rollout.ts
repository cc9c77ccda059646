// Part workload-rollout (issue 14): a rolling update of 20 replicas (maxSurge 25 %, maxUnavailable 0), from
// the template's change to every replica updated and available; on every Deployment status the agent
// publishes, and on every pod event, the count of Ready pods never goes under 20.
import { AgentProcess, type PodWatch } from './agent-process';
import { guarded } from './guard';
import type { Context, PartResult, Row } from './report';
import { fmt, summarize } from './stats';
import { waitQuiet } from './system';
import {
  APP_SPEC,
  DEPLOYMENTS,
  type DeploymentView,
  DeploymentWatch,
  deployment,
  mustSend,
  rolledOut,
  touchTemplate,
} from './workload-objects';

const REPLICAS = 20;
const NAME = 'mkb-roll';
const ROLLOUT_TIMEOUT_MS = 240_000;

interface Lows {
  /** Lowest readyReplicas on a published Deployment status. */
  status: number;
  /** Lowest count of Ready pods not being deleted, after any pod event. */
  pods: number;
  statuses: number;
  podEvents: number;
}

/** Pods of the Deployment that are Ready and not being deleted. */
const readyPods = (w: PodWatch): number =>
  [...w.readyNow].filter((p) => p.startsWith(`${NAME}-`) && !w.terminating.has(p)).length;

async function rollOnce(agent: AgentProcess, pods: PodWatch, deps: DeploymentWatch, value: string) {
  const lows: Lows = { status: Infinity, pods: Infinity, statuses: 0, podEvents: 0 };
  deps.onEvent = (d: DeploymentView) => {
    if (d.metadata.name !== NAME) return;
    lows.statuses++;
    lows.status = Math.min(lows.status, d.status?.readyReplicas ?? 0);
  };
  pods.onChange = (_type, name) => {
    if (!name.startsWith(`${NAME}-`)) return;
    lows.podEvents++;
    lows.pods = Math.min(lows.pods, readyPods(pods));
  };
  try {
    const p0 = performance.now();
    const patched = (await touchTemplate(agent, NAME, value)) as DeploymentView;
    const generation = patched.metadata.generation ?? 0;
    await deps.until(
      NAME,
      'rolled out',
      (d) => rolledOut(d) && (d.status?.observedGeneration ?? 0) >= generation,
      ROLLOUT_TIMEOUT_MS,
    );
    // the old pods' removal is part of the rollout's end
    await pods.until(
      'old pods gone',
      () =>
        [...pods.uids.keys()].filter((p) => p.startsWith(`${NAME}-`) && !pods.goneAt.has(p)).length ===
        REPLICAS,
      ROLLOUT_TIMEOUT_MS,
    );
    return { ms: performance.now() - p0, lows };
  } finally {
    deps.onEvent = undefined;
    pods.onChange = undefined;
  }
}

export async function workloadRollout(ctx: Context): Promise<PartResult> {
  const agent = await AgentProcess.start({ log: ctx.log });
  const times: number[] = [];
  const all: Lows[] = [];
  let pods: PodWatch | undefined;
  let deps: DeploymentWatch | undefined;
  try {
    pods = await agent.watch();
    deps = await DeploymentWatch.open(agent);
    const p = pods;
    const d = deps;
    const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } };
    await mustSend(agent, 'POST', DEPLOYMENTS, deployment(NAME, REPLICAS, APP_SPEC, strategy));
    await d.until(NAME, `${REPLICAS} available`, rolledOut, ROLLOUT_TIMEOUT_MS);
    for (let rep = 0; rep < ctx.reps; rep++) {
      const r = await guarded(`rollout ${rep + 1}`, ctx.log, async () => {
        await waitQuiet(5_000);
        return rollOnce(agent, p, d, String(rep));
      });
      times.push(r.ms);
      all.push(r.lows);
      ctx.log(
        `  rollout ${rep + 1}/${ctx.reps}: ${(r.ms / 1000).toFixed(1)} s, lowest Ready ${r.lows.status} ` +
          `(status, ${r.lows.statuses} published) / ${r.lows.pods} (pods, ${r.lows.podEvents} events)`,
      );
    }
  } finally {
    pods?.close();
    deps?.close();
    await agent.stop();
  }
  const lowStatus = Math.min(...all.map((l) => l.status));
  const lowPods = Math.min(...all.map((l) => l.pods));
  const statuses = all.reduce((n, l) => n + l.statuses, 0);
  const podEvents = all.reduce((n, l) => n + l.podEvents, 0);
  const rows: Row[] = [
    {
      metric: `rolling update of ${REPLICAS} (maxSurge 25 %, maxUnavailable 0): template change -> all updated, old pods gone`,
      agent: fmt(summarize(times.map((x) => x / 1000)), 's', 1),
      baseline: '',
      ratio: '',
      target: '',
    },
    {
      metric: `lowest Ready count during the rollouts (every status / every pod event)`,
      agent: `${lowStatus} / ${lowPods} (of ${statuses} statuses, ${podEvents} pod events)`,
      baseline: '',
      ratio: '',
      target: `>= ${REPLICAS}`,
      met: lowStatus >= REPLICAS && lowPods >= REPLICAS,
    },
  ];
  return {
    id: 'workload-rollout',
    title: `Rolling update of ${REPLICAS} replicas`,
    baselineName: '',
    rows,
    body: [
      `Method: a Deployment \`${NAME}\` of ${REPLICAS} busybox pods (a shell that exits on SIGTERM,`,
      '`terminationGracePeriodSeconds: 1`), `maxSurge: 25%` (5 pods), `maxUnavailable: 0`. Each repetition',
      'merge-patches an annotation of the template and times until a Deployment watch shows the new',
      'generation observed with every replica updated and available, and a pod watch shows the old pods gone.',
      'Throughout, every Deployment object the agent publishes is checked (its `readyReplicas`), and after',
      'every pod event the Ready pods not being deleted are counted: neither may go under the replicas.',
    ],
  };
}
