// The catalog as DNS worker threads see it: a read-only snapshot the main thread publishes on every change.
// The main thread serializes the catalog once per change (JSON: Services and pods are a few kilobytes even
// with hundreds of pods, and changes are rare next to queries) and posts the same string to every worker;
// each worker parses it into a SnapshotCatalog and builds its record table from it, as the in-process
// server does from the live catalog. A SharedArrayBuffer would save the per-worker copy but needs a binary
// layout and a generation protocol; the copy costs microseconds per change, never anything per query.
import type { DnsCatalog, PodRecord, ServiceRecord } from './catalog';

export interface CatalogSnapshotData {
  /** The catalog's version() when it was taken. */
  version: number;
  /** When it was taken (ms since the epoch): the SOA serial, the same in every worker. */
  takenAtMs: number;
  services: ServiceRecord[];
  pods: PodRecord[];
}

/** The catalog as one string to post to the workers. */
export function serializeCatalog(catalog: DnsCatalog, takenAtMs: number): string {
  const data: CatalogSnapshotData = {
    version: catalog.version(),
    takenAtMs,
    services: [...catalog.services()],
    pods: [...catalog.pods()],
  };
  return JSON.stringify(data);
}

/** A DnsCatalog over the last snapshot received; replace() swaps it (the version moves, tables are rebuilt). */
export class SnapshotCatalog implements DnsCatalog {
  private data: CatalogSnapshotData = { version: -1, takenAtMs: 0, services: [], pods: [] };
  private byIp = new Map<string, PodRecord>();
  private generation = 0;

  replace(json: string): void {
    const data = JSON.parse(json) as CatalogSnapshotData;
    this.data = data;
    this.byIp = new Map(data.pods.map((p) => [p.ip, p]));
    this.generation++;
  }

  services(): ServiceRecord[] {
    return this.data.services;
  }

  pods(): PodRecord[] {
    return this.data.pods;
  }

  podByIp(ip: string): PodRecord | undefined {
    return this.byIp.get(ip);
  }

  // Counts replacements, not the main catalog's version: a restarted main thread may start again from 0.
  version(): number {
    return this.generation;
  }

  changedAtMs(): number {
    return this.data.takenAtMs;
  }
}
