// A StatefulSet on the real engine: its pod mounts the claim made from its volumeClaimTemplate, writes a file
// there; the pod deleted, the controller re-creates web-0, which reads the file back (the claim's directory
// outlived the pod), with the pod's name as its hostname.
import { expect } from 'chai';
import { nopLogger } from '../../agent/log';
import { DockerRuntime } from '../../agent/runtime/docker-runtime';
import { Harness } from '../helpers/harness';

describe('StatefulSets (real engine)', function () {
  this.timeout(120_000);
  let h: Harness;
  before(async () => {
    h = await new Harness({ runtime: new DockerRuntime({ logger: nopLogger }) }).start();
  });
  after(async () => h.stop());

  const runningWeb0 = (notUid?: string) =>
    h.waitFor(
      'web-0 running',
      () => {
        const p = h.pod('web-0');
        const id =
          p?.status.containerStatuses?.[0]?.state.running && p.status.containerStatuses[0].containerID;
        return p && p.metadata.uid !== notUid && id
          ? { uid: p.metadata.uid, id: id.slice('docker://'.length) }
          : undefined;
      },
      60_000,
    );
  const sh = async (id: string, script: string): Promise<string> =>
    (await h.runtime.exec(id, ['sh', '-c', script], 10_000)).output.trim();

  it('keeps the data of a claim template across the pod re-created by the controller', async () => {
    const res = await h.api.inject({
      method: 'POST',
      url: '/apis/apps/v1/namespaces/default/statefulsets',
      payload: {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'web' },
        spec: {
          replicas: 1,
          serviceName: 'web',
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: {
              terminationGracePeriodSeconds: 0,
              containers: [
                {
                  name: 'web',
                  image: 'busybox',
                  command: ['sleep', '3600'],
                  volumeMounts: [{ name: 'www', mountPath: '/data' }],
                },
              ],
            },
          },
          volumeClaimTemplates: [
            {
              metadata: { name: 'www' },
              spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Mi' } } },
            },
          ],
        },
      },
    });
    expect(res.statusCode, res.body).to.equal(201);
    const first = await runningWeb0();
    expect(await sh(first.id, 'hostname')).to.equal('web-0');
    await sh(first.id, 'echo written-by-$(hostname) > /data/note');
    await h.api.inject({
      method: 'DELETE',
      url: '/api/v1/namespaces/default/pods/web-0?gracePeriodSeconds=0',
    });
    const second = await runningWeb0(first.uid);
    expect(await sh(second.id, 'cat /data/note')).to.equal('written-by-web-0');
    expect(h.agent.persistentVolumeClaims.get('default', 'www-web-0')?.status.phase).to.equal('Bound');
    await h.api.inject({ method: 'DELETE', url: '/apis/apps/v1/namespaces/default/statefulsets/web' });
    await h.waitFor('no pods', () => h.pods.list('default').length === 0, 60_000);
  });
});
