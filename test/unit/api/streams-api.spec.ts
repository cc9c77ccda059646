// exec and attach over WebSocket against the agent on the in-memory runtime (memory-exec.ts's tiny
// commands): the session, the errors before the upgrade, the token, bad input and clients that go away.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ManualClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { MAX_STREAMS_PER_CLIENT } from '../../../api/streams/client-limit';
import { Harness } from '../../helpers/harness';

const POD = {
  kind: 'Pod',
  metadata: { name: 'p', annotations: { 'kubectl.kubernetes.io/default-container': 'b' } },
  spec: {
    containers: [
      { name: 'a', image: 'busybox' },
      { name: 'b', image: 'busybox' },
    ],
  },
};

interface Outcome {
  /** Payloads by channel, concatenated. */
  channels: Record<number, string>;
  status?: { status: string; reason?: string; details?: unknown };
  code?: number;
}

describe('api/streams: exec and attach over WebSocket (memory runtime)', function () {
  this.timeout(20_000);
  let h: Harness;
  let runtime: MemoryRuntime;
  let base: string;
  let token: string;

  before(async () => {
    const clock = new ManualClock();
    runtime = new MemoryRuntime(clock);
    h = await new Harness({ runtime, clock, flags: ['--auth=token'] }).start();
    await h.api.listen({ host: '127.0.0.1', port: 0 });
    base = `ws://127.0.0.1:${(h.api.server.address() as AddressInfo).port}`;
    token = readFileSync(join(h.dataDir, 'token'), 'utf8').trim();
    const res = await h.api.inject({
      method: 'POST',
      url: '/api/v1/namespaces/default/pods',
      payload: POD,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode, res.body).to.equal(201);
    await h.waitFor('p running', () => h.pod('p')?.status.phase === 'Running');
  });
  after(async () => h.stop());

  const url = (query: string, verb = 'exec'): string =>
    `${base}/api/v1/namespaces/default/pods/p/${verb}?${query}`;
  const connect = (
    query: string,
    opts: { protocols?: string[]; auth?: boolean; verb?: string } = {},
  ): WebSocket =>
    new WebSocket(url(query, opts.verb), opts.protocols ?? ['v5.channel.k8s.io', 'v4.channel.k8s.io'], {
      headers: opts.auth === false ? {} : { authorization: `Bearer ${token}` },
    });
  /** Collects a session to its close. */
  const outcome = (ws: WebSocket): Promise<Outcome> =>
    new Promise((done, fail) => {
      const o: Outcome = { channels: {} };
      ws.on('message', (data: Buffer) => {
        const ch = data[0] ?? -1;
        o.channels[ch] = (o.channels[ch] ?? '') + data.subarray(1).toString();
      });
      ws.on('close', (code) => {
        if (o.channels[3]) o.status = JSON.parse(o.channels[3]) as Outcome['status'];
        o.code = code;
        done(o);
      });
      ws.on('error', fail);
    });
  /** The HTTP answer to an upgrade that is refused. */
  const refusal = (ws: WebSocket): Promise<{ code: number; body: { message?: string; reason?: string } }> =>
    new Promise((done, fail) => {
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () =>
          done({ code: res.statusCode ?? 0, body: JSON.parse(body) as { message?: string } }),
        );
      });
      ws.on('open', () => fail(new Error('upgraded')));
      ws.on('error', () => undefined);
    });
  const opened = (ws: WebSocket): Promise<void> => new Promise((r) => ws.once('open', () => r()));

  it('runs a command in the default container: stdout, then Success on channel 3, then a normal close', async () => {
    const o = await outcome(connect('command=echo&command=hello&command=world&stdout=true&stderr=true'));
    expect(o.channels[1]).to.equal('hello world\n');
    expect(o.status).to.deep.equal({ metadata: {}, status: 'Success' });
    expect(o.code).to.equal(1000);
    expect(runtime.calls.filter((c) => c.startsWith('execStream')).pop()).to.match(/ echo hello world$/);
  });

  it('reports a non-zero exit as NonZeroExitCode, stderr apart', async () => {
    const o = await outcome(connect('command=fail&command=7&container=a&stdout=true&stderr=true'));
    expect(o.channels[2]).to.equal('failing\n');
    expect(o.status?.reason).to.equal('NonZeroExitCode');
    expect(o.status?.details).to.deep.equal({ causes: [{ reason: 'ExitCode', message: '7' }] });
  });

  it('passes stdin until the v5 close message, and resizes (a flood coalesces)', async () => {
    const ws = connect('command=cat&stdin=true&stdout=true&tty=true');
    const result = outcome(ws);
    await opened(ws);
    for (let i = 1; i <= 500; i++)
      ws.send(Buffer.concat([Buffer.from([4]), Buffer.from(JSON.stringify({ Width: i, Height: 10 }))]));
    ws.send(Buffer.from([0, ...Buffer.from('abc')]));
    ws.send(Buffer.from([255, 0]));
    const o = await result;
    expect(o.channels[1]).to.equal('abc');
    expect(o.status?.status).to.equal('Success');
    expect(runtime.streams.resizes.length).to.be.below(500);
    expect(runtime.streams.resizes.at(-1)).to.equal('500x10');
  });

  it('ignores malformed frames and unknown channels and goes on', async () => {
    const ws = connect('command=cat&stdin=true&stdout=true', { protocols: ['v4.channel.k8s.io'] });
    const result = outcome(ws);
    await opened(ws);
    for (const junk of [[], [9, 9], [1, 65], [4, 123], [255, 0], [3]]) ws.send(Buffer.from(junk));
    ws.send('\u0000text'); // a text message: read as bytes
    ws.send(Buffer.from([0, 66]));
    await new Promise((r) => setTimeout(r, 50));
    ws.close(); // v4 has no close message: the client leaves
    const o = await result;
    expect(o.channels[1]).to.equal('textB');
  });

  it('refuses before any upgrade: unknown container, no command, no protocol, no upgrade, no token', async () => {
    let r = await refusal(connect('command=true&container=nope&stdout=true'));
    expect(r.code).to.equal(400);
    expect(r.body.message).to.equal('container nope is not valid for pod p');
    r = await refusal(connect('stdout=true'));
    expect(r.body.message).to.equal('you must specify at least 1 command');
    r = await refusal(connect('command=true'));
    expect(r.body.message).to.equal('you must specify at least 1 of stdin, stdout, stderr');
    r = await refusal(connect('command=true&stdout=true', { protocols: ['channel.k8s.io'] }));
    expect(r.code).to.equal(400);
    expect(r.body.message).to.match(/none of the offered subprotocols/);
    r = await refusal(connect('command=true&stdout=true', { auth: false }));
    expect(r.code).to.equal(401);
    expect(r.body.reason).to.equal('Unauthorized');
    const plain = await h.api.inject({
      url: '/api/v1/namespaces/default/pods/p/exec?command=true&stdout=true',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(plain.statusCode).to.equal(400);
    expect(plain.json<{ message: string }>().message).to.match(/^Upgrade request required/);
    const missing = await refusal(
      new WebSocket(
        `${base}/api/v1/namespaces/default/pods/nope/exec?command=true&stdout=true`,
        ['v5.channel.k8s.io'],
        {
          headers: { authorization: `Bearer ${token}` },
        },
      ),
    );
    expect(missing.code).to.equal(404);
  });

  it('ends the command when the client goes away mid-stream: no session stays open', async () => {
    const before = runtime.streams.open;
    const sockets: WebSocket[] = [];
    for (let i = 0; i < 20; i++) sockets.push(connect('command=sleep&stdin=true&stdout=true'));
    await Promise.all(sockets.map(opened));
    await h.waitFor('20 sessions', () => runtime.streams.open === before + 20);
    sockets.forEach((ws, i) => (i % 2 ? ws.terminate() : ws.close()));
    await h.waitFor('every session ended', () => runtime.streams.open === before);
  });

  it(`bounds the streams of one client at ${MAX_STREAMS_PER_CLIENT}`, async () => {
    const sockets: WebSocket[] = [];
    for (let i = 0; i < MAX_STREAMS_PER_CLIENT; i++) sockets.push(connect('command=sleep&stdout=true'));
    await Promise.all(sockets.map(opened));
    const r = await refusal(connect('command=sleep&stdout=true'));
    expect(r.code).to.equal(429);
    for (const ws of sockets) ws.terminate();
    await h.waitFor('every session ended', () => runtime.streams.open === 0);
    await opened(connect('command=echo&stdout=true'));
  });

  it('attaches to the main process', async () => {
    const ws = connect('stdin=true&stdout=true', { verb: 'attach' });
    const result = outcome(ws);
    await opened(ws);
    ws.send(Buffer.from([0, ...Buffer.from('hi')]));
    ws.send(Buffer.from([255, 0]));
    const o = await result;
    expect(o.channels[1]).to.equal('hi');
    expect(runtime.calls.some((c) => c.startsWith('attachStream'))).to.equal(true);
  });
});
