// Main thread side of the DNS workers' catalog: after any change of the live catalog (coalesced: a burst of
// store changes in one tick publishes once), serialize it once and hand the string to every worker.
import type { Clock } from '../agent/clock';
import type { DnsCatalog } from './catalog';
import { serializeCatalog } from './catalog-snapshot';

export interface CatalogPublisherOptions {
  catalog: DnsCatalog;
  /** Subscribes to the catalog's changes; returns unsubscribe. */
  onChange: (listener: () => void) => () => void;
  clock: Clock;
  /** Called with each new snapshot. */
  publish: (json: string) => void;
  /** Runs the publication later in this tick's aftermath (default setImmediate). */
  defer?: (fn: () => void) => void;
}

export class CatalogPublisher {
  private scheduled = false;
  private publishedVersion: number | undefined;
  private last: string | undefined;
  private readonly unsubscribe: () => void;

  constructor(private readonly o: CatalogPublisherOptions) {
    this.unsubscribe = o.onChange(() => this.schedule());
  }

  /** The snapshot now (made if the catalog moved since the last one): what a (re)started worker gets first. */
  current(): string {
    const v = this.o.catalog.version();
    if (this.last === undefined || v !== this.publishedVersion) {
      this.last = serializeCatalog(this.o.catalog, this.o.clock.now());
      this.publishedVersion = v;
    }
    return this.last;
  }

  close(): void {
    this.unsubscribe();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    (this.o.defer ?? setImmediate)(() => {
      this.scheduled = false;
      const before = this.last;
      const json = this.current();
      if (json !== before) this.o.publish(json);
    });
  }
}
