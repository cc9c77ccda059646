// The runtime contract (test/contract) on the memory runtime, playing the scenario programs.
import { systemClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { runtimeContract } from '../../contract/runtime-contract';
import { playPrograms } from '../../scenarios/worlds/memory-programs';

runtimeContract({
  name: 'MemoryRuntime',
  timeoutMs: 5_000,
  async create() {
    const runtime = new MemoryRuntime(systemClock);
    const player = playPrograms(runtime);
    return {
      runtime,
      network: { name: 'mk-test', subnet: '10.245.0.0/16' },
      image: 'busybox',
      missingImage: '127.0.0.1:1/nosuch:1',
      async stop() {
        await Promise.resolve(player.stop());
      },
    };
  },
});
