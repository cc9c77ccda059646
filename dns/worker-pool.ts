// --dns-workers N (N > 1, Node >= 22.12 on Linux): N worker threads, each with its own UDP socket bound with
// SO_REUSEPORT on every DNS address, so the kernel spreads queries over N event loops (and cores). They
// answer from the catalog snapshot published here on every change (catalog-publisher.ts). TCP stays on the
// main thread's DnsServer. A worker that dies is started again (with a log line) and gets the current
// snapshot and every address; nothing a worker does can throw into the daemon.
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { Clock } from '../agent/clock';
import { MiniKubeletError, errorMessage } from '../agent/errors';
import type { Logger } from '../agent/log';
import type { DnsCatalog, MissingNameListener } from './catalog';
import { CatalogPublisher } from './catalog-publisher';
import { DnsCounts, type DnsMetrics, noDnsMetrics } from './metrics';
import type { DnsWorkerConfig, FromWorker, ToWorker } from './worker-protocol';

export interface DnsWorkerPoolOptions {
  count: number;
  /** What each worker answers with (reusePort is set when count > 1; flushMs defaults to 250). */
  config: Omit<DnsWorkerConfig, 'reusePort' | 'flushMs'> & { flushMs?: number };
  catalog: DnsCatalog;
  onCatalogChange: (listener: () => void) => () => void;
  logger: Logger;
  clock: Clock;
  metrics?: DnsMetrics;
  onMissingName?: MissingNameListener;
  /** First wait before a dead worker is started again; doubles while it keeps dying, up to 5 s. */
  restartDelayMs?: number;
}

interface Slot {
  index: number;
  worker: Worker;
  startedAt: number;
  pending: Map<number, { resolve: (port: number) => void; reject: (err: Error) => void }>;
}

const SCRIPT = join(__dirname, 'udp-worker.js');
const MAX_RESTART_DELAY_MS = 5_000;
/** A worker alive this long is healthy again: the next restart waits the first delay. */
const HEALTHY_AFTER_MS = 30_000;
const CLOSE_WAIT_MS = 2_000;

export class DnsWorkerPool {
  private readonly logger: Logger;
  private readonly config: DnsWorkerConfig;
  private readonly slots: (Slot | undefined)[] = [];
  private readonly addresses: { host: string; port: number }[] = [];
  private readonly counts = new DnsCounts();
  private readonly answered: number[];
  private readonly restartDelay: number[];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly publisher: CatalogPublisher;
  private nextId = 0;
  private closed = false;

  constructor(private readonly o: DnsWorkerPoolOptions) {
    if (!Number.isInteger(o.count) || o.count < 1)
      throw new MiniKubeletError('Invalid', `DnsWorkerPool: count must be a whole number >= 1`);
    this.logger = o.logger.child({ component: 'dns' });
    this.config = { flushMs: 250, ...o.config, reusePort: o.count > 1 };
    this.answered = new Array<number>(o.count).fill(0);
    this.restartDelay = new Array<number>(o.count).fill(o.restartDelayMs ?? 200);
    (o.metrics ?? noDnsMetrics).attach(this.counts);
    this.publisher = new CatalogPublisher({
      catalog: o.catalog,
      onChange: o.onCatalogChange,
      clock: o.clock,
      publish: (json) => this.broadcast({ type: 'snapshot', json }),
    });
    for (let i = 0; i < o.count; i++) this.slots.push(this.spawn(i));
  }

  /** Queries each worker answered since start (its restarts included), as of the last batches. */
  answeredByWorker(): number[] {
    return [...this.answered];
  }

  /** Worker threads running now. */
  get running(): number {
    return this.slots.filter((s) => s !== undefined).length;
  }

  /** Binds every worker's UDP socket on host:port (0 picks one, the same for all); resolves to the port. */
  async listen(host: string, port: number): Promise<number> {
    let actual = port;
    for (const slot of this.slots) {
      if (!slot) throw new MiniKubeletError('Conflict', 'DnsWorkerPool: a worker is restarting');
      actual = await this.listenOn(slot, host, actual);
    }
    this.addresses.push({ host, port: actual });
    return actual;
  }

