// kubectl debug with the real kubectl 1.35 and 1.29 on the real engine: an ephemeral container added through
// the ephemeralcontainers subresource, attached with -it, in the target's PID namespace; its status and
// events in `get -o json` and `describe`; and upstream's refusal to remove or change one.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import type { ContainerStatus, Pod } from '../../agent/model/pod';
import { KUBECTL_TEST_IMAGE as IMAGE, kubectlPodSuite } from '../helpers/kubectl-agent';
import type { Run } from '../helpers/kubectl';

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: debug-demo
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: ${IMAGE}
    command: ['sleep', '3601']
  - name: other
    image: ${IMAGE}
    command: ['sleep', '3602']
`;

describe('kubectl debug: ephemeral containers (real engine)', function () {
  this.timeout(120_000);
  const k = kubectlPodSuite(POD, 'debug-demo');
  const { kubectl } = k;
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, KUBECONFIG: k.kubeconfig });
  const status = (name: string): ContainerStatus | undefined =>
    k.h.pod('debug-demo')?.status.ephemeralContainerStatuses?.find((s) => s.name === name);

  /**
   * `kubectl debug -it` under `script` (a pseudo-terminal, so kubectl asks for a TTY): once attached, types
   * `ps`, then `exit`; resolves with everything the terminal showed.
   */
  const debugInteractive = (binary: string, name: string, target: string): Promise<Run> =>
    new Promise((done) => {
      const cmd = `${binary} --cache-dir ${k.cacheDir} debug -it debug-demo --image=${IMAGE} --target=${target} -c ${name} -- sh`;
      const child = spawn('script', ['-qec', cmd, '/dev/null'], { env: env() });
      let out = '';
      let typed = false;
      const timer = setTimeout(() => child.kill(), 60_000);
      const seen = (d: Buffer): void => {
        out += d.toString();
        // kubectl prints this line once it attaches; the shell's prompt may have gone before it
        if (!typed && /command prompt|# $/m.test(out)) {
          typed = true;
          child.stdin.write('ps -o pid,args; echo PS-DONE\n');
          setTimeout(() => child.stdin.write('exit\n'), 1500);
        }
      };
      child.stdout.on('data', seen);
      child.stderr.on('data', seen);
      child.on('close', (code) => {
        clearTimeout(timer);
        done({ code: code ?? 1, stdout: out, stderr: '' });
      });
    });

  it('v1.35: debug -it --target shares the target PID namespace; status, events and describe show it', async () => {
    const r = await debugInteractive(k.bin, 'dbg1', 'app');
    expect(r.stdout).to.contain('PS-DONE');
    expect(r.stdout, r.stdout).to.match(/sleep 3601/);
    expect(r.stdout, 'only the target, not the other container').not.to.match(/sleep 3602/);
    expect(r.code, r.stdout).to.equal(0);
    await k.h.waitFor('dbg1 terminated', () => status('dbg1')?.state.terminated !== undefined, 20_000);
    const json = JSON.parse((await kubectl(['get', 'pod', 'debug-demo', '-o', 'json'])).stdout) as Pod;
    const ec = json.spec.ephemeralContainers?.find((c) => c.name === 'dbg1');
    expect(ec).to.include({ targetContainerName: 'app', image: IMAGE, stdin: true, tty: true });
    const st = json.status.ephemeralContainerStatuses?.find((s) => s.name === 'dbg1');
    expect(st?.state.terminated?.exitCode).to.equal(0);
    expect(st?.ready).to.equal(false);
    expect(json.status.phase).to.equal('Running');
    const d = await kubectl(['describe', 'pod', 'debug-demo']);
    expect(d.stdout).to.match(/Ephemeral Containers:\n\s+dbg1:/);
    expect(d.stdout).to.match(/spec\.ephemeralContainers\{dbg1\}|Created container dbg1/);
    expect(d.stdout).to.contain('Started container dbg1');
  });

  it('is never restarted, and the default container stays the first app container', async () => {
    await new Promise((r) => setTimeout(r, 1500));
    expect(status('dbg1')?.state.terminated).to.not.equal(undefined);
    expect(status('dbg1')?.restartCount).to.equal(0);
    const r = await kubectl(['exec', 'debug-demo', '--', 'cat', '/proc/1/cmdline']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.replace(/\0/g, ' ')).to.contain('sleep 3601');
  });

  it('v1.35: debug without -it adds a container that runs its command; a second one too', async () => {
    const r = await kubectl(['debug', 'debug-demo', `--image=${IMAGE}`, '-c', 'dbg2', '--', 'true']);
    expect(r.code, r.stderr).to.equal(0);
    await k.h.waitFor('dbg2 completed', () => status('dbg2')?.state.terminated?.exitCode === 0, 30_000);
    const r2 = await kubectl(['debug', 'debug-demo', `--image=${IMAGE}`, '-c', 'dbg3', '--', 'sleep', '300']);
    expect(r2.code, r2.stderr).to.equal(0);
    await k.h.waitFor('dbg3 running', () => status('dbg3')?.state.running !== undefined, 30_000);
    const names = k.h.pod('debug-demo')?.spec.ephemeralContainers?.map((c) => c.name);
    expect(names).to.deep.equal(['dbg1', 'dbg2', 'dbg3']);
    // exec into an ephemeral container works; it has no target, so its own PID namespace
    const ps = await kubectl(['exec', 'debug-demo', '-c', 'dbg3', '--', 'ps', '-o', 'args']);
    expect(ps.code, ps.stderr).to.equal(0);
    expect(ps.stdout).to.contain('sleep 300').and.not.contain('sleep 3601');
  });

  it('v1.29: debug -it --target works with SPDY attach', async () => {
    const r = await debugInteractive(k.bin129, 'dbg4', 'other');
    expect(r.stdout).to.contain('PS-DONE');
    expect(r.stdout, r.stdout).to.match(/sleep 3602/);
    expect(r.code, r.stdout).to.equal(0);
  });

  it('refuses removing or changing an ephemeral container, through PATCH and PUT, as upstream', async () => {
    const url = '/api/v1/namespaces/default/pods/debug-demo/ephemeralcontainers';
    const remove = await k.h.api.inject({
      method: 'PATCH',
      url,
      headers: { 'content-type': 'application/json-patch+json' },
      payload: JSON.stringify([{ op: 'remove', path: '/spec/ephemeralContainers/0' }]),
    });
    expect(remove.statusCode).to.equal(422);
    const body = remove.json<{ message: string; details: { causes: { field: string; reason: string }[] } }>();
    expect(body.message, body.message).to.contain(
      'Pod "debug-demo" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "dbg1" may not be removed',
    );
    expect(body.details.causes[0]).to.include({
      field: 'spec.ephemeralContainers',
      reason: 'FieldValueForbidden',
    });
    const pod = (await k.h.api.inject({ method: 'GET', url })).json<Pod>();
    const changed = structuredClone(pod);
    const first = changed.spec.ephemeralContainers?.[0];
    if (first) first.image = 'busybox:other';
    const put = await k.h.api.inject({ method: 'PUT', url, payload: changed as object });
    expect(put.statusCode).to.equal(422);
    expect(put.json<{ message: string }>().message).to.contain(
      'existing ephemeral containers "dbg1" may not be changed',
    );
    const emptied = { ...pod, spec: { ...pod.spec, ephemeralContainers: [] } };
    const putRemove = await k.h.api.inject({ method: 'PUT', url, payload: emptied });
    expect(putRemove.statusCode).to.equal(422);
    expect(putRemove.json<{ message: string }>().message).to.contain('"dbg4" may not be removed');
    expect(k.h.pod('debug-demo')?.spec.ephemeralContainers).to.have.length(4);
  });

  it('refuses a pod created with ephemeral containers', async () => {
    const r = await kubectl(
      ['apply', '-f', '-'],
      `apiVersion: v1
kind: Pod
metadata: {name: eph-on-create}
spec:
  containers: [{name: app, image: ${IMAGE}}]
  ephemeralContainers: [{name: dbg, image: ${IMAGE}}]
`,
    );
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.contain('spec.ephemeralContainers: Forbidden: cannot be set on create');
  });
});
