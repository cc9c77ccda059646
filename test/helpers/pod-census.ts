// Counts a workload's pods while something rough happens (a kill -9 of the daemon): every few ms, the
// pods on the engine (distinct pod uids among the agent's containers, found by its labels, that are not
// exited) and then the pods in the API (when it answers). Judged afterwards: a pod the API shows terminating
// or gone does not count (upstream's controllers do not count terminating pods either); while the daemon is
// down, the engine's pods are judged by the first API answer after it, which is the state the daemon left.
import Docker from 'dockerode';

interface ApiPod {
  metadata: { uid: string; deletionTimestamp?: string };
}

interface Sample {
  at: number;
  engine: Set<string>;
  /** uid -> terminating; undefined: the API did not answer. */
  api: Map<string, boolean> | undefined;
}

export interface CensusVerdict {
  samples: number;
  apiSamples: number;
  maxEngine: number;
  maxApi: number;
  /** The first samples over the limit, described. */
  over: string[];
}

export class PodCensus {
  private readonly samples: Sample[] = [];
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(
    private readonly docker: Docker,
    /** The API's pod list of the workload (a label selector), e.g. `${url}/api/v1/namespaces/default/pods?labelSelector=app%3Dx`. */
    private readonly listUrl: () => string,
    /** Pod-name prefix of the workload's pods on the engine. */
    private readonly prefix: string,
    private readonly everyMs = 25,
  ) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const at = Date.now();
      const engine = await this.enginePods();
      const api = await this.apiPods();
      this.samples.push({ at, engine, api });
      await new Promise((r) => setTimeout(r, this.everyMs));
    }
  }

  private async enginePods(): Promise<Set<string>> {
    const list = await this.docker.listContainers({
      all: true,
      filters: { label: ['io.minikubelet.managed=true'] },
    });
    const uids = list
      .filter((c) => (c.Labels['io.kubernetes.pod.name'] ?? '').startsWith(this.prefix))
      .filter((c) => c.State === 'running' || c.State === 'created' || c.State === 'restarting')
      .map((c) => c.Labels['io.kubernetes.pod.uid'] ?? '?');
    return new Set(uids);
  }

  private async apiPods(): Promise<Map<string, boolean> | undefined> {
    try {
      const res = await fetch(this.listUrl(), { signal: AbortSignal.timeout(2_000) });
      if (!res.ok) return undefined;
      const body = (await res.json()) as { items: ApiPod[] };
      return new Map(body.items.map((p) => [p.metadata.uid, p.metadata.deletionTimestamp !== undefined]));
    } catch {
      return undefined;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  /** Every sample checked against `limit` pods; call after stop(). */
  verdict(limit: number): CensusVerdict {
    const over: string[] = [];
    let maxEngine = 0;
    let maxApi = 0;
    let apiSamples = 0;
    for (let i = 0; i < this.samples.length; i++) {
      const s = this.samples[i] as Sample;
      const view = s.api ?? this.samples.slice(i + 1).find((x) => x.api)?.api;
      if (s.api) {
        apiSamples++;
        const live = [...s.api.values()].filter((terminating) => !terminating).length;
        maxApi = Math.max(maxApi, live);
        if (live > limit && over.length < 5) over.push(`${new Date(s.at).toISOString()} API: ${live} pods`);
      }
      // a uid the API shows terminating, or no longer has, is on its way out
      const engine = [...s.engine].filter((uid) => !view || view.get(uid) === false).length;
      maxEngine = Math.max(maxEngine, engine);
      if (engine > limit && over.length < 5)
        over.push(`${new Date(s.at).toISOString()} engine: ${engine} pods${s.api ? '' : ' (API down)'}`);
    }
    return { samples: this.samples.length, apiSamples, maxEngine, maxApi, over };
  }
}
