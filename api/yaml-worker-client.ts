// Parses big YAML bodies on one worker thread (api/yaml-worker.ts), one at a time, each within a time
// limit and a heap limit: a hostile document costs that thread, never the event loop that serves the API
// and runs the sync loop. The thread starts on first use and is replaced after a timeout or a crash.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type ErrorCode, MiniKubeletError, errorMessage } from '../agent/errors';

export interface YamlWorkerOptions {
  /** Time one document may take (default 10 s); then the thread is terminated and the request refused. */
  timeoutMs?: number;
  /** Bodies waiting for the thread (default 16); more are refused with 429 at once. */
  maxQueued?: number;
  /** The thread's heap (default 512 MiB): a document that needs more is refused. */
  heapMb?: number;
}

interface Job {
  id: number;
  text: string;
  resolve: (v: unknown) => void;
  reject: (err: Error) => void;
}

type Answer =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; code?: ErrorCode; message: string };

const yamlError = (why: string): MiniKubeletError =>
  new MiniKubeletError('BadRequest', `error converting YAML to JSON: ${why}`);

export class YamlWorker {
  private worker: Worker | undefined;
  private readonly queue: Job[] = [];
  private current: { job: Job; timer: NodeJS.Timeout } | undefined;
  private nextId = 1;
  private closed = false;
  private readonly timeoutMs: number;
  private readonly maxQueued: number;
  private readonly heapMb: number;

  constructor(opts: YamlWorkerOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxQueued = opts.maxQueued ?? 16;
    this.heapMb = opts.heapMb ?? 512;
  }

  /** Threads started so far (a timeout or crash replaces the thread). */
  started = 0;

  parse(text: string): Promise<unknown> {
    if (this.closed) return Promise.reject(new MiniKubeletError('RuntimeUnavailable', 'the API is stopping'));
    if (this.queue.length >= this.maxQueued) {
      return Promise.reject(
        new MiniKubeletError(
          'TooManyRequests',
          'too many large YAML bodies are waiting to be parsed; retry later, or send JSON',
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, text, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const stopping = new MiniKubeletError('RuntimeUnavailable', 'the API is stopping');
    for (const job of this.queue.splice(0)) job.reject(stopping);
    this.finish()?.reject(stopping);
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  private pump(): void {
    if (this.current || this.closed) return;
    const job = this.queue.shift();
    if (!job) return;
    const worker = this.worker ?? this.start();
    const timer = setTimeout(() => {
      this.finish()?.reject(
        yamlError(`the document took more than ${this.timeoutMs / 1000} s to parse; send it as JSON`),
      );
      this.replace();
    }, this.timeoutMs);
    this.current = { job, timer };
    worker.postMessage({ id: job.id, text: job.text });
  }

  /** The job in progress, now done with (its timer stopped), and the next one started. */
  private finish(id?: number): Job | undefined {
    const cur = this.current;
    if (!cur || (id !== undefined && cur.job.id !== id)) return undefined;
    clearTimeout(cur.timer);
    this.current = undefined;
    queueMicrotask(() => this.pump());
    return cur.job;
  }

  private replace(): void {
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
  }

  private start(): Worker {
    this.started++;
    const w = new Worker(join(__dirname, 'yaml-worker.js'), {
      resourceLimits: { maxOldGenerationSizeMb: this.heapMb },
    });
    w.unref(); // an idle parser must not keep the process alive
    w.on('message', (m: Answer) => {
      const job = this.finish(m.id);
      if (!job) return;
      if (m.ok) job.resolve(m.value);
      else job.reject(new MiniKubeletError(m.code ?? 'BadRequest', m.message));
    });
    // Out of memory, or anything else that ends the thread: the document in progress is refused.
    w.on('error', (err) => {
      if (this.worker === w) this.worker = undefined;
      this.finish()?.reject(yamlError(errorMessage(err)));
    });
    w.on('exit', () => {
      if (this.worker !== w) return;
      this.worker = undefined;
      this.finish()?.reject(yamlError('the parser stopped'));
    });
    this.worker = w;
    return w;
  }
}
