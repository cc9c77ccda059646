// Watch streams over a real socket (the in-process agent listening on 127.0.0.1:0, memory runtime).
import { expect } from 'chai';
import { type ClientRequest, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';

const NS = '/api/v1/namespaces/default';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

interface Line {
  type: string;
  object: {
    kind: string;
    metadata: { name?: string; resourceVersion: string; deletionTimestamp?: string };
    columnDefinitions?: unknown[];
    rows?: { cells: unknown[] }[];
  };
}

/** An open watch: its response, the lines so far, and a way to wait for more. */
class Stream {
  readonly lines: Line[] = [];
  ended = false;
  private waiters: (() => void)[] = [];
  constructor(
    readonly req: ClientRequest,
    readonly res: IncomingMessage,
  ) {
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        this.lines.push(JSON.parse(buf.slice(0, i)) as Line);
        buf = buf.slice(i + 1);
      }
      this.wake();
    });
    res.on('end', () => {
      this.ended = true;
      this.wake();
    });
  }
  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
  async until(what: string, check: () => boolean, ms = 2000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${what}; got ${JSON.stringify(this.lines.map((l) => l.type))}`,
        );
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }
  summary(): string[] {
    const name = (l: Line): string =>
      l.object.metadata.name ?? JSON.stringify(l.object.rows?.[0]?.cells[0] ?? '');
    return this.lines.map((l) => `${l.type} ${name(l).replace(/"/g, '')}`);
  }
}

describe('api: watch streams (memory runtime, real socket)', () => {
  let clock: ManualClock;
  let h: Harness;
  let port: number;
  beforeEach(async () => {
    clock = new ManualClock();
    h = await new Harness({ runtime: new MemoryRuntime(clock), clock }).start();
    await h.api.listen({ host: '127.0.0.1', port: 0 });
    port = (h.api.server.address() as AddressInfo).port;
  });
  afterEach(async () => h.stop());

  const open = (path: string, accept = 'application/json'): Promise<Stream> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, headers: { accept } }, (res) =>
        resolve(new Stream(req, res)),
      );
      req.on('error', reject);
      req.end();
    });
  const createPod = (name: string) =>
    h.createPod({ metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });

  it('sends headers at once, the current objects as ADDED, then each change as one JSON line', async () => {
    await createPod('before');
    const s = await open(`${NS}/pods?watch=true`);
    expect(s.res.statusCode).to.equal(200);
    expect(s.res.headers['content-type']).to.equal('application/json');
    expect(s.res.headers['transfer-encoding']).to.equal('chunked');
    await s.until('initial ADDED', () => s.lines.length >= 1);
    await createPod('after');
    await h.api.inject({ method: 'DELETE', url: `${NS}/pods/after`, payload: { gracePeriodSeconds: 0 } });
    await s.until('DELETED after', () => s.summary().includes('DELETED after'));
    const forAfter = s.summary().filter((l) => l.endsWith(' after'));
    expect(forAfter[0]).to.equal('ADDED after');
    expect(forAfter[forAfter.length - 1]).to.equal('DELETED after');
    expect(s.summary()[0]).to.equal('ADDED before');
    s.req.destroy();
  });

  it('reads watch=True (the Python client) and watch= as a watch, watch=False and watch=0 as a list', async () => {
    for (const v of ['True', 'TRUE', 'yes', '']) {
      const s = await open(`${NS}/pods?watch=${v}`);
      expect(s.res.headers['transfer-encoding'], `watch=${v}`).to.equal('chunked');
      s.req.destroy();
    }
    for (const v of ['False', 'false', '0']) {
      const r = await h.api.inject({ url: `${NS}/pods?watch=${v}` });
      expect(r.json(), `watch=${v}`).to.include({ kind: 'PodList' });
    }
  });

  it('ends the watch on the hub when the client goes away', async () => {
    const s = await open(`${NS}/pods?watch=true`);
    await h.waitFor('watcher registered', () => h.agent.watches.watcherCount === 1);
    s.req.destroy();
    await h.waitFor('watcher gone', () => h.agent.watches.watcherCount === 0);
  });

  it('resumes from a resourceVersion, and tells in the stream (an ERROR event, 410 Expired) when that version is gone', async () => {
    await createPod('a');
    const rv = h.pod('a')!.metadata.resourceVersion;
    await createPod('b');
    const s = await open(`${NS}/pods?watch=true&resourceVersion=${rv}`);
    await s.until('b', () => s.summary().includes('ADDED b'));
    expect(s.summary()).to.not.include('ADDED a');
    s.req.destroy();
    const old = await h.api.inject({ url: `${NS}/pods?watch=true&resourceVersion=1` });
    expect(old.statusCode).to.equal(200); // as upstream's watch cache answers: the error is an event
    const lines = old.body.trimEnd().split('\n');
    expect(lines).to.have.length(1);
    const event = JSON.parse(lines[0]!) as { type: string; object: Record<string, unknown> };
    expect(event.type).to.equal('ERROR');
    expect(event.object).to.include({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 });
    expect(event.object.message).to.match(/^too old resource version: 1 \(\d+\)$/);
    const bad = await h.api.inject({ url: `${NS}/pods?watch=true&resourceVersion=x` });
    expect(bad.statusCode).to.equal(400); // a version that cannot be parsed is refused before the stream
  });

  it('follows one pod by field selector until DELETED, the way kubectl delete waits', async () => {
    await createPod('web');
    await createPod('other');
    const list = (
      await h.api.inject({ url: `${NS}/pods?fieldSelector=metadata.name%3Dweb&resourceVersion=0` })
    ).json<{ metadata: { resourceVersion: string }; items: unknown[] }>();
    expect(list.items).to.have.length(1);
    const s = await open(
      `${NS}/pods?allowWatchBookmarks=true&fieldSelector=metadata.name%3Dweb&resourceVersion=${list.metadata.resourceVersion}&timeoutSeconds=400&watch=true`,
    );
    await h.api.inject({ method: 'DELETE', url: `${NS}/pods/other` });
    await h.api.inject({
      method: 'DELETE',
      url: `${NS}/pods/web`,
      payload: { propagationPolicy: 'Background' },
    });
    await s.until('DELETED web', () => s.summary().includes('DELETED web'));
    expect(s.summary().every((l) => l.endsWith(' web'))).to.equal(true);
    expect(s.lines.some((l) => l.type === 'MODIFIED' && l.object.metadata.deletionTimestamp)).to.equal(true);
    s.req.destroy();
  });

  it('sends one-row Tables to kubectl get -w, column definitions only in the first event', async () => {
    await createPod('a');
    const list = (await h.api.inject({ url: `${NS}/pods`, headers: { accept: TABLE } })).json<{
      metadata: { resourceVersion: string };
    }>();
    const s = await open(`${NS}/pods?resourceVersion=${list.metadata.resourceVersion}&watch=true`, TABLE);
    await createPod('b');
    await createPod('c');
    await s.until('two rows', () => s.lines.filter((l) => l.type === 'ADDED').length >= 2);
    const [first, second] = s.lines;
    expect(first?.object.kind).to.equal('Table');
    expect(first?.object.columnDefinitions).to.have.length(9);
    expect(second?.object).to.not.have.property('columnDefinitions');
    const added = s.lines.filter((l) => l.type === 'ADDED').map((l) => l.object.rows?.[0]?.cells[0]);
    expect(added).to.deep.equal(['b', 'c']);
    s.req.destroy();
  });

  it('ends at timeoutSeconds, with a last BOOKMARK when bookmarks were asked for', async () => {
    const s = await open(`${NS}/pods?watch=true&timeoutSeconds=5&allowWatchBookmarks=true`);
    await h.waitFor('watcher registered', () => h.agent.watches.watcherCount === 1);
    clock.advance(5_000);
    await s.until('end', () => s.ended);
    expect(s.summary()).to.deep.equal(['BOOKMARK ']);
    expect(h.agent.watches.watcherCount).to.equal(0);
  });

  it('keeps many watchers current; a client that stops reading is dropped, not waited for', async () => {
    const streams = await Promise.all(Array.from({ length: 50 }, () => open(`${NS}/pods?watch=true`)));
    const stuck = await open(`${NS}/pods?watch=true`);
    stuck.res.pause();
    await h.waitFor('all registered', () => h.agent.watches.watcherCount === 51);
    for (let i = 0; i < 5; i++) await createPod(`p${i}`);
    for (const s of streams)
      await s.until('5 pods', () => s.summary().filter((l) => l.startsWith('ADDED')).length === 5);
    for (const s of [...streams, stuck]) s.req.destroy();
    await h.waitFor('all gone', () => h.agent.watches.watcherCount === 0);
  });

  it('serves the legacy /api/v1/watch paths and watches services, namespaces and events', async () => {
    const svc = await open('/api/v1/watch/namespaces/default/services');
    const ns = await open('/api/v1/namespaces?watch=true');
    const ev = await open(`${NS}/events?watch=true&fieldSelector=involvedObject.name%3Dweb`);
    await h.api.inject({
      method: 'POST',
      url: `${NS}/services`,
      payload: { metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } },
    });
    await createPod('web');
    await svc.until('service', () => svc.summary().includes('ADDED s'));
    await ns.until('namespaces', () => ns.summary().includes('ADDED default'));
    await ev.until('events', () => ev.lines.length > 0);
    expect(ev.lines[0]?.object.kind).to.equal('Event');
    for (const s of [svc, ns, ev]) s.req.destroy();
  });
});
