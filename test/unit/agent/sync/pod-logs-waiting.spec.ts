// `kubectl logs` on a container with no instance yet says why, as the kubelet does: its waiting reason, with
// the image pull failures in the kubelet's words (not always "ContainerCreating").
import { expect } from 'chai';
import { ManualClock } from '../../../../agent/clock';
import type { ContainerStatus, Pod } from '../../../../agent/model/pod';
import { MemoryRuntime } from '../../../../agent/runtime/memory-runtime';
import { podLogs } from '../../../../agent/sync/pod-logs';
import { aPod } from '../../../helpers/builders';

const waiting = (name: string, reason: string): ContainerStatus =>
  ({
    name,
    ready: false,
    restartCount: 0,
    image: 'i',
    imageID: '',
    state: { waiting: { reason } },
  }) as ContainerStatus;

async function message(pod: Pod, container: string): Promise<string> {
  const logs = podLogs(new MemoryRuntime(new ManualClock()));
  try {
    await logs(pod, { container });
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the logs to be refused');
}

describe('pod logs of a container that has not started', () => {
  const cases: [string | undefined, string][] = [
    ['ImagePullBackOff', 'trying and failing to pull image'],
    ['ErrImagePull', "image can't be pulled"],
    ['CreateContainerConfigError', 'CreateContainerConfigError'],
    [undefined, 'ContainerCreating'],
  ];
  for (const [reason, told] of cases) {
    it(`${reason ?? 'no status yet'}: ${told}`, async () => {
      const pod = aPod({ apps: ['app'] });
      if (reason) pod.status.containerStatuses = [waiting('app', reason)];
      expect(await message(pod, 'app')).to.equal(`container "app" in pod "p" is waiting to start: ${told}`);
    });
  }

  it('an init container without a status waits for PodInitializing', async () => {
    const pod = aPod({ inits: ['init'], apps: ['app'] });
    expect(await message(pod, 'init')).to.equal(
      'container "init" in pod "p" is waiting to start: PodInitializing',
    );
  });
});
