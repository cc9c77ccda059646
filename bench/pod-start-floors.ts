// The raw floors of the pod-start bench: the tutorial pod's container graph made with the fewest Docker
// calls, no agent. `raw` does what the agent does (the pause image with a shareable IPC namespace that the
// containers join); `strict` is the cheapest graph that still is that pod: a busybox `sleep` sandbox on the
// user-defined bridge, each container joining only its network namespace. Both wait for an init
// container's exit on the engine's events stream (`die`) and end when the app's start call returns.
import type Docker from 'dockerode';
import { BENCH_NETWORK, BUSYBOX, PAUSE_IMAGE, RAW_LABEL, docker } from './engine';
import type { EngineEvents } from './engine-events';

export type FloorName = 'raw' | 'strict';

/** The containers a floor made, by the agent's names (POD, init1, init2, app), and when it began and ended. */
export interface FloorRun {
  t0: number;
  end: number;
  ids: Record<string, string>;
}

interface FloorShape {
  sandbox: Pick<Docker.ContainerCreateOptions, 'Image' | 'Entrypoint'> & { HostConfig: Docker.HostConfig };
  joined: (sandboxId: string) => Docker.HostConfig;
}

const SHAPES: Record<FloorName, FloorShape> = {
  raw: {
    sandbox: {
      Image: PAUSE_IMAGE,
      HostConfig: { NetworkMode: BENCH_NETWORK, IpcMode: 'shareable', RestartPolicy: { Name: 'no' } },
    },
    joined: (id) => ({
      NetworkMode: `container:${id}`,
      IpcMode: `container:${id}`,
      RestartPolicy: { Name: 'no' },
    }),
  },
  strict: {
    sandbox: { Image: BUSYBOX, Entrypoint: ['sleep', '3600'], HostConfig: { NetworkMode: BENCH_NETWORK } },
    joined: (id) => ({ NetworkMode: `container:${id}` }),
  },
};

/** One start of the floor's graph; the caller removes its containers (removeRawContainers(run)). */
export async function floorStart(floor: FloorName, run: string, events: EngineEvents): Promise<FloorRun> {
  const shape = SHAPES[floor];
  const Labels = { [RAW_LABEL]: run };
  const ids: Record<string, string> = {};
  const t0 = performance.now();
  const sandbox = await docker.createContainer({ name: `mkb-raw-${run}-POD`, Labels, ...shape.sandbox });
  await sandbox.start();
  ids['POD'] = sandbox.id;
  const HostConfig = shape.joined(sandbox.id);
  for (const name of ['init1', 'init2']) {
    const c = await docker.createContainer({
      name: `mkb-raw-${run}-${name}`,
      Image: BUSYBOX,
      Entrypoint: ['true'],
      Labels,
      HostConfig,
    });
    ids[name] = c.id;
    await c.start();
    const code = await events.waitDie(c.id);
    if (code !== 0) throw new Error(`raw ${name} exited ${code}`);
  }
  const app = await docker.createContainer({
    name: `mkb-raw-${run}-app`,
    Image: BUSYBOX,
    Entrypoint: ['sleep', '3600'],
    Labels,
    HostConfig,
  });
  await app.start();
  const end = performance.now();
  ids['app'] = app.id;
  return { t0, end, ids };
}
