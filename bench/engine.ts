// Docker helpers shared by the benchmarks: the bench's labels and names, cleanup of everything the
// benchmarks create, the guard against removing other agents' pods, and docker's nanosecond timestamps.
import Docker from 'dockerode';
import { mapLimit, sleep } from './system';

export const docker = new Docker();

/** The network and subnet of the bench agents (and of the raw baselines, for the same bridge work). */
export const BENCH_NETWORK = 'mk-bench';
/**
 * Tried in order (tools/free-subnet.ts); the soak and the tests start at 10.249 and 10.245. Not 10.248 or
 * 10.247: examples/compose and the compose test fix those, and a bench network left behind (a bench killed
 * midway) made their `docker-compose up` fail with "Pool overlaps".
 */
export const BENCH_POD_CIDRS = ['10.253.0.0/16', '10.254.0.0/16', '10.242.0.0/16'];
/** Raw (non-agent) containers carry this label; agents never touch them. */
export const RAW_LABEL = 'io.minikubelet.bench';
/** Every pod a bench agent runs is named with this prefix, so its containers can be found and removed. */
export const POD_PREFIX = 'mkb-';
export const PAUSE_IMAGE = 'minikubelet/pause:local';
export const BUSYBOX = 'busybox:latest';

const MANAGED = 'io.minikubelet.managed=true';
const POD_NAME = 'io.kubernetes.pod.name';

/** Managed containers of pods that are not the bench's: another agent (a test, `npm start`) runs them. */
export async function foreignPods(): Promise<string[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [MANAGED] } });
  const names = list
    .filter((c) => c.State !== 'removing' && c.State !== 'dead') // on their way out already
    .map((c) => c.Labels[POD_NAME] ?? '?')
    .filter((n) => !n.startsWith(POD_PREFIX));
  return [...new Set(names)];
}

const isSandbox = (c: Docker.ContainerInfo): boolean =>
  c.Labels['io.kubernetes.docker.type'] === 'podsandbox' || c.Names.some((n) => n.endsWith('-POD'));

/** Force-removes containers, those joined to a sandbox first and the sandboxes after them. */
async function removeAll(list: Docker.ContainerInfo[]): Promise<void> {
  for (const phase of [list.filter((c) => !isSandbox(c)), list.filter(isSandbox)]) {
    await mapLimit(phase, 8, async (c) => {
      await docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined);
    });
  }
}

/** Removes the raw baselines' containers (by label), optionally only those of one run. */
export async function removeRawContainers(run?: string): Promise<void> {
  const label = run ? `${RAW_LABEL}=${run}` : RAW_LABEL;
  const list = await docker.listContainers({ all: true, filters: { label: [label] } });
  await removeAll(list);
}

/** Removes every container of the bench agents' pods (after the agent has stopped, or left over). */
export async function removeBenchPodContainers(): Promise<number> {
  const list = await docker.listContainers({ all: true, filters: { label: [MANAGED] } });
  const ours = list.filter((c) => (c.Labels[POD_NAME] ?? '').startsWith(POD_PREFIX));
  await removeAll(ours);
  return ours.length;
}

/** Removes the bench network; returns why it could not (undefined: removed or absent). */
export async function removeBenchNetwork(): Promise<string | undefined> {
  for (let attempt = 0; ; attempt++) {
    try {
      await docker.getNetwork(BENCH_NETWORK).remove();
      return undefined;
    } catch (err) {
      const e = err as { statusCode?: number; json?: { message?: string }; message?: string };
      if (e.statusCode === 404) return undefined;
      // an endpoint may still be on its way out; Docker 20.10 can also leak the network's endpoint count
      // (moby/moby#42119), and then the network stays until dockerd restarts
      if (attempt >= 5) return (e.json?.message ?? e.message ?? String(err)).trim();
      await sleep(1_000);
    }
  }
}

/** Docker's RFC 3339 time with nanoseconds as milliseconds since the epoch, keeping the microseconds. */
export function dockerTime(s: string | undefined): number {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(s ?? '');
  if (!m || (s ?? '').startsWith('0001-')) return NaN;
  const whole = Date.parse(`${m[1]}${m[3]}`);
  const frac = Number(`0.${(m[2] ?? '0').padEnd(9, '0')}`);
  return whole + frac * 1000;
}

export interface Times {
  createdAt: number;
  startedAt: number;
  finishedAt: number;
}

export async function containerTimes(id: string): Promise<Times> {
  const info = await docker.getContainer(id).inspect();
  return {
    createdAt: dockerTime(info.Created),
    startedAt: dockerTime(info.State.StartedAt),
    finishedAt: dockerTime(info.State.FinishedAt),
  };
}

/** The engine's version, for the report. */
export async function engineVersion(): Promise<string> {
  const v = await docker.version();
  return `${v.Version} (API ${v.ApiVersion})`;
}
