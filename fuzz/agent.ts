// The agent under fuzz: the daemon's own wiring (createAgent) in this process, with a temporary data dir
// (tools/scratch-config.ts). Product tooling builds it here rather than through the tests' Harness.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../agent/clock';
import type { Logger } from '../agent/log';
import type { ContainerRuntime } from '../agent/runtime/runtime';
import { type Agent, createAgent } from '../daemon/create-agent';
import { scratchConfig } from '../tools/scratch-config';

export interface FuzzTarget {
  readonly agent: Agent;
  /** Stops the agent and removes its data dir. */
  stop(): Promise<void>;
}

export async function startFuzzTarget(o: {
  runtime: ContainerRuntime;
  logger: Logger;
  flags?: string[];
}): Promise<FuzzTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mk-fuzz-'));
  const config = scratchConfig(dataDir, o.flags);
  const agent = createAgent({
    config,
    runtime: o.runtime,
    logger: o.logger,
    clock: systemClock,
    nodeName: 'fuzz-node',
    hostResolvConf: () => '',
    podDns: false,
  });
  await agent.start();
  return {
    agent,
    async stop() {
      await agent.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