  /** Stops a worker as if it had died (tests and drills: the pool must start it again). */
  async terminate(index: number): Promise<void> {
    await this.slots[index]?.worker.terminate();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.publisher.close();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.all(
      this.slots.map(async (slot) => {
        if (!slot) return;
        const exited = new Promise<void>((resolve) => slot.worker.once('exit', () => resolve()));
        slot.worker.postMessage({ type: 'close' } satisfies ToWorker);
        // A worker stuck in its close gets terminated: shutdown must not hang on a thread.
        const timer = setTimeout(() => void slot.worker.terminate(), CLOSE_WAIT_MS);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  private listenOn(slot: Slot, host: string, port: number): Promise<number> {
    const id = this.nextId++;
    return new Promise<number>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ type: 'listen', id, host, port } satisfies ToWorker);
    });
  }

  private broadcast(m: ToWorker): void {
    for (const slot of this.slots) slot?.worker.postMessage(m);
  }

  private spawn(index: number): Slot {
    const worker = new Worker(SCRIPT, { workerData: this.config });
    const slot: Slot = { index, worker, startedAt: this.o.clock.now(), pending: new Map() };
    worker.on('message', (m: FromWorker) => {
      try {
        this.onMessage(slot, m);
      } catch (err) {
        this.logger.error('dns worker message failed', { worker: index, error: errorMessage(err) });
      }
    });
    worker.on('error', (err) =>
      this.logger.error('dns worker failed', { worker: index, error: errorMessage(err) }),
    );
    worker.on('exit', (code) => this.onExit(slot, code));
    worker.postMessage({ type: 'snapshot', json: this.publisher.current() } satisfies ToWorker);
    return slot;
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    switch (m.type) {
      case 'listening':
        slot.pending.get(m.id)?.resolve(m.port);
        slot.pending.delete(m.id);
        break;
      case 'listen-failed': {
        const err: NodeJS.ErrnoException = new Error(m.error);
        if (m.code) err.code = m.code;
        slot.pending.get(m.id)?.reject(err);
        slot.pending.delete(m.id);
        break;
      }
      case 'batch':
        if (m.counts) {
          this.counts.merge(m.counts);
          this.answered[slot.index]! += m.counts.responses.reduce((a, b) => a + b, 0);
        }
        for (const { pod, qname } of m.missing) this.o.onMissingName?.(pod, qname);
        break;
      case 'log':
        this.logger[m.level](m.message, { worker: slot.index, ...m.fields });
        break;
      case 'closed':
        break;
    }
  }

  private onExit(slot: Slot, code: number): void {
    for (const p of slot.pending.values())
      p.reject(new Error(`dns worker ${slot.index} exited (code ${code})`));
    slot.pending.clear();
    if (this.slots[slot.index] !== slot) return;
    this.slots[slot.index] = undefined;
    if (this.closed) return;
    const now = this.o.clock.now();
    if (now - slot.startedAt >= HEALTHY_AFTER_MS)
      this.restartDelay[slot.index] = this.o.restartDelayMs ?? 200;
    const delay = this.restartDelay[slot.index]!;
    this.restartDelay[slot.index] = Math.min(delay * 2, MAX_RESTART_DELAY_MS);
    this.logger.error('dns worker exited, restarting it', { worker: slot.index, code, inMs: delay });
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.closed) return;
      try {
        const fresh = this.spawn(slot.index);
        this.slots[slot.index] = fresh;
        for (const a of this.addresses) {
          this.listenOn(fresh, a.host, a.port).then(
            () =>
              this.logger.info('dns worker restarted', { worker: slot.index, host: a.host, port: a.port }),
            (err: unknown) =>
              this.logger.error('dns worker could not listen again', {
                worker: slot.index,
                host: a.host,
                port: a.port,
                error: errorMessage(err),
              }),
          );
        }
      } catch (err) {
        this.logger.error('dns worker could not be started', {
          worker: slot.index,
          error: errorMessage(err),
        });
      }
    }, delay);
    this.timers.add(timer);
  }
}
