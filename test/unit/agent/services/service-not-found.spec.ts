import { expect } from 'chai';
import { ManualClock } from '../../../../agent/clock';
import { EventRecorder } from '../../../../agent/events/recorder';
import { nopLogger } from '../../../../agent/log';
import type { Pod } from '../../../../agent/model/pod';
import { serviceNotFoundReporter } from '../../../../agent/services/service-not-found';
import { ObjectStore, ResourceVersions, noPersistence } from '../../../../agent/store/object-store';
import { aPod } from '../../../helpers/builders';

describe('agent/services/service-not-found', () => {
  const QNAME = 'myservice.default.svc.cluster.local';
  let pods: ObjectStore<Pod>;
  let events: EventRecorder;
  let pod: Pod;
  let report: ReturnType<typeof serviceNotFoundReporter>;
  beforeEach(() => {
    const clock = new ManualClock();
    pods = new ObjectStore<Pod>('Pod', {
      clock,
      versions: new ResourceVersions(),
      persistence: noPersistence,
    });
    events = new EventRecorder({ clock, logger: nopLogger, host: 'node' });
    pod = pods.create(aPod());
    report = serviceNotFoundReporter({ pods, events });
  });

  it('tells which init container asks for which missing Service, on that container', () => {
    report({ name: 'p', namespace: 'default', initContainer: 'init-myservice' }, QNAME);
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

  it('names the pod, with no field path, when no init container is running', () => {
    report({ name: 'p', namespace: 'default' }, 'mydb.other.svc.cluster.local');
    const [ev] = events.list();
    expect(ev?.message).to.equal(
      'pod p: lookups of mydb.other.svc.cluster.local fail: no Service mydb in namespace other',
    );
    expect(ev?.involvedObject).to.not.have.property('fieldPath');
  });

  it('records nothing for a pod that is gone', () => {
    report({ name: 'gone', namespace: 'default', initContainer: 'x' }, QNAME);
    expect(events.list()).to.deep.equal([]);
  });
});
