// `npm run chaos -- --minutes N [--seed S]`: pods, Services, Deployments and ConfigMaps created, updated and
// deleted at random (seeded) against the real daemon and engine, while the daemon is killed with SIGKILL and
// the engine restarted at random moments. Then: churn stops, the run waits (bounded) for convergence and
// checks every acknowledged write against what the API serves and the engine runs, deletes everything and
// counts what is left. Prints the figures and exits non-zero, with a line saying what failed, on any lost
// write, leak, unexplained answer or missed convergence. Run it under the Docker lock: it restarts the engine.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { freePort } from '../tools/free-port';
import { freePodSubnet } from '../tools/free-subnet';
import { runMain } from '../tools/run-main';
import { ChaosApi } from './api';
import { census, endEngineOrphans, ledgerMismatches, untilNoProblems, workloadProblems } from './checks';
import { Churner } from './churn';
import { cleanUp } from './clean-up';
import { ChaosDaemon } from './daemon';
import { FaultInjector } from './faults';
import { CHAOS_KINDS } from './kinds';
import { Ledger } from './ledger';
import { parseChaosArgs } from './options';
import { seededRng } from './rng';

const NETWORK = 'mk-chaos';
/** Not the soak's (10.249-10.252), the bench's (10.248) nor the tests' (10.245). */
const POD_CIDRS = ['10.246.0.0/16', '10.253.0.0/16', '10.254.0.0/16'];

const log = (line: string): void => console.log(`chaos: ${line}`);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  const opts = parseChaosArgs(process.argv.slice(2));
  log(`seed ${opts.seed} (replay: --seed ${opts.seed}), ${opts.minutes} min of churn and faults`);
  const rng = seededRng(opts.seed);
  const subnet = freePodSubnet(NETWORK, POD_CIDRS, log);
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'mk-chaos-'));
  const url = `http://127.0.0.1:${port}`;
  const daemon = new ChaosDaemon(url, [
    ...['--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, '--dns-listen', '127.0.0.1:0'],
    ...['--network', NETWORK, '--pod-cidr', subnet, '--log-level', 'warn'],
    ...['--image-pull-default', 'offline'], // local images: no registry is asked
  ]);
  const failures: string[] = [];
  try {
    await daemon.start();
    const instance = readFileSync(join(dataDir, 'instance-id'), 'utf8').trim();
    await new Promise((r) => setTimeout(r, 3_000)); // the daemon's own iptables chains settle first
    const before = census(instance);
    const api = new ChaosApi(url);
    const ledger = new Ledger();
    const churner = new Churner(api, CHAOS_KINDS, ledger, rng);
    const faults = new FaultInjector(daemon, rng, log, opts.faultGapSeconds);
    const t0 = Date.now();
    const end = t0 + opts.minutes * 60_000;
    let stop = false;
    const churn = async (): Promise<void> => {
      let nextReport = t0 + 30_000;
      while (!stop && Date.now() < end) {
        await daemon.up();
        await churner.step();
        await new Promise((r) => setTimeout(r, rng.int(20, 150)));
        if (Date.now() >= nextReport) {
          nextReport += 30_000;
          const f = faults.figures;
          log(
            `${seconds(Date.now() - t0)}: ${churner.figures.writes} writes, ${f.daemonKills} daemon kills, ${f.engineRestarts} engine restarts`,
          );
        }
      }
    };
    const stopOnError = (err: unknown): never => {
      stop = true; // the other loop ends too, so nothing runs after the clean-up
      throw err;
    };
    const loops = await Promise.allSettled([
      churn().catch(stopOnError),
      faults.run(end, () => stop).catch(stopOnError),
    ]);
    for (const l of loops) if (l.status === 'rejected') throw l.reason;
    await daemon.up();
    log('churn stopped; waiting for convergence');
    const converged = await untilNoProblems(
      async () => [
        ...(await ledgerMismatches(api, CHAOS_KINDS, ledger)),
        ...(await workloadProblems(api, instance)),
      ],
      opts.convergeSeconds * 1000,
    );
    const lost = [...churner.figures.lost, ...(await ledgerMismatches(api, CHAOS_KINDS, ledger))];
    const notConverged = converged.problems.length ? await workloadProblems(api, instance) : [];
    const leftover = await cleanUp(api, CHAOS_KINDS);
    const after = await untilNoProblems(async () => {
      const now = census(instance);
      return Object.keys(before)
        .filter((k) => now[k] !== before[k])
        .map((k) => `${k}: ${before[k]} before, ${now[k]} after deleting everything`);
    }, 60_000);
    const leaks = [...leftover, ...after.problems];
    const engineOrphans = endEngineOrphans();
    const f = faults.figures;
    log(`figures (seed ${opts.seed}, ${opts.minutes} min):`);
    log(
      `  faults injected: ${f.daemonKills + f.engineRestarts} (daemon kills ${f.daemonKills}, engine restarts ${f.engineRestarts})`,
    );
    log(
      `  objects churned: ${churner.figures.objects.size}; writes ${churner.figures.writes}: acknowledged ${ledger.acknowledged}, unanswered ${ledger.unanswered}, refused ${churner.figures.refused}`,
    );
    log(`  lost writes: ${lost.length}`);
    log(`  leaks: ${leaks.length}`);
    log(`  engine orphans ended after the run (shims the engine forgot across a restart): ${engineOrphans}`);
    log(
      `  convergence: ${converged.problems.length ? `not within ${opts.convergeSeconds} s` : seconds(converged.ms)}`,
    );
    for (const l of lost) log(`LOST ${l}`);
    for (const l of leaks) log(`LEAK ${l}`);
    for (const l of notConverged) log(`NOT CONVERGED ${l}`);
    for (const l of churner.figures.unexpected) log(`UNEXPECTED ANSWER ${l}`);
    if (lost.length) failures.push(`${lost.length} lost writes`);
    if (leaks.length) failures.push(`${leaks.length} leaks`);
    if (notConverged.length)
      failures.push(`not converged within ${opts.convergeSeconds} s (${notConverged.length} problems)`);
    if (churner.figures.unexpected.length)
      failures.push(`${churner.figures.unexpected.length} unexpected answers`);
  } catch (err) {
    console.log(`chaos: the daemon's last lines:\n${daemon.tail()}`);
    throw err;
  } finally {
    await daemon.stop();
    removeLeftovers();
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (failures.length) throw new Error(`${failures.join(', ')} (seed ${opts.seed})`);
  log('PASS: every acknowledged write kept, everything converged, nothing left over');
}

/** The run's containers and network, whatever happened (a failed run must not leave them to the next one). */
function removeLeftovers(): void {
  const script = `ids=$(docker ps -a --format '{{.ID}} {{.Label "io.kubernetes.pod.name"}}' | awk '$2 ~ /^chaos-/ {print $1}')
[ -z "$ids" ] || docker rm -f $ids >/dev/null; docker network rm ${NETWORK} >/dev/null 2>&1 || true`;
  execFileSync('bash', ['-c', script], { stdio: 'ignore', timeout: 120_000 });
}

void runMain('chaos', main);
