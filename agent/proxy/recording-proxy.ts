// A ServiceProxy for unit tests: keeps every table it is handed, and can be told to fail the next call.
import type { ServiceProxy } from './service-proxy';
import type { ServiceRule } from './service-rules';

export class RecordingProxy implements ServiceProxy {
  readonly syncs: ServiceRule[][] = [];
  cleanups = 0;
  private installed = false;
  private failure: Error | undefined;

  /** The rules of the last sync since the last cleanup, or undefined. */
  get current(): readonly ServiceRule[] | undefined {
    return this.installed ? this.syncs[this.syncs.length - 1] : undefined;
  }

  failNext(err: Error): void {
    this.failure = err;
  }

  async sync(rules: readonly ServiceRule[]): Promise<void> {
    this.takeFailure();
    // A deep copy: the caller may reuse its arrays.
    this.syncs.push(rules.map((r) => ({ ...r, endpoints: r.endpoints.map((e) => ({ ...e })) })));
    this.installed = true;
  }

  async cleanup(): Promise<void> {
    this.takeFailure();
    this.cleanups++;
    this.installed = false;
  }

  private takeFailure(): void {
    const err = this.failure;
    this.failure = undefined;
    if (err) throw err;
  }
}
