// Injected pod usage for the HPA controller (AgentOptions.hpaUsage): every running pod of a namespace at
// `cpuMilli`, sampled "now" by the given clock over a `windowSeconds` window, as the stats collector reports.
import type { Clock } from '../../agent/clock';
import type { Pod } from '../../agent/model/pod';
import type { ContainerUsage, ResourceUsage, UsageSnapshot } from '../../agent/ports/resource-usage';

export class FakeUsage implements ResourceUsage {
  cpuMilli = 0;
  constructor(
    private readonly pods: () => Pod[],
    private readonly clock: Clock,
    private readonly windowSeconds = 10,
  ) {}

  snapshot(): UsageSnapshot {
    const containers: ContainerUsage[] = this.pods()
      .filter((p) => p.status.phase === 'Running')
      .map((p) => ({
        namespace: p.metadata.namespace,
        pod: p.metadata.name,
        podUid: p.metadata.uid,
        container: p.spec.containers[0]?.name ?? '',
        startTimeSeconds: 0,
        cpuSeconds: 0,
        cpuCores: this.cpuMilli / 1000,
        workingSetBytes: 1 << 20,
      }));
    return {
      at: this.clock.now(),
      windowSeconds: this.windowSeconds,
      containers,
      node: undefined,
      error: false,
    };
  }
}
