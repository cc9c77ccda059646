// A pod with 60 000 labels is accepted (as upstream accepts it); the engine must still be able to run it
// (issue 18: the pod labels copied onto the sandbox made its create request too large, 431, and the pod
// stayed ContainerCreating with the error only in the log).
import { expect } from 'chai';
import Docker from 'dockerode';
import { nopLogger } from '../../agent/log';
import { DockerRuntime } from '../../agent/runtime/docker-runtime';
import { Harness } from '../helpers/harness';

describe('a pod with 60 000 labels (real engine)', function () {
  this.timeout(90_000);
  let h: Harness;
  before(async () => {
    h = await new Harness({ runtime: new DockerRuntime({ logger: nopLogger }) }).start();
  });
  after(async () => h.stop());

  it('runs, its sandbox carrying the identity labels (not the 60 000)', async () => {
    const labels: Record<string, string> = { app: 'many' };
    for (let i = 0; i < 60_000; i++) labels[`label-${i}`] = `value-${i}`;
    const pod = await h.createPod({
      kind: 'Pod',
      metadata: { name: 'many-labels', labels },
      spec: {
        terminationGracePeriodSeconds: 0,
        containers: [{ name: 'main', image: 'busybox', command: ['sleep', '3600'] }],
      },
    });
    const running = await h
      .waitFor(
        'many-labels Running',
        () => {
          const p = h.pod('many-labels');
          return p?.status.phase === 'Running' ? p : undefined;
        },
        60_000,
      )
      .catch((err: Error) => {
        const p = h.pod('many-labels');
        throw new Error(`${err.message}; status ${JSON.stringify(p?.status)}`);
      });
    expect(running.status.containerStatuses?.[0]?.state.running).to.not.equal(undefined);
    const sandboxes = await new Docker().listContainers({
      all: true,
      filters: {
        label: [`io.kubernetes.pod.uid=${pod.metadata.uid}`, 'io.kubernetes.docker.type=podsandbox'],
      },
    });
    expect(sandboxes).to.have.length(1);
    expect(sandboxes[0]?.Labels).to.include({ 'io.kubernetes.pod.name': 'many-labels' });
    expect(sandboxes[0]?.Labels).to.not.have.property('label-59999');
    const gone = await h.api.inject({ method: 'DELETE', url: '/pods/many-labels?gracePeriodSeconds=0' });
    expect(gone.statusCode).to.equal(200);
  });
});
