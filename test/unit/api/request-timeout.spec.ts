// A client that stops sending its request body must not hold a socket for good (upstream bounds a request
// by --request-timeout). The timeout is shortened here; the real one is api/server.ts's REQUEST_TIMEOUT.
import { expect } from 'chai';
import { type AddressInfo, type Socket, connect } from 'node:net';
import { ManualClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';

const NS = '/api/v1/namespaces/default';

/** What the server sent on `socket` until it closed it (or `waitMs` passed: then `closed` is false). */
function readUntilClosed(socket: Socket, waitMs: number): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closed: false });
    }, waitMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
  });
}

describe('api: request timeout', () => {
  let h: Harness;
  let port: number;
  before(async () => {
    const clock = new ManualClock();
    h = await new Harness({
      runtime: new MemoryRuntime(clock),
      clock,
      apiRequestTimeout: { ms: 300, checkEveryMs: 50 },
    }).start();
    await h.api.listen({ host: '127.0.0.1', port: 0 });
    port = (h.api.server.address() as AddressInfo).port;
  });
  after(async () => h.stop());

  const open = (): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(s));
      s.once('error', reject);
    });

  it('answers 408 and closes a connection whose body stopped arriving, and stores nothing', async () => {
    const before = h.agent.configMaps.list().length; // each namespace's kube-root-ca.crt
    const socket = await open();
    socket.write(
      `POST ${NS}/configmaps HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"meta`,
    );
    const got = await readUntilClosed(socket, 5_000);
    expect(got.closed, 'the server closed the stalled request').to.equal(true);
    expect(got.text).to.match(/^HTTP\/1\.1 408 /);
    expect(h.agent.configMaps.list()).to.have.length(before);
  });

  it('does not cut a watch, whose response outlives the request', async () => {
    const socket = await open();
    socket.write(`GET ${NS}/configmaps?watch=true HTTP/1.1\r\nHost: x\r\n\r\n`);
    const got = await readUntilClosed(socket, 1_000); // more than three timeouts
    expect(got.closed, 'the watch was still open').to.equal(false);
    expect(got.text).to.match(/^HTTP\/1\.1 200 /);
  });
});
