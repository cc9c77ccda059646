// The runtime contract (test/contract) on the real engine.
import { nopLogger } from '../../agent/log';
import { DockerRuntime } from '../../agent/runtime/docker-runtime';
import { runtimeContract } from '../contract/runtime-contract';

runtimeContract({
  name: 'DockerRuntime',
  timeoutMs: 30_000,
  async create() {
    return {
      runtime: new DockerRuntime({ logger: nopLogger }),
      network: { name: 'mk-test', subnet: '10.245.0.0/16' },
      image: 'busybox',
      missingImage: '127.0.0.1:1/nosuch:1',
      stop: () => Promise.resolve(),
    };
  },
});
