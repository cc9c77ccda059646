// The Service variables through the agent's own wiring (createAgent, memory runtime): a container gets those of
// the Services that exist when it is created, and keeps them; a Service made later reaches only containers
// created after it, as the kubelet does.
import { expect } from 'chai';
import { systemClock } from '../../../../agent/clock';
import type { Service } from '../../../../agent/model/service';
import { MemoryRuntime } from '../../../../agent/runtime/memory-runtime';
import { Harness } from '../../../helpers/harness';

const NS = '/api/v1/namespaces/default';

describe('sync: Service environment variables (memory runtime)', () => {
  let h: Harness;
  let rt: MemoryRuntime;
  beforeEach(async () => {
    rt = new MemoryRuntime(systemClock);
    h = await new Harness({ runtime: rt, clock: systemClock }).start();
  });
  afterEach(async () => h.stop());

  const service = async (name: string, port: number): Promise<Service> => {
    const res = await h.api.inject({
      method: 'POST',
      url: `${NS}/services`,
      payload: { metadata: { name }, spec: { selector: { app: name }, ports: [{ name: 'main', port }] } },
    });
    expect(res.statusCode, res.body).to.equal(201);
    return res.json<Service>();
  };
  /** The newest container `c` of a pod, with the spec it was created from. */
  const created = (pod: string) =>
    [...rt.containers.values()].filter((c) => c.podName === pod && c.name === 'c').at(-1);
  const envOf = async (pod: string): Promise<string[]> => {
    await h.waitFor(`${pod} running`, () => h.pod(pod)?.status.containerStatuses?.[0]?.state.running);
    return created(pod)?.spec?.env ?? [];
  };
  const pod = (name: string) => ({
    metadata: { name },
    spec: {
      containers: [
        {
          name: 'c',
          image: 'busybox',
          command: ['sh', '-c', 'echo $(BEFORE_SERVICE_HOST)'],
          env: [{ name: 'URL', value: 'http://$(BEFORE_SERVICE_HOST):$(BEFORE_SERVICE_PORT_MAIN)' }],
        },
      ],
    },
  });

  it('gives a container the variables of a Service made before it, not of one made after', async () => {
    const before = await service('before', 6379);
    const ip = before.spec.clusterIP;
    await h.createPod(pod('early'));
    const early = await envOf('early');
    expect(early).to.include.members([
      `URL=http://${ip}:6379`,
      `BEFORE_SERVICE_HOST=${ip}`,
      'BEFORE_SERVICE_PORT=6379',
      'BEFORE_SERVICE_PORT_MAIN=6379',
      `BEFORE_PORT=tcp://${ip}:6379`,
      `BEFORE_PORT_6379_TCP_ADDR=${ip}`,
    ]);
    expect(created('early')?.spec?.command).to.deep.equal(['sh', '-c', `echo ${ip}`]);

    const after = await service('after', 8080);
    await h.createPod(pod('late'));
    expect(await envOf('late')).to.include(`AFTER_SERVICE_HOST=${after.spec.clusterIP}`);
    const unchanged = created('early')?.spec?.env ?? [];
    expect(unchanged, 'a running container keeps its env').to.deep.equal(early);
    expect(unchanged.filter((e) => e.startsWith('AFTER_'))).to.deep.equal([]);
  });

  it('gives only the master Service to a pod with enableServiceLinks false', async () => {
    await service('web', 80);
    // the agent keeps default/kubernetes as kube-apiserver does (agent/services/kubernetes-service.ts)
    expect(h.services.get('default', 'kubernetes')?.spec.clusterIP).to.equal('10.96.0.1');
    await h.createPod({ ...pod('p'), spec: { ...pod('p').spec, enableServiceLinks: false } });
    const names = (await envOf('p')).map((e) => e.slice(0, e.indexOf('=')));
    expect(names.filter((n) => n.startsWith('WEB_'))).to.deep.equal([]);
    expect(names).to.include.members(['KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT_HTTPS', 'URL']);
  });
});
