// Service traffic through the kernel, as kube-proxy's iptables mode: each sync reads the current state
// once (iptables-save) and writes all of our chains plus any jump fix in one `iptables-restore --noflush`,
// which the kernel applies as a single transaction. Docker's chains are read, never written.
import { spawn } from 'node:child_process';
import { MiniKubeletError, errorMessage } from '../errors';
import type { Logger } from '../log';
import { type HairpinOptions, enableHairpin } from './hairpin';
import { type IptablesState, jumpRulesFor, parseIptablesSave, planJumps, planUnjump } from './iptables-state';
import type { ServiceProxy } from './service-proxy';
import { renderServiceRules, type ServiceRule, type Table } from './service-rules';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command with `stdin` as its input; rejects only when it cannot be started. */
export type RunCommand = (cmd: string, args: readonly string[], stdin: string) => Promise<RunResult>;

export interface IptablesProxyOptions {
  logger: Logger;
  /** The service range (e.g. 10.96.0.0/12): traffic to it that no Service takes is refused. */
  serviceCidr: string;
  run?: RunCommand;
  /** `iptables` (the nft or legacy one the host uses); `-save` and `-restore` are appended for the others. */
  iptablesCmd?: string;
  /** Hairpin mode on the endpoints' bridge ports (see hairpin.ts); `false` leaves the ports alone. */
  hairpin?: HairpinOptions | false;
}

export const runCommand: RunCommand = (cmd, args, stdin) =>
  new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.on('error', () => undefined); // the exit code tells; an early exit closes the pipe
    child.stdin.end(stdin);
  });

interface QueuedSync {
  rules: readonly ServiceRule[];
  done: Promise<void>;
}

export class IptablesProxy implements ServiceProxy {
  private readonly logger: Logger;
  private readonly run: RunCommand;
  private readonly cmd: string;
  private tail: Promise<unknown> = Promise.resolve();
  private queued: QueuedSync | undefined;
  private hairpinWarned = false;

  constructor(private readonly o: IptablesProxyOptions) {
    this.logger = o.logger;
    this.run = o.run ?? runCommand;
    this.cmd = o.iptablesCmd ?? 'iptables';
  }

  /**
   * One sync at a time. Calls made while one runs are coalesced: they all resolve with a single later
   * sync of the latest rules, since only the last table matters.
   */
  sync(rules: readonly ServiceRule[]): Promise<void> {
    if (this.queued) {
      this.queued.rules = rules;
      return this.queued.done;
    }
    const job: QueuedSync = { rules, done: Promise.resolve() };
    job.done = this.enqueue(() => {
      if (this.queued === job) this.queued = undefined;
      return this.syncNow(job.rules);
    });
    this.queued = job;
    return job.done;
  }

  /** Removes the jumps into our chains, then the chains; a later sync installs everything again. */
  cleanup(): Promise<void> {
    return this.enqueue(async () => {
      const state = await this.save();
      const unjump = planUnjump(state);
      const input = (['nat', 'filter'] as const)
        .filter((t) => unjump[t].length > 0 || state.chains[t].length > 0)
        .flatMap((t) => [
          `*${t}`,
          ...state.chains[t].map((c) => `:${c} - [0:0]`),
          ...unjump[t],
          ...state.chains[t].map((c) => `-X ${c}`),
          'COMMIT',
        ]);
      if (input.length > 0) await this.restore(input.join('\n') + '\n');
      this.logger.debug('service rules removed', {
        chains: state.chains.nat.length + state.chains.filter.length,
      });
    });
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn);
    this.tail = next.catch(() => undefined);
    return next;
  }

  private async syncNow(rules: readonly ServiceRule[]): Promise<void> {
    const state = await this.save();
    const jumps = planJumps(state, jumpRulesFor(state));
    const text = renderServiceRules(rules, {
      serviceCidr: this.o.serviceCidr,
      existingChains: state.chains,
      extra: jumps,
    });
    const hairpinPorts = await this.hairpin(rules);
    await this.restore(text);
    this.logger.debug('service rules synced', {
      services: rules.length,
      endpoints: rules.reduce((n, r) => n + r.endpoints.length, 0),
      withoutEndpoints: rules.filter((r) => r.endpoints.length === 0).length,
      jumpChanges: count(jumps),
      hairpinPorts,
    });
  }

  // Before the rules, so a pod's first connection to itself already finds its port in hairpin mode. A
  // failure costs only that case, so it is logged and the rules still go in.
  private async hairpin(rules: readonly ServiceRule[]): Promise<number> {
    if (this.o.hairpin === false) return 0;
    try {
      return await enableHairpin(
        rules.flatMap((r) => r.endpoints.map((e) => e.ip)),
        this.o.hairpin,
      );
    } catch (err) {
      // Warn once (a read-only sysfs fails every time), then keep it at debug.
      const level = this.hairpinWarned ? 'debug' : 'warn';
      this.logger[level]('hairpin mode not set; a pod cannot reach itself through its Service', {
        error: errorMessage(err),
      });
      this.hairpinWarned = true;
      return 0;
    }
  }

  private async save(): Promise<IptablesState> {
    const out = await this.exec(`${this.cmd}-save`, [], '');
    return parseIptablesSave(out);
  }

  private async restore(input: string): Promise<void> {
    // -w: wait for the xtables lock instead of failing when Docker holds it (legacy backend).
    await this.exec(`${this.cmd}-restore`, ['-w', '--noflush'], input);
  }

  private async exec(cmd: string, args: string[], stdin: string): Promise<string> {
    let res: RunResult;
    try {
      res = await this.run(cmd, args, stdin);
    } catch (err) {
      throw new MiniKubeletError('RuntimeError', `${cmd}: ${errorMessage(err)}`, {}, { cause: err });
    }
    if (res.code !== 0) {
      throw new MiniKubeletError('RuntimeError', `${cmd} failed (exit ${res.code}): ${res.stderr.trim()}`);
    }
    return res.stdout;
  }
}

const count = (lines: Record<Table, string[]>): number => lines.nat.length + lines.filter.length;
