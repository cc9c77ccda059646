// Real clients against the agent on the real engine: kubectl v1.34 (from the npm registry, see
// scripts/install-kubectl.sh) drives the tutorial with `kubectl apply -f` only, then get/describe/logs/
// set image/edit/delete; @kubernetes/client-node drives CoreV1Api and Watch. Nothing here knows the
// agent's own routes: only the kubeconfig.
import { expect } from 'chai';
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import Docker from 'dockerode';
import { apiUrl, writeKubeconfig } from '../../daemon/kubeconfig';
import { nopLogger } from '../../agent/log';
import { DockerRuntime } from '../../agent/runtime/docker-runtime';
import { fixturePath } from '../helpers/fixtures';
import { Harness } from '../helpers/harness';

const REPO = resolve(__dirname, '..', '..', '..');
const docker = new Docker();

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('kubectl and @kubernetes/client-node (real engine)', function () {
  this.timeout(120_000);
  let h: Harness;
  let bin: string;
  let kubeconfig: string;
  let cacheDir: string;

  before(async () => {
    bin = resolve(
      REPO,
      execFileSync('bash', ['scripts/install-kubectl.sh'], { cwd: REPO, encoding: 'utf8' }).trim(),
    );
    await docker.getImage('busybox:latest').tag({ repo: 'busybox', tag: 'kubectl-test' });
    h = await new Harness({ runtime: new DockerRuntime({ logger: nopLogger }) }).start();
    await h.api.listen({ host: '127.0.0.1', port: 0 });
    kubeconfig = join(h.dataDir, 'kubeconfig');
    writeKubeconfig(kubeconfig, apiUrl('127.0.0.1', (h.api.server.address() as AddressInfo).port));
    cacheDir = join(h.dataDir, 'kube-cache'); // a fresh discovery cache (kubectl keeps it across runs)
  });
  after(async () => h?.stop());

  const env = (): NodeJS.ProcessEnv => ({ ...process.env, KUBECONFIG: kubeconfig, KUBE_EDITOR: 'false' });
  /** Runs kubectl without blocking the event loop: the agent answering it lives in this process. */
  const kubectl = (args: string[], extraEnv: Record<string, string> = {}, input?: string): Promise<Run> =>
    new Promise((done) => {
      const child = execFile(
        bin,
        ['--cache-dir', cacheDir, ...args],
        { env: { ...env(), ...extraEnv }, timeout: 90_000 },
        (err, stdout, stderr) =>
          done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      if (input !== undefined) child.stdin?.end(input);
    });
  const ok = async (
    args: string[],
    extraEnv: Record<string, string> = {},
    input?: string,
  ): Promise<string> => {
    const r = await kubectl(args, extraEnv, input);
    expect(r.code, `kubectl ${args.join(' ')}: ${r.stderr}`).to.equal(0);
    return r.stdout;
  };
  /** The STATUS column of `kubectl get pods` for one pod. */
  const status = async (name: string): Promise<string> => {
    const out = await ok(['get', 'pods', '--no-headers']);
    const row = out.split('\n').find((l) => l.split(/\s+/)[0] === name);
    return row?.split(/\s+/)[2] ?? '';
  };
  const until = async (what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> => {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  };
  const untilStatus = (name: string, want: string, ms?: number): Promise<void> =>
    until(`${name} ${want}`, async () => (await status(name)) === want, ms);

  describe('kubectl v1.34', () => {
    let watch: ChildProcess | undefined;
    let watched = '';
    after(() => watch?.kill());

    it('finds the server: version, api-resources', async () => {
      expect(await ok(['version'])).to.match(/Server Version: v1\.34\.0/);
      const resources = await ok(['api-resources', '--no-headers']);
      expect(resources).to.match(/^pods\s+po\s+v1\s+true\s+Pod$/m);
      expect(resources).to.match(/^services\s+svc\s+v1\s+true\s+Service$/m);
    });

    it('runs the tutorial with kubectl apply -f only: Init:0/2 -> Init:1/2 -> Running', async () => {
      expect(await ok(['apply', '-f', fixturePath('initc-demo.yaml')])).to.equal('pod/initc-demo created\n');
      watch = spawn(bin, ['--cache-dir', cacheDir, 'get', 'pods', '-w'], { env: env() });
      watch.stdout?.on('data', (d: Buffer) => (watched += d.toString()));
      await untilStatus('initc-demo', 'Init:0/2');
      await until('the init container waiting', async () =>
        (await kubectl(['logs', 'initc-demo', '-c', 'init-myservice'])).stdout.includes(
          'waiting for myservice',
        ),
      );
      expect(await ok(['apply', '-f', fixturePath('initc-demo.yaml')])).to.equal(
        'pod/initc-demo unchanged\n',
      );
      expect(await ok(['apply', '-f', fixturePath('myservice.yaml')])).to.equal(
        'service/myservice created\n',
      );
      await untilStatus('initc-demo', 'Init:1/2');
      expect(await ok(['apply', '-f', fixturePath('mydb.yaml')])).to.equal('service/mydb created\n');
      await untilStatus('initc-demo', 'Running');
      expect(await ok(['logs', 'initc-demo'])).to.equal('The app is running!\n');
      const rows = await ok(['get', 'pods']);
      expect(rows).to.match(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
      expect(rows).to.match(/^initc-demo\s+1\/1\s+Running\s+0\s+\d+s\n/m);
      await until(
        'the watch to show every step',
        async () => /Init:0\/2[\s\S]*Init:1\/2[\s\S]*Running/.test(watched),
        10_000,
      );
    });

    it('describes the pod with its init containers and events', async () => {
      const out = await ok(['describe', 'pod', 'initc-demo']);
      expect(out).to.match(/^Name:\s+initc-demo$/m);
      expect(out).to.match(/^Init Containers:$/m);
      expect(out).to.match(/^Events:$/m);
      expect(out, out).to.match(/Normal\s+Started\s+.+\s+kubelet\s+Started container init-myservice/);
    });

    it('gets services, endpoints and events', async () => {
      expect(await ok(['get', 'svc'])).to.match(
        /^myservice\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP\s+\d+s$/m,
      );
      expect(await ok(['get', 'endpoints', 'mydb'])).to.match(/^mydb\s+<none>\s+\d+s$/m);
      expect(await ok(['get', 'events'])).to.match(
        /Normal\s+Started\s+pod\/initc-demo\s+Started container myapp-container/,
      );
    });

    it("describes a Service with its endpoints (from its EndpointSlice) and gets the slice's columns", async () => {
      const svc = JSON.stringify({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'myapp' },
        spec: { selector: { app: 'myapp' }, ports: [{ port: 80 }] },
      });
      expect(await ok(['apply', '-f', '-'], {}, svc)).to.equal('service/myapp created\n');
      const ip = await ok(['get', 'pod', 'initc-demo', '-o', 'jsonpath={.status.podIP}']);
      expect(ip).to.match(/^10\.\d+\.\d+\.\d+$/);
      const quoted = ip.replace(/\./g, '\\.');
      await until('the Service described with its endpoint', async () =>
        new RegExp(`^Endpoints:\\s+${quoted}:80$`, 'm').test(await ok(['describe', 'svc', 'myapp'])),
      );
      expect(await ok(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=myapp'])).to.match(
        new RegExp(
          `^NAME\\s+ADDRESSTYPE\\s+PORTS\\s+ENDPOINTS\\s+AGE\\nmyapp-[a-z0-9]{5}\\s+IPv4\\s+80\\s+${quoted}\\s+\\d+s\\n$`,
        ),
      );
      await ok(['delete', 'svc', 'myapp']);
    });

    it('selects with -l and --field-selector, and prints -o yaml / -o wide', async () => {
      expect(await ok(['get', 'pods', '-l', 'app=myapp', '-o', 'name'])).to.equal('pod/initc-demo\n');
      expect(await ok(['get', 'pods', '-l', 'app in (myapp, other)', '-o', 'name'])).to.equal(
        'pod/initc-demo\n',
      );
      expect((await kubectl(['get', 'pods', '-l', 'app!=myapp'])).stderr).to.contain(
        'No resources found in default namespace.',
      );
      expect(
        await ok([
          'get',
          'pods',
          '--field-selector',
          'status.phase=Running,metadata.name=initc-demo',
          '-o',
          'name',
        ]),
      ).to.equal('pod/initc-demo\n');
      const yaml = await ok(['get', 'pod', 'initc-demo', '-o', 'yaml']);
      expect(yaml).to.match(/^kind: Pod$/m);
      expect(yaml).to.contain('kubectl.kubernetes.io/last-applied-configuration');
      expect(await ok(['get', 'pods', '-o', 'wide'])).to.match(
        /^initc-demo\s+1\/1\s+Running\s+0\s+\S+\s+10\.245\.\d+\.\d+\s+test-node\s+<none>\s+<none>$/m,
      );
      const bad = await kubectl(['get', 'pod', 'nope']);
      expect(bad.stderr.trim()).to.equal('Error from server (NotFound): pods "nope" not found');
    });

    it('set image and edit change an init container image; the pod restarts and runs again', async () => {
      // its own pod with a short grace period: each init image change restarts the whole pod
      const manifest = `apiVersion: v1
kind: Pod
metadata: {name: images}
spec:
  terminationGracePeriodSeconds: 1
  initContainers:
  - {name: init, image: busybox, command: ['sh', '-c', 'echo init done']}
  containers:
  - {name: app, image: busybox, command: ['sleep', '3600']}
`;
      expect(await ok(['apply', '-f', '-'], {}, manifest)).to.equal('pod/images created\n');
      await untilStatus('images', 'Running');
      const jsonpath = (path: string) => ok(['get', 'pod', 'images', '-o', `jsonpath={${path}}`]);
      const ranImage = (want: string) =>
        until(
          `init image ${want} to have run`,
          async () => (await jsonpath('.status.initContainerStatuses[0].image')) === want,
        );
      expect(await ok(['set', 'image', 'pod/images', 'init=busybox:kubectl-test'])).to.equal(
        'pod/images image updated\n',
      );
      expect(await jsonpath('.spec.initContainers[0].image')).to.equal('busybox:kubectl-test');
      await ranImage('busybox:kubectl-test');
      await untilStatus('images', 'Running');
      const editor = `sed -i "s#image: busybox:kubectl-test#image: busybox#"`;
      expect(await ok(['edit', 'pod', 'images'], { KUBE_EDITOR: editor })).to.equal('pod/images edited\n');
      expect(await jsonpath('.spec.initContainers[0].image')).to.equal('busybox');
      await ranImage('busybox');
      await untilStatus('images', 'Running');
      expect(await ok(['logs', 'images', '-c', 'init'])).to.equal('init done\n');
    });

    it('follows logs (-f) until the container exits; --tail and --previous', async () => {
      const manifest = `apiVersion: v1
kind: Pod
metadata: {name: counter}
spec:
  restartPolicy: Never
  containers:
  - name: count
    image: busybox
    command: ['sh', '-c', 'sleep 1; for i in 1 2 3; do echo line $i; sleep 1; done']
`;
      expect(await ok(['apply', '-f', '-'], {}, manifest)).to.equal('pod/counter created\n');
      await until('counter running', async () => ['Running', 'Completed'].includes(await status('counter')));
      expect(await ok(['logs', '-f', 'counter'])).to.equal('line 1\nline 2\nline 3\n');
      expect(await ok(['logs', 'counter', '--tail', '1'])).to.equal('line 3\n');
      const previous = await kubectl(['logs', 'counter', '--previous']);
      expect(previous.code).to.equal(1);
      expect(previous.stderr).to.contain('previous terminated container "count" in pod "counter" not found');
    });

    it('delete pod returns once the pod and its containers are gone', async () => {
      const uid = h.pod('initc-demo')!.metadata.uid;
      // a short grace period (the app ignores SIGTERM), still long enough that kubectl has to wait for it
      expect(await ok(['delete', 'pod', 'initc-demo', 'counter', 'images', '--grace-period=2'])).to.match(
        /pod "initc-demo" deleted/,
      );
      expect(
        await docker.listContainers({ all: true, filters: { label: [`io.kubernetes.pod.uid=${uid}`] } }),
      ).to.deep.equal([]);
      expect((await kubectl(['get', 'pod', 'initc-demo'])).stderr.trim()).to.equal(
        'Error from server (NotFound): pods "initc-demo" not found',
      );
      await until(
        'the watch to see it go',
        async () => /initc-demo\s+\S+\s+Terminating/.test(watched),
        10_000,
      );
    });

    it('server-side apply, dry runs and validation', async () => {
      const dir = join(h.dataDir, 'manifests');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'web.yaml');
      writeFileSync(
        file,
        'apiVersion: v1\nkind: Pod\nmetadata: {name: web, labels: {app: web}}\nspec:\n  containers:\n  - {name: c, image: busybox, command: [sleep, "3600"]}\n',
      );
      expect(await ok(['apply', '--server-side', '-f', file])).to.equal('pod/web serverside-applied\n');
      expect(await ok(['apply', '--server-side', '-f', file])).to.equal('pod/web serverside-applied\n');
      expect(
        await ok(['create', '-f', file, '--dry-run=server', '-o', 'name', '-n', 'kube-system']),
      ).to.equal('pod/web\n');
      expect(h.pod('web', 'kube-system')).to.equal(undefined);
      writeFileSync(
        file,
        'apiVersion: v1\nkind: Pod\nmetadata: {name: typo}\nspec:\n  containers:\n  - {name: c, image: busybox, imagee: x}\n',
      );
      const strict = await kubectl(['apply', '-f', file]);
      expect(strict.stderr).to.contain('strict decoding error: unknown field "spec.containers[0].imagee"');
      const missing = await kubectl(['create', '-f', file, '-n', 'nope', '--validate=false']);
      expect(missing.stderr.trim()).to.equal(
        'Error from server (NotFound): error when creating "' + file + '": namespaces "nope" not found',
      );
      await ok(['delete', 'pod', 'web', '--wait=false', '--grace-period=1']);
    });
  });

  describe('@kubernetes/client-node 1.4', () => {
    type K8s = typeof import('@kubernetes/client-node', { with: { 'resolution-mode': 'import' } });
    let k8s: K8s;
    let api: InstanceType<K8s['CoreV1Api']>;
    let kc: InstanceType<K8s['KubeConfig']>;
    before(async () => {
      k8s = await import('@kubernetes/client-node'); // ESM-only: a real import(), kept by module Node16
      kc = new k8s.KubeConfig();
      kc.loadFromFile(kubeconfig);
      api = kc.makeApiClient(k8s.CoreV1Api);
    });

    const spec = {
      containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo one; echo two; sleep 3600'] }],
    };

    it('creates, reads, lists, patches and deletes pods and services; reads logs', async () => {
      const created = await api.createNamespacedPod({
        namespace: 'default',
        body: { metadata: { name: 'cn', labels: { via: 'client-node' } }, spec },
      });
      expect(created.metadata?.uid).to.be.a('string');
      const read = await api.readNamespacedPod({ name: 'cn', namespace: 'default' });
      expect(read.spec?.nodeName).to.equal('test-node');
      const list = await api.listNamespacedPod({ namespace: 'default', labelSelector: 'via=client-node' });
      expect(list.items.map((p) => p.metadata?.name)).to.deep.equal(['cn']);
      const patched = await api.patchNamespacedPod({
        name: 'cn',
        namespace: 'default',
        body: [{ op: 'add', path: '/metadata/labels/x', value: 'y' }],
      });
      expect(patched.metadata?.labels).to.deep.equal({ via: 'client-node', x: 'y' });
      await h.waitFor('cn running', () => h.pod('cn')?.status.containerStatuses?.[0]?.state.running, 30_000);
      await until(
        'two log lines',
        async () =>
          (await api.readNamespacedPodLog({ name: 'cn', namespace: 'default', container: 'c' })) ===
          'one\ntwo\n',
        10_000,
      );
      expect(
        await api.readNamespacedPodLog({ name: 'cn', namespace: 'default', container: 'c', tailLines: 1 }),
      ).to.equal('two\n');
      const svc = await api.createNamespacedService({
        namespace: 'default',
        body: {
          metadata: { name: 'cn-svc' },
          spec: { selector: { via: 'client-node' }, ports: [{ port: 80 }] },
        },
      });
      expect(svc.spec?.clusterIP).to.match(/^10\.9[6-9]\./);
      expect(
        (await api.listNamespacedService({ namespace: 'default' })).items.map((s) => s.metadata?.name),
      ).to.include('cn-svc');
      await api.deleteNamespacedService({ name: 'cn-svc', namespace: 'default' });
      await api.deleteNamespacedPod({ name: 'cn', namespace: 'default', gracePeriodSeconds: 1 });
      try {
        await api.readNamespacedPod({ name: 'nope', namespace: 'default' });
        expect.fail('read of a missing pod succeeded');
      } catch (err) {
        expect((err as { code?: number }).code).to.equal(404);
        expect(JSON.parse((err as { body: string }).body)).to.include({
          reason: 'NotFound',
          message: 'pods "nope" not found',
        });
      }
    });

    it('watches pods from a resourceVersion (ADDED, MODIFIED, DELETED), gets an ERROR event (410) when too old, BOOKMARKs when asked', async () => {
      const rv = (await api.listNamespacedPod({ namespace: 'default' })).metadata?.resourceVersion ?? '';
      const seen: string[] = [];
      const w = new k8s.Watch(kc);
      let ended: unknown = 'open';
      const req = await w.watch(
        '/api/v1/namespaces/default/pods',
        { resourceVersion: rv, allowWatchBookmarks: true, timeoutSeconds: 120 },
        (type: string, obj: { metadata?: { name?: string } }) => {
          seen.push(`${type} ${obj.metadata?.name ?? ''}`);
        },
        (err: unknown) => (ended = err),
      );
      await api.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'watched' }, spec } });
      await until('MODIFIED', async () => seen.includes('MODIFIED watched'), 30_000);
      await api.deleteNamespacedPod({ name: 'watched', namespace: 'default', gracePeriodSeconds: 1 });
      await until('DELETED', async () => seen.includes('DELETED watched'), 30_000);
      expect(seen[0]).to.equal('ADDED watched');
      req.abort();
      // As from upstream's watch cache: a 200 whose one event is an ERROR with the 410 Status (client-node's
      // informer then relists), then the end of the stream.
      const gone: { type: string; object: { code?: number; reason?: string } }[] = [];
      const goneEnd = await new Promise<unknown>((done) => {
        void w
          .watch(
            '/api/v1/namespaces/default/pods',
            { resourceVersion: '1' },
            (type: string, object: { code?: number; reason?: string }) => gone.push({ type, object }),
            done,
          )
          .catch(done);
      });
      expect(goneEnd).to.equal(null);
      expect(gone).to.have.length(1);
      expect(gone[0]).to.deep.include({ type: 'ERROR' });
      expect(gone[0]?.object).to.include({ code: 410, reason: 'Expired' });
      const marks: string[] = [];
      await new Promise<void>((done) => {
        void w.watch(
          '/api/v1/namespaces/default/pods',
          { allowWatchBookmarks: true, timeoutSeconds: 1 },
          (type: string) => marks.push(type),
          () => done(),
        );
      });
      expect(marks).to.include('BOOKMARK');
      expect(ended).to.not.equal(undefined);
    });
  });
});
