// Containers with a TTY or an open stdin on the real engine: their logs are not multiplexed, and an attach
// whose client stdin ends at once (kubectl run -it with no terminal, attach -i </dev/null) still gets the
// container's output, as the kubelet's attach gives it.
import { expect } from 'chai';
import { nopLogger } from '../../agent/log';
import { DockerRuntime } from '../../agent/runtime/docker-runtime';
import type { ContainerIdentity, ContainerSpec } from '../../agent/runtime/runtime';

const NETWORK = { name: 'mk-test', subnet: '10.245.0.0/16' };

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

/** What a stream gives until it ends, gives `enough`, or `ms` pass. */
function readFor(stream: NodeJS.ReadableStream, ms: number, enough?: string): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const timer = setTimeout(() => resolve(text), ms);
    stream.on('data', (chunk) => {
      text += String(chunk);
      if (enough !== undefined && text.includes(enough)) {
        clearTimeout(timer);
        resolve(text);
      }
    });
    stream.on('end', () => {
      clearTimeout(timer);
      resolve(text);
    });
  });
}

describe('agent/runtime/docker-runtime: TTY and stdin (real engine)', () => {
  const runtime = new DockerRuntime({ logger: nopLogger });
  const uid = `tty-${Date.now()}`;
  let sandboxId = '';
  let n = 0;

  const identity = (name: string): ContainerIdentity => ({
    podUid: uid,
    podName: 'tty-test',
    podNamespace: 'default',
    kind: 'app',
    name,
    attempt: 0,
    specHash: 'abcd1234',
    sandboxId,
  });

  const started = async (
    script: string,
    io: Pick<ContainerSpec, 'tty' | 'stdin' | 'stdinOnce'>,
  ): Promise<string> => {
    const id = await runtime.createContainer({
      identity: identity(`c${n++}`),
      image: 'busybox',
      command: ['sh', '-c', script],
      env: [],
      mounts: [],
      ...io,
    });
    await runtime.startContainer(id);
    return id;
  };

  before(async () => {
    await runtime.ensureNetwork(NETWORK.name, NETWORK.subnet);
    const made = await runtime.createSandbox(
      { identity: { ...identity('POD'), kind: 'sandbox' }, hostname: 'tty-test', labels: {}, mounts: [] },
      NETWORK.name,
    );
    sandboxId = made.id;
  });

  after(async () => {
    for (const c of await runtime.listContainers(uid)) await runtime.removeContainer(c.id);
  });

  it("gives a TTY container's logs as written (the engine does not frame them), all, the tail and followed", async () => {
    const id = await started('echo one; echo two', { tty: true });
    const deadline = Date.now() + 10_000;
    while ((await runtime.listContainers(uid)).find((c) => c.id === id)?.state !== 'exited') {
      expect(Date.now(), 'the container to exit').to.be.below(deadline);
      await new Promise((r) => setTimeout(r, 50));
    }
    // A terminal turns each newline into CR LF, as `kubectl logs` of such a container shows upstream too.
    expect(await readAll(await runtime.logs(id, {}))).to.equal('one\r\ntwo\r\n');
    expect(await readAll(await runtime.logs(id, { tailLines: 1 }))).to.equal('two\r\n');
    expect(await readAll(await runtime.logs(id, { follow: true }))).to.equal('one\r\ntwo\r\n');
  });

  for (const io of [
    { tty: true, stdin: true },
    { tty: false, stdin: true },
  ])
    it(`streams the output after the client's stdin ended at once (tty ${io.tty}, stdinOnce false)`, async () => {
      const id = await started('sleep 1; echo later; sleep 30', io);
      const session = await runtime.attachStream(id, {
        stdin: true,
        stdout: true,
        stderr: !io.tty,
        tty: false,
      });
      session.stdin?.end();
      const out = await readFor(session.stdout!, 6_000, 'later');
      await session.abort();
      expect(out.replace(/\r/g, '')).to.equal('later\n');
    });

  it('passes the end of stdin on as EOF to a stdinOnce container without a TTY, whose output goes on', async () => {
    const id = await started('cat; echo after-eof', { tty: false, stdin: true, stdinOnce: true });
    const session = await runtime.attachStream(id, { stdin: true, stdout: true, stderr: true, tty: false });
    session.stdin?.end('typed\n');
    expect(await readFor(session.stdout!, 6_000)).to.equal('typed\nafter-eof\n');
  });
});
