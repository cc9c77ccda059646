// Static pods (--pod-manifest-path): the watcher that reads the directory, and the controller that keeps
// one mirror pod per manifest in the pod store (agent/staticpods/, docs/workloads.md). Without the flag the
// controller still runs once with no files, so static pods left from a run with it are deleted, as the
// kubelet deletes orphaned mirror pods.
import { ManifestWatcher } from '../agent/staticpods/manifest-watcher';
import { StaticPodController, type StaticPodControllerDeps } from '../agent/staticpods/static-pod-controller';

/** The backstop rescan: the kubelet's fileCheckFrequency (20 s); fs.watch makes changes prompt. */
export const FILE_CHECK_MS = 20_000;

export interface StaticPods {
  readonly controller: StaticPodController;
  start(): void;
  stop(): void;
}

export function createStaticPods(o: StaticPodControllerDeps & { dir: string }): StaticPods {
  const logger = o.logger.child({ component: 'static-pods' });
  const controller = new StaticPodController({ ...o, logger });
  const watcher = o.dir
    ? new ManifestWatcher({
        dir: o.dir,
        clock: o.clock,
        logger,
        rescanMs: FILE_CHECK_MS,
        onScan: (files) => controller.apply(files),
      })
    : undefined;
  return {
    controller,
    start() {
      controller.start();
      if (watcher) watcher.start();
      else controller.apply([]);
    },
    stop() {
      watcher?.stop();
      controller.stop();
    },
  };
}
