// The daemon's configuration for an agent run inside another process (the tests' Harness, `npm run fuzz`):
// its own data dir, the scratch pod network, DNS on an ephemeral loopback port (no fixed port to collide
// on), and the temp dir as the one allowed host path (so hostPath volumes and their escapes can be tried).
import { tmpdir } from 'node:os';
import { type Config, loadConfig } from '../daemon/config';

export function scratchConfig(dataDir: string, flags: readonly string[] = []): Config {
  const scratch = [
    ...['--data-dir', dataDir, '--network', 'mk-test', '--pod-cidr', '10.245.0.0/16'],
    ...['--resync-seconds', '60', '--dns-listen', '127.0.0.1:0', '--allow-host-path', tmpdir()],
    // No registry is asked about the local test images (CI is offline); the tests of auto say so.
    ...['--image-pull-default', 'offline'],
  ];
  // Later flags win, so a caller's flags override these.
  return loadConfig([...scratch, ...flags], {}, false);
}
