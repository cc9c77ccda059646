// Container fields and logs on the real engine: command/args, env with fieldRefs, workingDir, limits,
// securityContext, and the log options (previous, tailLines, timestamps, follow).
import { expect } from 'chai';
import Docker from 'dockerode';
import { nopLogger } from '../../agent/log';
import type { Pod } from '../../agent/model/pod';
import { DockerRuntime } from '../../agent/runtime/docker-runtime';
import { Harness } from '../helpers/harness';

const docker = new Docker();

describe('container fields and logs (real engine)', function () {
  this.timeout(60_000);
  let h: Harness;
  before(async () => {
    h = await new Harness({
      runtime: new DockerRuntime({ logger: nopLogger }),
      backoffInitialMs: 500,
    }).start();
  });
  after(async () => h.stop());

  const pod = (name: string): Pod => h.pod(name)!;
  const log = async (query: string): Promise<string> => (await h.api.inject({ url: `/pods/${query}` })).body;
  const idOf = (name: string, i = 0): string =>
    pod(name).status.containerStatuses![i]!.containerID!.slice('docker://'.length);

  it('passes command, args, env (with fieldRefs) and workingDir, and applies limits and securityContext', async () => {
    await h.createPod({
      metadata: { name: 'fields', labels: { tier: 'web' } },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [
          {
            name: 'c',
            image: 'busybox',
            command: ['sh', '-c'],
            args: [
              'echo "$GREETING $POD_NAME $POD_NS $POD_IP $TIER $(pwd) $(id -u)"; touch /rofs 2>/dev/null || echo read-only; sleep 3600',
            ],
            workingDir: '/tmp',
            env: [
              { name: 'GREETING', value: 'hello' },
              { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'POD_NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
              { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
              { name: 'TIER', valueFrom: { fieldRef: { fieldPath: "metadata.labels['tier']" } } },
            ],
            resources: { limits: { memory: '64Mi', cpu: '250m' } },
            securityContext: { runAsUser: 65534, readOnlyRootFilesystem: true },
          },
        ],
      },
    });
    await h.waitFor('running', () => pod('fields').status.containerStatuses?.[0]?.state.running);
    let out = '';
    for (let i = 0; i < 40 && !out.includes('read-only'); i++) {
      out = await log('fields/log');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(out).to.equal(`hello fields default ${pod('fields').status.podIP} web /tmp 65534\nread-only\n`);
    const info = await docker.getContainer(idOf('fields')).inspect();
    expect(info.HostConfig.Memory).to.equal(64 * 1024 * 1024);
    expect(info.HostConfig.NanoCpus).to.equal(250_000_000);
    expect(info.HostConfig.ReadonlyRootfs).to.equal(true);
    expect(info.Config.User).to.equal('65534');
  });

  it('keeps the previous instance for --previous, and honours tailLines and timestamps', async () => {
    await h.createPod({
      metadata: { name: 'crashy' },
      spec: {
        volumes: [{ name: 'd', emptyDir: {} }],
        containers: [
          {
            name: 'c',
            image: 'busybox',
            command: [
              'sh',
              '-c',
              'n=$(cat /d/n 2>/dev/null || echo 0); echo $((n+1)) > /d/n; echo one; echo two; echo run $n; [ $n = 0 ] && exit 3; sleep 3600',
            ],
            volumeMounts: [{ name: 'd', mountPath: '/d' }],
          },
        ],
      },
    });
    await h.waitFor(
      'second run',
      () =>
        pod('crashy').status.containerStatuses?.[0]?.restartCount === 1 &&
        pod('crashy').status.containerStatuses?.[0]?.state.running,
    );
    for (let i = 0; i < 40 && !(await log('crashy/log')).includes('run 1'); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await log('crashy/log')).to.equal('one\ntwo\nrun 1\n');
    expect(await log('crashy/log?previous=true')).to.equal('one\ntwo\nrun 0\n');
    expect(await log('crashy/log?tailLines=1')).to.equal('run 1\n');
    expect(await log('crashy/log?timestamps=true&tailLines=1')).to.match(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z run 1\n$/,
    );
    expect(pod('crashy').status.containerStatuses?.[0]?.lastState.terminated).to.include({
      exitCode: 3,
      reason: 'Error',
    });
  });

  it('follows a log until the container stops', async () => {
    await h.createPod({
      metadata: { name: 'ticker' },
      spec: {
        restartPolicy: 'Never',
        containers: [
          {
            name: 'c',
            image: 'busybox',
            command: ['sh', '-c', 'for i in 1 2 3; do echo tick $i; sleep 0.3; done'],
          },
        ],
      },
    });
    await h.waitFor('running', () => pod('ticker').status.containerStatuses?.[0]?.state.running);
    const address = await h.api.listen({ host: '127.0.0.1', port: 0 });
    const t0 = Date.now();
    const res = await fetch(`${address}/pods/ticker/log?follow=true`);
    const text = await res.text(); // ends only when the container stops
    expect(text).to.equal('tick 1\ntick 2\ntick 3\n');
    expect(Date.now() - t0).to.be.above(300);
  });
});
