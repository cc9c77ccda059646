// The real engine: programs run as the shell commands they are; pods resolve through the agent's DNS.
import Docker from 'dockerode';
import { nopLogger } from '../../../agent/log';
import { DockerRuntime } from '../../../agent/runtime/docker-runtime';
import type { WorldFactory } from '../world';
import { startTraced } from './common';

export const dockerWorld: WorldFactory = {
  name: 'docker',
  timeoutMs: 90_000,
  async create(options = {}) {
    const docker = new Docker();
    const parts = await startTraced(new DockerRuntime({ logger: nopLogger }), {
      backoffInitialMs: 500,
      podDns: true,
      ...options,
    });
    return {
      ...parts,
      realDns: true,
      holdMs: 10_000,
      async addImage(ref) {
        const [repo, tag] = ref.split(':');
        await docker.getImage('busybox:latest').tag({ repo: repo!, tag: tag! });
      },
      async removeImage(ref) {
        await docker
          .getImage(ref)
          .remove()
          .catch(() => undefined);
      },
      stop: () => parts.h.stop(),
    };
  },
};
