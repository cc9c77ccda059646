import { expect } from 'chai';
import Docker from 'dockerode';
import { readFileSync } from 'node:fs';
import { nopLogger } from '../../agent/log';
import type { Pod } from '../../agent/model/pod';
import { DockerRuntime } from '../../agent/runtime/docker-runtime';
import { Harness } from '../helpers/harness';

const docker = new Docker();
const podYaml = (
  name: string,
  image = 'busybox',
  command = 'echo hello from $HOSTNAME; sleep 3600',
): string => `
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {app: first}
spec:
  containers:
  - name: main
    image: ${image}
    command: ['sh', '-c', '${command}']
`;

// Each test stands alone (`--grep` runs any one): `before` posts yaml-pod, which most of them read; a test
// that changes a pod makes its own.
describe('first pod end to end (real engine)', function () {
  this.timeout(60_000);
  let h: Harness;
  let created: { statusCode: number; pod: Pod };

  const postYaml = async (name: string): Promise<{ statusCode: number; pod: Pod }> => {
    const res = await h.api.inject({
      method: 'POST',
      url: '/pods',
      headers: { 'content-type': 'application/yaml' },
      payload: podYaml(name),
    });
    return { statusCode: res.statusCode, pod: res.json<Pod>() };
  };

  before(async () => {
    h = await new Harness({ runtime: new DockerRuntime({ logger: nopLogger }) }).start();
    created = await postYaml('yaml-pod');
  });
  after(async () => h.stop());

  const running = (name: string) => (): Pod | undefined => {
    const p = h.pod(name);
    return p?.status.phase === 'Running' && p.status.containerStatuses?.[0]?.state.running ? p : undefined;
  };

  it('stores a YAML pod with defaults and answers 201', () => {
    expect(created.statusCode).to.equal(201);
    const pod = created.pod;
    expect(pod.metadata.uid).to.match(/^[0-9a-f-]{36}$/);
    expect(pod.metadata.namespace).to.equal('default');
    expect(pod.metadata.creationTimestamp).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(pod.spec.restartPolicy).to.equal('Always');
    expect(pod.spec.dnsPolicy).to.equal('ClusterFirst');
    expect(pod.spec.terminationGracePeriodSeconds).to.equal(30);
    expect(pod.spec.containers[0]?.imagePullPolicy).to.equal('IfNotPresent');
  });

  it('runs it: sandbox on the bridge network, the container in its namespace, live status', async () => {
    const pod = await h.waitFor('yaml-pod running', running('yaml-pod'));
    expect(pod.status.podIP).to.match(/^10\.245\./);
    const cs = pod.status.containerStatuses?.[0];
    expect(cs).to.include({ name: 'main', ready: true, restartCount: 0, started: true });
    expect(cs?.containerID).to.match(/^docker:\/\/[0-9a-f]{64}$/);
    expect(cs?.imageID).to.match(/^sha256:/);
    const names = (
      await docker.listContainers({ filters: { label: [`io.kubernetes.pod.uid=${pod.metadata.uid}`] } })
    ).map((c) => c.Names[0]);
    expect(names).to.have.members([
      `/k8s_POD_yaml-pod_default_${pod.metadata.uid}_0`,
      `/k8s_main_yaml-pod_default_${pod.metadata.uid}_0`,
    ]);
    const sandbox = await docker.getContainer(`k8s_POD_yaml-pod_default_${pod.metadata.uid}_0`).inspect();
    expect(Object.keys(sandbox.NetworkSettings.Networks)).to.deep.equal(['mk-test']);
    const app = await docker.getContainer(`k8s_main_yaml-pod_default_${pod.metadata.uid}_0`).inspect();
    expect(app.HostConfig.NetworkMode).to.equal(`container:${sandbox.Id}`);
    expect(app.Config.Labels).to.include({
      'io.kubernetes.pod.name': 'yaml-pod',
      'io.kubernetes.container.name': 'main',
    });
  });

  it('lists pods as a PodList and as kubectl-style text', async () => {
    await h.waitFor('yaml-pod running', running('yaml-pod'));
    const list = (await h.api.inject({ url: '/pods' })).json<{ kind: string; items: Pod[] }>();
    expect(list.kind).to.equal('PodList');
    expect(list.items.map((p) => p.metadata.name)).to.include('yaml-pod');
    const text = (await h.api.inject({ url: '/pods', headers: { accept: 'text/plain' } })).body;
    expect(text.split('\n')[0]).to.match(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(text).to.match(/yaml-pod\s+1\/1\s+Running\s+0\s+\d+s/);
  });

  it('serves the container log', async () => {
    await h.waitFor('yaml-pod running', running('yaml-pod'));
    const log = () => h.api.inject({ url: '/pods/yaml-pod/log?container=main' });
    for (let i = 0; i < 40 && (await log()).body === ''; i++) await new Promise((r) => setTimeout(r, 50));
    const res = await log();
    expect(res.statusCode).to.equal(200);
    expect(res.body).to.equal('hello from yaml-pod\n');
  });

  it('accepts JSON too, and writes the pod resolv.conf for cluster DNS', async () => {
    const res = await h.api.inject({
      method: 'POST',
      url: '/pods',
      payload: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'json-pod' },
        spec: {
          containers: [
            {
              name: 'c',
              image: 'docker.io/busybox',
              command: ['sh', '-c', 'cat /etc/resolv.conf; sleep 3600'],
            },
          ],
        },
      },
    });
    expect(res.statusCode).to.equal(201);
    await h.waitFor('json-pod running', running('json-pod'));
    const log = await h.waitFor('resolv.conf in log', () => {
      const body = readFileSync(`${h.dataDir}/pods/${h.pod('json-pod')!.metadata.uid}/resolv.conf`, 'utf8');
      return body;
    });
    expect(log)
      .to.contain('search default.svc.cluster.local svc.cluster.local cluster.local')
      .and.contain('options ndots:5');
    const out = (await h.api.inject({ url: '/pods/json-pod/log' })).body;
    expect(out).to.contain('search default.svc.cluster.local');
  });

  it('reports ErrImagePull, then ImagePullBackOff, for an image that cannot be pulled, and keeps going', async () => {
    await h.createPod({
      metadata: { name: 'bad-image' },
      spec: { containers: [{ name: 'c', image: '127.0.0.1:1/nosuch:1' }] },
    });
    const waiting = (): string | undefined =>
      h.pod('bad-image')?.status.containerStatuses?.[0]?.state.waiting?.reason;
    await h.waitFor('ErrImagePull', () => waiting() === 'ErrImagePull');
    const msg = h.pod('bad-image')?.status.containerStatuses?.[0]?.state.waiting?.message;
    expect(msg).to.contain('127.0.0.1:1');
    await h.waitFor('ImagePullBackOff', () => waiting() === 'ImagePullBackOff', 5_000);
    expect(h.pod('bad-image')?.status.phase).to.equal('Pending');
    const text = (await h.api.inject({ url: '/pods', headers: { accept: 'text/plain' } })).body;
    expect(text).to.match(/bad-image\s+0\/1\s+ImagePullBackOff/);
    await h.waitFor('yaml-pod running', running('yaml-pod'));
  });

  it('deletes a pod: containers and files removed, then 404', async () => {
    expect((await postYaml('doomed-pod')).statusCode).to.equal(201);
    const uid = (await h.waitFor('doomed-pod running', running('doomed-pod'))).metadata.uid;
    const res = await h.api.inject({ method: 'DELETE', url: '/pods/doomed-pod?gracePeriodSeconds=1' });
    expect(res.statusCode).to.equal(200);
    expect(res.json<Pod>().metadata.deletionTimestamp).to.be.a('string');
    await h.waitFor('doomed-pod gone', () => !h.pod('doomed-pod'));
    expect(
      await docker.listContainers({ all: true, filters: { label: [`io.kubernetes.pod.uid=${uid}`] } }),
    ).to.deep.equal([]);
    const get = await h.api.inject({ url: '/pods/doomed-pod' });
    expect(get.statusCode).to.equal(404);
    expect(get.json()).to.include({
      kind: 'Status',
      reason: 'NotFound',
      message: 'pods "doomed-pod" not found',
    });
  });
});
