// Groups a pod's observed containers the way the planner and the status generator read them.
import type { ObservedContainer, PodContainerKind } from '../runtime/runtime';

export class PodView {
  /** Sandboxes, newest first. */
  readonly sandboxes: ObservedContainer[];
  readonly sandbox: ObservedContainer | undefined;
  private readonly byName = new Map<string, ObservedContainer[]>();

  constructor(readonly containers: readonly ObservedContainer[]) {
    const sorted = [...containers].sort((a, b) => b.createdAt - a.createdAt || b.attempt - a.attempt);
    this.sandboxes = sorted.filter((c) => c.kind === 'sandbox');
    this.sandbox = this.sandboxes[0];
    for (const c of sorted) {
      if (c.kind === 'sandbox') continue;
      const key = `${c.kind}/${c.name}`;
      const list = this.byName.get(key) ?? [];
      list.push(c);
      this.byName.set(key, list);
    }
  }

  /** Every instance of a container, newest first, across sandboxes. */
  instances(kind: PodContainerKind, name: string): ObservedContainer[] {
    return this.byName.get(`${kind}/${name}`) ?? [];
  }

  latest(kind: PodContainerKind, name: string): ObservedContainer | undefined {
    return this.instances(kind, name)[0];
  }

  /** The newest instance that belongs to the current sandbox. */
  current(kind: PodContainerKind, name: string): ObservedContainer | undefined {
    const sb = this.sandbox;
    if (!sb) return undefined;
    return this.instances(kind, name).find((c) => c.sandboxId === sb.id);
  }

  /** The sandbox is usable: newest one running with an IP, and no second one running. */
  sandboxHealthy(): boolean {
    const sb = this.sandbox;
    return (
      !!sb &&
      sb.state === 'running' &&
      (!!sb.ip || sb.hostNetwork === true) &&
      this.sandboxes.filter((s) => s.state === 'running').length === 1
    );
  }

  anyRunning(): boolean {
    return this.containers.some((c) => c.state === 'running');
  }
}

export const exitedFailed = (c: ObservedContainer): boolean =>
  c.state === 'unknown' || (c.state === 'exited' && (c.exitCode !== 0 || c.oomKilled));
export const exitedOk = (c: ObservedContainer): boolean =>
  c.state === 'exited' && c.exitCode === 0 && !c.oomKilled;
