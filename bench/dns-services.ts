/** The Services the DNS benchmarks create (bench/dns.ts, bench/dns-memory-agent.ts) and ask A for. */
export const DNS_SERVICES: readonly { ns: string; name: string }[] = [
  { ns: 'default', name: 'web' },
  { ns: 'default', name: 'api' },
  { ns: 'default', name: 'cache' },
  { ns: 'default', name: 'auth' },
  { ns: 'prod', name: 'db' },
];
