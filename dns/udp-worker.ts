// A DNS worker thread: one UDP socket per listen address (SO_REUSEPORT beside the other workers), answering
// from the catalog snapshot the main thread posts. Counts and missing names go back in batches every
// flushMs; log lines go to the main thread's logger. Forwarding runs here too (the upstreams are plain data).
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../agent/errors';
import type { LogFields, Logger } from '../agent/log';
import type { PodRecord } from './catalog';
import { SnapshotCatalog } from './catalog-snapshot';
import type { DnsCounts } from './metrics';
import { dnsSourcePolicy } from './policy';
import { DnsServer } from './server';
import type { DnsWorkerConfig, FromWorker, ToWorker } from './worker-protocol';

/** Missing-name reports kept between two flushes (a pod hammering one name is one report). */
const MAX_MISSING = 1000;

function threadLogger(post: (m: FromWorker) => void, base: LogFields = {}): Logger {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields: LogFields = {}): void =>
      post({ type: 'log', level, message, fields: { ...base, ...fields } });
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (fields) => threadLogger(post, { ...base, ...fields }),
  };
}

function main(port: NonNullable<typeof parentPort>, cfg: DnsWorkerConfig): void {
  const post = (m: FromWorker): void => port.postMessage(m);
  const catalog = new SnapshotCatalog();
  const policy = dnsSourcePolicy(cfg.podCidr, cfg.ownAddresses);
  const missing = new Map<string, { pod: PodRecord; qname: string }>();
  let counts: DnsCounts | undefined;
  const server = new DnsServer({
    catalog,
    logger: threadLogger(post),
    zone: cfg.zone,
    upstreams: cfg.upstreams,
    forwardTimeoutMs: cfg.forwardTimeoutMs,
    allowForward: (ip) => policy.allowForward(ip),
    allowQuery: (ip) => policy.allowQuery(ip),
    rateLimit: { qpsPerSource: cfg.qpsPerSource, exempt: (ip) => policy.exempt(ip) },
    onMissingName: (pod, qname) => {
      if (missing.size < MAX_MISSING) missing.set(`${pod.namespace}/${pod.name} ${qname}`, { pod, qname });
    },
    metrics: { attach: (c) => (counts = c) },
  });
  const flush = (): void => {
    const batch = counts?.drain();
    if (!batch && missing.size === 0) return;
    post({ type: 'batch', ...(batch && { counts: batch }), missing: [...missing.values()] });
    missing.clear();
  };
  const timer = setInterval(flush, cfg.flushMs);
  port.on('message', (m: ToWorker) => {
    switch (m.type) {
      case 'snapshot':
        catalog.replace(m.json);
        break;
      case 'listen':
        server.listen(m.host, m.port, { tcp: false, reusePort: cfg.reusePort }).then(
          (r) => post({ type: 'listening', id: m.id, port: r.udpPort }),
          (err: unknown) => {
            const code = (err as NodeJS.ErrnoException).code;
            post({ type: 'listen-failed', id: m.id, error: errorMessage(err), ...(code && { code }) });
          },
        );
        break;
      case 'close':
        clearInterval(timer);
        flush();
        void server.close().then(() => {
          post({ type: 'closed' });
          port.close();
        });
        break;
    }
  });
}

if (parentPort) main(parentPort, workerData as DnsWorkerConfig);
