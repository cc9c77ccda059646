// An Executor on a memory runtime with files under a scratch folder, as the executor's unit tests need it;
// `prefetch` adds early image pulls (agent/images/image-prefetch.ts) with that many at once.
import type { ManualClock } from '../../agent/clock';
import type { EventRecorder } from '../../agent/events/recorder';
import { ImagePrefetch } from '../../agent/images/image-prefetch';
import { ImagePuller } from '../../agent/images/image-puller';
import { nopLogger } from '../../agent/log';
import { BackoffTable } from '../../agent/planner/backoff';
import type { MemoryRuntime } from '../../agent/runtime/memory-runtime';
import type { ConfigLookup } from '../../agent/sync/container-env';
import { Executor } from '../../agent/sync/executor';
import type { ServiceLister } from '../../agent/services/service-env';
import { PodFiles } from '../../agent/sync/pod-files';
import { PodVolumes } from '../../agent/sync/pod-volumes';
import { noConfigObjects } from '../../agent/volumes/config-source';
import { noTmpfs } from '../../agent/volumes/tmpfs';

export function memoryExecutor(o: {
  rt: MemoryRuntime;
  clock: ManualClock;
  events: EventRecorder;
  dataDir: string;
  sources?: ConfigLookup;
  services?: ServiceLister;
  prefetch?: number;
}): Executor {
  const { rt, clock } = o;
  const files = new PodFiles(o.dataDir);
  const images = new ImagePuller({ runtime: rt, mode: 'offline' });
  return new Executor({
    runtime: rt,
    clock,
    logger: nopLogger,
    events: o.events,
    files,
    images,
    ...(o.prefetch
      ? { prefetch: new ImagePrefetch({ images, clock, logger: nopLogger, concurrency: o.prefetch }) }
      : {}),
    volumes: new PodVolumes({
      files,
      runtime: rt,
      config: noConfigObjects,
      node: { cpuCores: 2, memoryBytes: 2 ** 30 },
      tmpfs: noTmpfs,
      clock,
      logger: nopLogger,
    }),
    dns: { nameserver: '10.245.0.1', domain: 'cluster.local', hostResolvConf: () => '' },
    network: () => ({ name: 'mk-test', subnet: '10.245.0.0/16', gateway: '10.245.0.1' }),
    hostIP: () => '192.0.2.1',
    backoff: new BackoffTable(),
    pullBackoff: new BackoffTable(),
    sources: o.sources ?? { configMap: () => undefined, secret: () => undefined },
    services: o.services ?? { list: () => [] },
  });
}
