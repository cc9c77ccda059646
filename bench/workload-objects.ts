// What the workload benchmarks (issue 14) send the agent: Deployments and CronJobs of the bench's pods (every
// name starts with `mkb-`, so the bench's clean-up finds their containers), the writes kubectl makes
// (`kubectl scale` patches the scale subresource; a template change is a merge patch), and a watch of
// Deployments that sees every published status.
import http from 'node:http';
import type { AgentProcess } from './agent-process';
import { Waiters, eachJsonLine } from './json-lines';
import { tutorialPod } from './pod-start';

export const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments';
const MERGE_PATCH = 'application/merge-patch+json';

/** busybox that exits on SIGTERM at once (a plain `sleep` as PID 1 ignores it and waits out the grace). */
export const APP_SPEC = {
  terminationGracePeriodSeconds: 1,
  containers: [
    {
      name: 'app',
      image: 'busybox',
      command: ['sh', '-c', "trap 'exit 0' TERM; while :; do sleep 0.1; done"],
    },
  ],
};

/** The tutorial pod of bench/pod-start.ts (sandbox + 2 init `true` + app) as a template; Deployments ask Always. */
export function tutorialSpec(): object {
  const pod = tutorialPod('x') as { spec: Record<string, unknown> };
  return { ...pod.spec, restartPolicy: 'Always', terminationGracePeriodSeconds: 1 };
}

export function deployment(name: string, replicas: number, spec: object, strategy?: object): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      ...(strategy ? { strategy } : {}),
      template: { metadata: { labels: { app: name } }, spec },
    },
  };
}

export function cronJob(name: string, schedule: string): object {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name },
    spec: {
      schedule,
      jobTemplate: {
        spec: { template: { spec: { restartPolicy: 'Never', containers: APP_SPEC.containers } } },
      },
    },
  };
}

export async function mustSend(
  agent: AgentProcess,
  method: string,
  path: string,
  body?: unknown,
  contentType?: string,
): Promise<unknown> {
  const r = await agent.request(method, path, body, contentType);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}

/** As `kubectl scale deploy/NAME --replicas=N`: a merge patch of the scale subresource. */
export const scale = (agent: AgentProcess, name: string, replicas: number): Promise<unknown> =>
  mustSend(agent, 'PATCH', `${DEPLOYMENTS}/${name}/scale`, { spec: { replicas } }, MERGE_PATCH);

/** A template change (an annotation), which starts a rollout. */
export const touchTemplate = (agent: AgentProcess, name: string, value: string): Promise<unknown> =>
  mustSend(
    agent,
    'PATCH',
    `${DEPLOYMENTS}/${name}`,
    { spec: { template: { metadata: { annotations: { 'mkb/rollout': value } } } } },
    MERGE_PATCH,
  );

export interface DeploymentView {
  metadata: { name: string; generation?: number };
  spec: { replicas: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
  };
}

/** Every Deployment status the agent publishes, as it publishes it. */
export class DeploymentWatch {
  readonly latest = new Map<string, DeploymentView>();
  /** Called with each published object. */
  onEvent: ((d: DeploymentView) => void) | undefined;
  private readonly waiters = new Waiters();
  private req: http.ClientRequest | undefined;

  static open(agent: AgentProcess): Promise<DeploymentWatch> {
    const w = new DeploymentWatch();
    return new Promise((resolve, reject) => {
      w.req = http.get(`${agent.url}${DEPLOYMENTS}?watch=true`, (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`deployment watch: HTTP ${res.statusCode}`));
          res.resume();
          return;
        }
        eachJsonLine(
          res,
          (value) => {
            const e = value as { type: string; object: DeploymentView };
            if (e.type === 'DELETED') w.latest.delete(e.object.metadata.name);
            else w.latest.set(e.object.metadata.name, e.object);
            w.onEvent?.(e.object);
          },
          () => w.waiters.poke(),
        );
        w.waiters.follow(res);
        resolve(w);
      });
      w.req.on('error', reject);
    });
  }

  /** Resolves when pred holds for the named Deployment (checked on every chunk of the watch). */
  until(name: string, what: string, pred: (d: DeploymentView) => boolean, timeoutMs: number): Promise<void> {
    return this.waiters.until(
      what,
      () => {
        const d = this.latest.get(name);
        return d !== undefined && pred(d);
      },
      timeoutMs,
    );
  }

  close(): void {
    this.req?.destroy();
  }
}

/** Rolled out: the controller saw the latest spec and every replica is updated and available. */
export const rolledOut = (d: DeploymentView): boolean =>
  (d.status?.observedGeneration ?? 0) >= (d.metadata.generation ?? 1) &&
  d.status?.replicas === d.spec.replicas &&
  d.status?.updatedReplicas === d.spec.replicas &&
  (d.status?.availableReplicas ?? 0) === d.spec.replicas;
