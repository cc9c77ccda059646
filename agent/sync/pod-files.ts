// Per-pod files the containers bind-mount: resolv.conf (kubelet dns.go) and /etc/hosts (kubelet_pods.go),
// under <data-dir>/pods/<uid>/.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pod } from '../model/pod';

export interface ClusterDns {
  /** Address of the agent's DNS server as pods reach it. */
  nameserver: string;
  domain: string;
  /** The host's resolv.conf text, for dnsPolicy Default. */
  hostResolvConf: () => string;
}

export function podHostname(pod: Pod): string {
  return (pod.spec.hostname ?? pod.metadata.name).slice(0, 63).replace(/[-.]+$/, '');
}

function hostSearch(text: string): string[] {
  const line = text.split('\n').find((l) => /^\s*(search|domain)\s/.test(l));
  return line ? line.trim().split(/\s+/).slice(1) : [];
}

/** resolv.conf text for the pod's dnsPolicy and dnsConfig (nameservers capped at 3, searches at 32). */
export function resolvConf(pod: Pod, dns: ClusterDns): string {
  const ns = pod.metadata.namespace;
  let servers: string[] = [];
  let searches: string[] = [];
  let options: string[] = [];
  const policy =
    pod.spec.hostNetwork && pod.spec.dnsPolicy === 'ClusterFirst' ? 'Default' : pod.spec.dnsPolicy;
  if (policy === 'ClusterFirst' || policy === 'ClusterFirstWithHostNet') {
    servers = [dns.nameserver];
    searches = [
      `${ns}.svc.${dns.domain}`,
      `svc.${dns.domain}`,
      dns.domain,
      ...hostSearch(dns.hostResolvConf()),
    ];
    options = ['ndots:5'];
  } else if (policy === 'Default') {
    const text = dns.hostResolvConf();
    servers = text
      .split('\n')
      .filter((l) => /^\s*nameserver\s/.test(l))
      .map((l) => l.trim().split(/\s+/)[1] ?? '');
    searches = hostSearch(text);
    options = text
      .split('\n')
      .filter((l) => /^\s*options\s/.test(l))
      .flatMap((l) => l.trim().split(/\s+/).slice(1));
  }
  const cfg = pod.spec.dnsConfig;
  servers.push(...(cfg?.nameservers ?? []));
  searches.push(...(cfg?.searches ?? []));
  for (const o of cfg?.options ?? []) {
    options = options.filter((x) => x.split(':')[0] !== o.name);
    options.push(o.value !== undefined ? `${o.name}:${o.value}` : o.name);
  }
  const uniq = (xs: string[]): string[] => [...new Set(xs.filter((x) => x))];
  servers = uniq(servers).slice(0, 3);
  searches = uniq(searches)
    .filter((s) => s.length <= 253)
    .slice(0, 32);
  const lines = servers.map((s) => `nameserver ${s}`);
  if (searches.length) lines.push(`search ${searches.join(' ')}`);
  if (options.length) lines.push(`options ${uniq(options).join(' ')}`);
  return lines.join('\n') + '\n';
}

export function hostsFile(pod: Pod, podIP: string, domain: string): string {
  const hostname = podHostname(pod);
  const fqdn = pod.spec.subdomain
    ? `${hostname}.${pod.spec.subdomain}.${pod.metadata.namespace}.svc.${domain}\t${hostname}`
    : hostname;
  return [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
    `${podIP}\t${fqdn}`,
    '',
  ].join('\n');
}

export class PodFiles {
  /** The data dir as the engine sees it (differs when the agent runs in a container). */
  hostDataDir: string;

  constructor(private readonly dataDir: string) {
    this.hostDataDir = dataDir;
  }

  /** A path under the data dir as the engine sees it (other paths are the host's already). */
  hostPathOf(path: string): string {
    if (path === this.dataDir || path.startsWith(`${this.dataDir}/`))
      return this.hostDataDir + path.slice(this.dataDir.length);
    return path;
  }

  dir(uid: string): string {
    return join(this.dataDir, 'pods', uid);
  }

  /** Writes resolv.conf and hosts; returns the paths to bind-mount them from. */
  write(pod: Pod, podIP: string, dns: ClusterDns): { resolvConf: string; hosts: string } {
    const dir = this.dir(pod.metadata.uid);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'resolv.conf'), resolvConf(pod, dns), { mode: 0o644 });
    writeFileSync(join(dir, 'hosts'), hostsFile(pod, podIP, dns.domain), { mode: 0o644 });
    const hostDir = join(this.hostDataDir, 'pods', pod.metadata.uid);
    return { resolvConf: join(hostDir, 'resolv.conf'), hosts: join(hostDir, 'hosts') };
  }

  remove(uid: string): void {
    rmSync(this.dir(uid), { recursive: true, force: true });
  }
}

export const readHostResolvConf =
  (path = '/etc/resolv.conf') =>
  (): string => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  };
