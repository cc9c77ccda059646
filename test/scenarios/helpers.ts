// The scenarios' vocabulary over a world: containers from programs, pod and status lookups, waits, and
// the invariants test/e2e/common/node/init_container.go checks on every published pod.
import { expect } from 'chai';
import type { ContainerStatus, Pod, PodCondition } from '../../agent/model/pod';
import { printPod } from '../../agent/status/print-pod';
import type { Program } from './programs';
import type { TraceEntry } from './tracing-runtime';
import type { World } from './world';

export const container = (name: string, program: Program, extra: object = {}): object => ({
  name,
  image: 'busybox',
  command: program.command,
  ...extra,
});

export class Scene {
  constructor(private readonly w: () => World) {}

  get world(): World {
    return this.w();
  }

  create(name: string, spec: object, labels?: Record<string, string>): Promise<Pod> {
    return this.world.h.createPod({ metadata: { name, ...(labels ? { labels } : {}) }, spec });
  }

  pod(name: string): Pod {
    const p = this.world.h.pod(name);
    if (!p) throw new Error(`no pod ${name}`);
    return p;
  }

  /** kubectl's STATUS column. */
  status(name: string): string {
    return printPod(this.pod(name), Date.now()).status;
  }

  ready(name: string): string {
    return printPod(this.pod(name), Date.now()).ready;
  }

  init(name: string, i: number): ContainerStatus | undefined {
    return this.pod(name).status.initContainerStatuses?.[i];
  }

  app(name: string, i = 0): ContainerStatus | undefined {
    return this.pod(name).status.containerStatuses?.[i];
  }

  condition(name: string, type: string): PodCondition | undefined {
    return this.pod(name).status.conditions?.find((x) => x.type === type);
  }

  waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
    return this.world.h.waitFor(what, check, timeoutMs);
  }

  /** Polls an asynchronous check (the runtime's listing). */
  async until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** The runtime calls of one pod, as `call name`, in order. */
  calls(pod: string, ...kinds: TraceEntry['call'][]): string[] {
    return this.world.trace
      .filter((t) => t.pod === pod && kinds.includes(t.call))
      .map((t) => `${t.call} ${t.name}`);
  }

  eventReasons(name: string): string[] {
    return this.world.h.events.list({ uid: this.pod(name).metadata.uid }).map((e) => e.reason);
  }

  async containers(name: string): Promise<Awaited<ReturnType<World['runtime']['listContainers']>>> {
    return this.world.runtime.listContainers(this.pod(name).metadata.uid);
  }

  /** The invariants of the e2e helper, over every pod the store published. */
  checkInvariants(name: string): void {
    let wasInitialized = false;
    for (const p of this.world.seen(name)) {
      const init = p.status.conditions?.find((x) => x.type === 'Initialized');
      if (!init) continue;
      expect(init.status, 'Initialized is never Unknown').to.not.equal('Unknown');
      expect(init.lastTransitionTime, 'lastTransitionTime set').to.be.a('string').and.not.equal('');
      if (wasInitialized)
        expect(init.status, `${name}: Initialized never goes back to False`).to.equal('True');
      wasInitialized ||= init.status === 'True';
      if (init.status !== 'True') {
        for (const s of p.status.containerStatuses ?? []) {
          expect(s.state.waiting?.reason, `${name}: app waits while initializing`).to.equal(
            'PodInitializing',
          );
          expect(s.restartCount).to.equal(0);
        }
      }
      for (const s of p.status.initContainerStatuses ?? []) {
        if (s.state.terminated?.exitCode === 0)
          expect(s.ready, `${name}: a completed init container is ready`).to.equal(true);
      }
    }
  }
}
