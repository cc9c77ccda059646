// Running the agent under another Node.js line than the bench's own (the DNS part's worker threads need
// Node >= 22.12): the binary and a run directory made by scripts/node-lines.sh (a copy of dist/ beside a
// node_modules built for that Node's ABI), removed again by cleanup().
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { run } from './system';

export interface NodeLine {
  version: string;
  exec: string;
  main: string;
  cleanup(): void;
}

const ROOT = join(__dirname, '..', '..');

export async function nodeLine(version: string): Promise<NodeLine> {
  const script = [
    'source scripts/node-lines.sh',
    `node_fetch ${version} >&2 && node_modules_build ${version} >&2`,
    `echo "$(_nl_dir ${version})/package/bin/node"`,
    `node_run_dir ${version}`,
  ].join(' && ');
  const r = await run('bash', ['-c', `cd '${ROOT}' && ${script}`], { timeoutMs: 15 * 60_000 });
  const [exec, dir] = r.stdout.trim().split('\n').slice(-2);
  if (r.code !== 0 || !exec || !dir) throw new Error(`Node ${version} not available: ${r.stderr.trim()}`);
  return {
    version,
    exec,
    main: join(dir, 'dist', 'daemon', 'main.js'),
    cleanup: () => rmSync(dirname(dir), { recursive: true, force: true }),
  };
}
