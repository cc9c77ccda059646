// The agent's provisioner, as a local-path provisioner: each bound claim is a directory
// <data-dir>/volumes/pvc-<uid> on this node, made when the claim is bound and removed with the claim
// (reclaim policy Delete).
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export class LocalVolumes {
  constructor(private readonly dataDir: string) {}

  dir(volumeName: string): string {
    if (!/^pvc-[0-9a-f-]+$/.test(volumeName)) throw new Error(`not a provisioned volume: ${volumeName}`);
    return join(this.dataDir, 'volumes', volumeName);
  }

  provision(volumeName: string): string {
    const dir = this.dir(volumeName);
    mkdirSync(dir, { recursive: true });
    // World-writable, as local-path's: the pod's user is not known here (and mkdir's mode is masked).
    chmodSync(dir, 0o777);
    return dir;
  }

  /** The volumes provisioned on this node. */
  list(): string[] {
    const root = join(this.dataDir, 'volumes');
    return existsSync(root) ? readdirSync(root).filter((n) => /^pvc-[0-9a-f-]+$/.test(n)) : [];
  }

  remove(volumeName: string): void {
    rmSync(this.dir(volumeName), { recursive: true, force: true });
  }
}
