// Where names outside the cluster go: the host's resolv.conf nameservers, minus this server itself (a forwarding
// loop would turn every external query into a timeout). Pure: the caller reads the file.
import { isIP } from 'node:net';
import type { Upstream } from './forwarder';

export interface ListenAddress {
  host: string;
  port: number;
}

const DNS_PORT = 53;

function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1';
}

function isWildcard(ip: string): boolean {
  return ip === '0.0.0.0' || ip === '::';
}

// resolv.conf has no ports: a nameserver is us only when we listen on port 53 at that address (or on a wildcard,
// which covers loopback).
function isOwnAddress(ip: string, own: readonly ListenAddress[]): boolean {
  return own.some((o) => o.port === DNS_PORT && (o.host === ip || (isWildcard(o.host) && isLoopback(ip))));
}

/** The `nameserver` lines of a resolv.conf text, in order, de-duplicated, as port-53 upstreams. */
export function upstreamsFromResolvConf(text: string, own: readonly ListenAddress[] = []): Upstream[] {
  const out: Upstream[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [keyword, address] = line.split(/\s+/);
    if (keyword !== 'nameserver' || !address) continue;
    // A zone index (fe80::1%eth0) is kept for the socket but not part of the address check.
    if (!isIP(address.replace(/%.*$/, ''))) continue;
    if (isOwnAddress(address, own) || out.some((u) => u.host === address)) continue;
    out.push({ host: address, port: DNS_PORT });
  }
  return out;
}
