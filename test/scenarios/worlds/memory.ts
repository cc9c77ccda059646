// The memory runtime: it runs no commands, so each container plays its program's model (programs.ts). The
// tutorial's nslookup loop asks the service lookup hook: does the Service exist in the store yet.
import { systemClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import type { WorldFactory } from '../world';
import { startTraced } from './common';
import { playPrograms } from './memory-programs';

export const memoryWorld: WorldFactory = {
  name: 'memory',
  timeoutMs: 10_000,
  async create(options = {}) {
    const rt = new MemoryRuntime(systemClock);
    const parts = await startTraced(rt, { backoffInitialMs: 20, ...options });
    const player = playPrograms(rt, (namespace, service) => !!parts.h.services.get(namespace, service));
    return {
      ...parts,
      realDns: false,
      holdMs: 300,
      async addImage(ref) {
        await Promise.resolve(rt.images.add(ref));
      },
      async removeImage(ref) {
        await Promise.resolve(rt.images.delete(ref));
      },
      async stop() {
        player.stop();
        await parts.h.stop();
      },
    };
  },
};
