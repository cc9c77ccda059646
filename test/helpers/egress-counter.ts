// scripts/egress-counter.sh from a test: counts (and drops) packets for a range that are about to leave the
// host, so a test proves that nothing for the service range leaves without sending anything away itself.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = join(__dirname, '..', '..', '..', 'scripts', 'egress-counter.sh');

export class EgressCounter {
  constructor(private readonly cidr: string) {}

  async add(): Promise<void> {
    await run('bash', [SCRIPT, 'add', this.cidr]);
  }

  async count(): Promise<number> {
    return Number((await run('bash', [SCRIPT, 'count', this.cidr])).stdout.trim());
  }

  async remove(): Promise<void> {
    await run('bash', [SCRIPT, 'remove', this.cidr]);
  }
}
