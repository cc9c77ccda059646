import { expect } from 'chai';
import { ManualClock } from '../../../../agent/clock';
import { EventRecorder } from '../../../../agent/events/recorder';
import { nopLogger } from '../../../../agent/log';
import type { Pod } from '../../../../agent/model/pod';
import type { Endpoints, Service } from '../../../../agent/model/service';
import { MemoryRuntime } from '../../../../agent/runtime/memory-runtime';
import type { ContainerRuntime, ContainerSpec } from '../../../../agent/runtime/runtime';
import { serviceNotFoundReporter } from '../../../../agent/services/service-not-found';
import { ObjectStore, ResourceVersions, noPersistence } from '../../../../agent/store/object-store';
import { RunningInitTracker } from '../../../../agent/sync/running-init-tracker';
import { ClusterCatalog } from '../../../../dns/cluster-catalog';
import { aPod } from '../../../helpers/builders';

describe('agent/services/service-not-found', () => {
  const QNAME = 'myservice.default.svc.cluster.local';
  let clock: ManualClock;
  let pods: ObjectStore<Pod>;
  let events: EventRecorder;
  let pod: Pod;
  let memory: MemoryRuntime;
  let runtime: ContainerRuntime;
  let report: ReturnType<typeof serviceNotFoundReporter>;
  const store = <T extends Pod | Service | Endpoints>(kind: string): ObjectStore<T> =>
    new ObjectStore<T>(kind, { clock, versions: new ResourceVersions(), persistence: noPersistence });
  const initSpec = (name: string): ContainerSpec => ({
    identity: {
      podUid: pod.metadata.uid,
      podName: 'p',
      podNamespace: 'default',
      kind: 'init',
      name,
      attempt: 0,
      specHash: '',
    },
    image: 'busybox',
    env: [],
    mounts: [],
  });
  /** Creates and starts an init container through the tracked runtime, as the sync loop does. */
  const startInit = async (name: string): Promise<string> => {
    const id = await runtime.createContainer(initSpec(name));
    await runtime.startContainer(id);
    return id;
  };

  beforeEach(() => {
    clock = new ManualClock();
    pods = store<Pod>('Pod');
    events = new EventRecorder({ clock, logger: nopLogger, host: 'node' });
    pod = pods.create(aPod());
    const tracker = new RunningInitTracker();
    memory = new MemoryRuntime(clock);
    runtime = tracker.wrap(memory);
    report = serviceNotFoundReporter({ pods, events, runningInit: tracker.runningInit });
  });

  it('tells which init container asks for which missing Service, on that container', async () => {
    await startInit('init-myservice');
    report({ name: 'p', namespace: 'default' }, QNAME);
    const [ev, ...more] = events.list();
    expect(more).to.deep.equal([]);
    expect(ev).to.deep.include({
      type: 'Warning',
      reason: 'ServiceNotFound',
      message:
        'init container init-myservice: lookups of myservice.default.svc.cluster.local fail: no Service myservice in namespace default',
    });
    expect(ev?.involvedObject).to.deep.include({
      kind: 'Pod',
      name: 'p',
      namespace: 'default',
      uid: pod.metadata.uid,
      fieldPath: 'spec.initContainers{init-myservice}',
    });
  });

  it('names the pod, with no field path, when no init container is running', async () => {
    memory.exit(await startInit('init-myservice'), 0);
    await runtime.listContainers(pod.metadata.uid); // the sync loop sees the exit
    report({ name: 'p', namespace: 'default' }, 'mydb.other.svc.cluster.local');
    const [ev] = events.list();
    expect(ev?.message).to.equal(
      'pod p: lookups of mydb.other.svc.cluster.local fail: no Service mydb in namespace other',
    );
    expect(ev?.involvedObject).to.not.have.property('fieldPath');
  });

  it('records nothing for a pod that is gone', async () => {
    await startInit('x');
    report({ name: 'gone', namespace: 'default' }, QNAME);
    expect(events.list()).to.deep.equal([]);
  });

  it('names the init container the runtime runs now, not the one a lagging status shows (issue 18)', async () => {
    // The tutorial after myservice exists: init-myservice has exited and init-mydb runs and asks for mydb,
    // but the published status still says init-myservice is running.
    const first = await startInit('init-myservice');
    memory.exit(first, 0);
    await runtime.listContainers(pod.metadata.uid); // the worker observes the exit
    await startInit('init-mydb');
    const running = { name: 'init-myservice', state: { running: { startedAt: '2026-01-01T00:00:00Z' } } };
    const lagging = { phase: 'Pending', podIP: '10.0.0.3', initContainerStatuses: [running] };
    pods.update({ ...pod, status: lagging as unknown as Pod['status'] }, { specChanged: false });
    const catalog = new ClusterCatalog({ pods, services: store('Service'), endpoints: store('Endpoints') });

    report(catalog.podByIp('10.0.0.3')!, 'mydb.default.svc.cluster.local');

    expect(events.list().map((e) => e.message)).to.deep.equal([
      'init container init-mydb: lookups of mydb.default.svc.cluster.local fail: no Service mydb in namespace default',
    ]);
  });
});
