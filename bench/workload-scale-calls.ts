// The engine calls behind workload-scale's batch: one more scale 0 -> 50, untimed, with the agent pointed
// at a counting pass-through (bench/engine-call-counter.ts), counted from the PATCH until all are Ready.
// The raw side's calls are known from its code: per pod 4 creates and 4 starts, one shared events stream.
import { AgentProcess, type PodWatch } from './agent-process';
import { EngineCallCounter } from './engine-call-counter';
import type { Context } from './report';
import { num } from './stats';
import { DEPLOYMENTS, deployment, mustSend, tutorialSpec } from './workload-objects';

/** How a batch scales a Deployment up (until all Ready) and back down (bench/workload-scale.ts). */
export interface Scaler {
  replicas: number;
  up: (agent: AgentProcess, w: PodWatch, name: string, n: number) => Promise<number>;
  down: (agent: AgentProcess, w: PodWatch, name: string) => Promise<void>;
}

/** Markdown lines: the agent's engine calls per pod by kind, beside the raw side's. */
export async function engineCallsPerPod(ctx: Context, s: Scaler): Promise<string[]> {
  const replicas = s.replicas;
  const counter = await EngineCallCounter.open();
  let agent: AgentProcess | undefined;
  let w: PodWatch | undefined;
  try {
    agent = await AgentProcess.start({ log: ctx.log, env: { DOCKER_HOST: `unix://${counter.socket}` } });
    w = await agent.watch();
    await mustSend(agent, 'POST', DEPLOYMENTS, deployment('mkb-calls', 0, tutorialSpec()));
    counter.take();
    await s.up(agent, w, 'mkb-calls', replicas);
    const counts = counter.take();
    await s.down(agent, w, 'mkb-calls');
    const raw: Record<string, number> = { 'POST /containers/create': 4, 'POST /containers/{id}/start': 4 };
    const kinds = [...new Set([...counts.keys(), ...Object.keys(raw)])].sort(
      (a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0),
    );
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    return [
      `Engine calls per pod (one more, untimed scale 0 -> ${replicas}, the agent behind a counting`,
      'pass-through of the engine socket, from the PATCH until all are Ready; the raw side from its code):',
      '',
      '| engine call | agent, per pod | raw, per pod |',
      '| --- | --- | --- |',
      ...kinds.map((k) => `| \`${k}\` | ${num((counts.get(k) ?? 0) / replicas)} | ${raw[k] ?? 0} |`),
      `| all | ${num(total / replicas)} | 8 |`,
    ];
  } finally {
    w?.close();
    await agent?.stop();
    counter.close();
  }
}
