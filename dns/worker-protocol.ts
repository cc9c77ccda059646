// Messages between the main thread and a DNS worker thread (dns/udp-worker.ts, dns/worker-pool.ts).
import type { LogFields } from '../agent/log';
import type { PodRecord } from './catalog';
import type { Upstream } from './forwarder';
import type { DnsCountBatch } from './metrics';

/** What a worker is started with (workerData). Functions cannot cross threads: the policy is rebuilt there. */
export interface DnsWorkerConfig {
  zone: string;
  upstreams: Upstream[];
  forwardTimeoutMs: number;
  /** dnsSourcePolicy's inputs: who may ask, who gets forwarding. */
  podCidr: string;
  ownAddresses: string[];
  /** Per source and per worker (a source's ports spread over the sockets): 0 is no limit. */
  qpsPerSource: number;
  /** Bind with SO_REUSEPORT (several workers on one address). */
  reusePort: boolean;
  /** How often counts and missing names go to the main thread. */
  flushMs: number;
}

export type ToWorker =
  | { type: 'snapshot'; json: string }
  | { type: 'listen'; id: number; host: string; port: number }
  | { type: 'close' };

export type FromWorker =
  | { type: 'listening'; id: number; port: number }
  | { type: 'listen-failed'; id: number; error: string; code?: string }
  | { type: 'batch'; counts?: DnsCountBatch; missing: { pod: PodRecord; qname: string }[] }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string; fields: LogFields }
  | { type: 'closed' };
