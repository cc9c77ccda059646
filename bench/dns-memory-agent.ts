// The agent's real wiring (createAgent: catalog, DNS server or worker threads, source policy, metrics) on the
// memory runtime, with the DNS part's five Services: DNS measurements that need neither Docker nor the
// Docker lock. `node dist/bench/dns-memory-agent.js [--dns-workers N]` prints `dns <port>` once ready and
// runs until SIGTERM. The figures it gave are in BENCHMARKS.md (DNS) with the dnsperf commands.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../agent/clock';
import { nopLogger } from '../agent/log';
import { MemoryRuntime } from '../agent/runtime/memory-runtime';
import { noSubPathMounter } from '../agent/volumes/subpath-mounter';
import { noTmpfs } from '../agent/volumes/tmpfs';
import { createAgent } from '../daemon/create-agent';
import { scratchConfig } from '../tools/scratch-config';
import { DNS_SERVICES } from './dns-services';

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mkb-dns-mem-'));
  const agent = createAgent({
    runtime: new MemoryRuntime(systemClock),
    config: scratchConfig(dataDir, process.argv.slice(2)),
    nodeName: 'bench-node',
    hostResolvConf: () => '',
    podDns: false,
    tmpfs: noTmpfs,
    subPathMounter: noSubPathMounter,
    logger: nopLogger,
  });
  await agent.start();
  for (const s of DNS_SERVICES) {
    if (s.ns !== 'default') {
      await agent.api.inject({
        method: 'POST',
        url: '/api/v1/namespaces',
        payload: { metadata: { name: s.ns } },
      });
    }
    const res = await agent.api.inject({
      method: 'POST',
      url: `/api/v1/namespaces/${s.ns}/services`,
      payload: { metadata: { name: s.name }, spec: { ports: [{ port: 80 }], selector: { app: s.name } } },
    });
    if (res.statusCode !== 201) throw new Error(`create service: ${res.statusCode} ${res.body}`);
  }
  console.log(`dns ${agent.dns.addresses()[0]?.port}`);
  process.once('SIGTERM', () => {
    void agent.stop().finally(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
