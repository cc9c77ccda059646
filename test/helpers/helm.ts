// The real Helm 4 and kubectl 1.35 (scripts/install-kubectl.sh) against a harness's API served on loopback:
// Helm's homes and a copy of the project's chart (test/fixtures/helm/greeter) in the harness's data dir.
import { execFile } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Harness } from './harness';
import { REPO, type Run, installKubectl, serveWithKubeconfig } from './kubectl';

/** What the Helm tests read of a listed object. */
export interface Item {
  metadata: { name: string; annotations?: Record<string, string> };
  spec?: { replicas?: number; template?: { spec: { containers: { env?: { value: string }[] }[] } } };
  status?: { phase?: string };
  data?: Record<string, string>;
}

export interface HelmTools {
  /** The copy of test/fixtures/helm/greeter. */
  greeter: string;
  /** Runs a binary without blocking the event loop: the agent answering it lives in this process. */
  run(bin: 'helm' | 'kubectl', args: string[]): Promise<Run>;
  /** Runs Helm, expects exit 0, gives its stdout. */
  helm(...args: string[]): Promise<string>;
  /** `kubectl get WHAT -o json`'s items. */
  get(what: string): Promise<Item[]>;
  names(what: string): Promise<string[]>;
  /** The names of a release's Secrets (`sh.helm.release.v1.<release>.vN`). */
  releaseSecrets(release: string): Promise<string[]>;
}

export async function helmAgainst(h: Harness): Promise<HelmTools> {
  const bins = { helm: installKubectl('helm'), kubectl: installKubectl('35') };
  const kubeconfig = await serveWithKubeconfig(h);
  const home = (d: string): string => join(h.dataDir, 'helm', d);
  const env = {
    ...process.env,
    KUBECONFIG: kubeconfig,
    HELM_CACHE_HOME: home('cache'),
    HELM_CONFIG_HOME: home('config'),
    HELM_DATA_HOME: home('data'),
  };
  const greeter = join(h.dataDir, 'greeter');
  cpSync(join(REPO, 'test', 'fixtures', 'helm', 'greeter'), greeter, { recursive: true });

  const run = (bin: 'helm' | 'kubectl', args: string[]): Promise<Run> =>
    new Promise((done) => {
      execFile(bins[bin], args, { env, cwd: h.dataDir, timeout: 45_000 }, (err, stdout, stderr) =>
        done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  const helm = async (...args: string[]): Promise<string> => {
    const r = await run('helm', args);
    expect(r.code, `helm ${args.join(' ')}: ${r.stderr}`).to.equal(0);
    return r.stdout;
  };
  const get = async (what: string): Promise<Item[]> => {
    const r = await run('kubectl', ['get', what, '-o', 'json']);
    expect(r.code, r.stderr).to.equal(0);
    return (JSON.parse(r.stdout) as { items: Item[] }).items;
  };
  const names = async (what: string): Promise<string[]> =>
    (await get(what)).map((i) => i.metadata.name).sort();
  const releaseSecrets = async (release: string): Promise<string[]> =>
    (await names('secrets')).filter((n) => n.startsWith(`sh.helm.release.v1.${release}.`));
  return { greeter, run, helm, get, names, releaseSecrets };
}
