// The API for pods: a second listener of the same API on the address pods already reach the host on (the pod
// network's gateway, where their DNS is), the `kubernetes` Service's endpoint. Always HTTPS with a certificate
// from the daemon's CA naming the Service (its ClusterIP and DNS names) and that address, and always asking for
// credentials, whatever --auth says of the main listener: it faces every pod.
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { errorMessage } from '../agent/errors';
import type { Logger } from '../agent/log';
import type { ApiEndpoint } from '../agent/services/kubernetes-service';
import { type CertNames, ensureServerCert } from './api-access';

/** The names a pod may use for the API: the Service's ClusterIP and names, and the address it listens on. */
export function podApiNames(clusterIP: string, clusterDomain: string, address: string): CertNames {
  const svc = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc'];
  return { dns: [...svc, `kubernetes.default.svc.${clusterDomain}`], ips: [clusterIP, address] };
}

export interface PodApiOptions {
  dataDir: string;
  port: number;
  clusterIP: string;
  clusterDomain: string;
  /** The API with this TLS material, asking for a token on every request but the health probes. */
  build: (tls: { key: string; cert: string }) => FastifyInstance;
  logger: Logger;
}

export class PodApi {
  private app: FastifyInstance | undefined;
  private bound: ApiEndpoint | undefined;

  constructor(private readonly o: PodApiOptions) {}

  /** Where pods reach it once it listens (the `kubernetes` Service's endpoint). */
  endpoint(): ApiEndpoint | undefined {
    return this.bound;
  }

  /**
   * Listens on address:port. A failure (the port taken, say by another daemon on the same network) is said in
   * one line and leaves the rest of the agent running, with no endpoint for the `kubernetes` Service.
   */
  async listen(address: string): Promise<void> {
    const { o } = this;
    let app: FastifyInstance | undefined;
    try {
      const names = podApiNames(o.clusterIP, o.clusterDomain, address);
      const tls = ensureServerCert(join(o.dataDir, 'pki'), 'pod-server', names, o.logger);
      app = o.build(tls);
      await app.listen({ host: address, port: o.port });
      this.app = app;
      this.bound = { ip: address, port: o.port };
      o.logger.info('API for pods listening', {
        url: `https://${address}:${o.port}`,
        clusterIP: o.clusterIP,
      });
    } catch (err) {
      await app?.close().catch(() => undefined);
      o.logger.error('API for pods not listening; pods cannot reach the API', {
        address: `${address}:${o.port}`,
        error: errorMessage(err),
      });
    }
  }

  async close(): Promise<void> {
    this.bound = undefined;
    await this.app?.close();
    this.app = undefined;
  }
}
