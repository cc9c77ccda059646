// Newline-delimited JSON streams (watches, Docker's events) and waiting on what they bring: the benchmarks
// read several, each the same way.

/** Calls onValue with each JSON line of the stream as it arrives, then afterChunk once per chunk. */
export function eachJsonLine(
  stream: NodeJS.ReadableStream,
  onValue: (value: unknown) => void,
  afterChunk?: () => void,
): void {
  let pending = '';
  stream.on('data', (c: Buffer) => {
    pending += c.toString('utf8');
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (line) onValue(JSON.parse(line));
    }
    afterChunk?.();
  });
}

/** Promises that resolve when a condition holds, re-checked on poke() (each chunk of a stream). */
export class Waiters {
  private readonly checks = new Set<() => void>();
  /** Set when the stream ended: waiting goes on no longer. */
  ended = false;
  /** The stream's error, when an error ended it (said in the waits' messages). */
  private endedBy: string | undefined;

  /** Waits on `stream`: its end, close or error ends every wait (a watch cut, dockerd restarted). */
  follow(stream: NodeJS.ReadableStream): void {
    const end = (err?: Error): void => {
      this.ended = true;
      this.endedBy ??= err?.message;
      this.poke();
    };
    stream.once('end', () => end());
    stream.once('close', () => end());
    stream.once('error', end);
  }

  poke(): void {
    for (const check of [...this.checks]) check();
  }

  /** Resolves when pred() holds; rejects after timeoutMs or when the stream ended (already, or later). */
  until(what: string, pred: () => boolean, timeoutMs: number): Promise<void> {
    if (pred()) return Promise.resolve();
    // no poke comes after the end: without this a wait begun then would run out its whole timeout
    if (this.ended) return Promise.reject(this.endError(what));
    return new Promise((resolve, reject) => {
      const done = (err?: Error): void => {
        clearTimeout(timer);
        this.checks.delete(check);
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(
        () => done(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
        timeoutMs,
      );
      const check = (): void => {
        if (pred()) done();
        else if (this.ended) done(this.endError(what));
      };
      this.checks.add(check);
    });
  }

  private endError(what: string): Error {
    return new Error(`stream ended${this.endedBy ? ` (${this.endedBy})` : ''} while waiting for ${what}`);
  }
}
