// Name helpers shared by the record table and the resolver. Names are kept lowercase, without the trailing dot,
// because DNS compares names case-insensitively and one spelling lets a plain Map do the lookup.
import { isIPv4 } from 'node:net';

export const DEFAULT_ZONE = 'cluster.local';
export const REVERSE_ZONE_V4 = 'in-addr.arpa';
export const REVERSE_ZONE_V6 = 'ip6.arpa';

/** Lowercases ASCII only and drops one trailing dot, so `Web.Default.SVC.cluster.local.` matches its record. */
export function normalizeName(name: string): string {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  return trimmed.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/** True when `name` is `zone` itself or below it. */
export function isInZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

/** The labels of `name` in front of `zone` (which it must be in), left to right. */
export function labelsBefore(name: string, zone: string): string[] {
  return name === zone ? [] : name.slice(0, name.length - zone.length - 1).split('.');
}

/** `10.244.0.5` → `5.0.244.10.in-addr.arpa`; undefined for anything that is not an IPv4 address. */
export function reverseName(ip: string): string | undefined {
  return isIPv4(ip) ? `${ip.split('.').reverse().join('.')}.${REVERSE_ZONE_V4}` : undefined;
}

/** `10.244.0.5` → `10-244-0-5`: the label Kubernetes uses for pod A records and unnamed endpoints. */
export function dashedIp(ip: string): string {
  return ip.replace(/\./g, '-');
}
