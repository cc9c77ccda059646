// A pod subnet for a tool's own network (soak, bench, fuzz) that no other network of the engine uses: a
// fixed one fails when someone else's network took it, and the daemon then cannot start.
import { execFileSync } from 'node:child_process';

/** An engine network and its IPv4 subnets (IPv6 ones are ignored). */
export interface TakenNetwork {
  name: string;
  subnets: readonly string[];
}

function range(cidr: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) return undefined;
  const ip = m.slice(1, 5).reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(m[5]));
  const start = ip - (ip % size);
  return [start, start + size - 1];
}

export function overlaps(a: string, b: string): boolean {
  const ra = range(a);
  const rb = range(b);
  return ra !== undefined && rb !== undefined && ra[0] <= rb[1] && rb[0] <= ra[1];
}

export interface PickedSubnet {
  subnet: string;
  /** Why earlier candidates were skipped: `10.249.0.0/16 (taken by network x)`. */
  skipped: string[];
}

/**
 * The network's own subnet when it exists already (the daemon reuses it), else the first candidate no other
 * network overlaps. Throws, naming each candidate and the network that took it, when none is free.
 */
export function pickFreeSubnet(
  networks: readonly TakenNetwork[],
  own: string,
  candidates: readonly string[],
): PickedSubnet {
  const mine = networks.find((n) => n.name === own)?.subnets.find((s) => range(s));
  if (mine) return { subnet: mine, skipped: [] };
  const skipped: string[] = [];
  for (const c of candidates) {
    const by = networks.filter((n) => n.subnets.some((s) => overlaps(s, c))).map((n) => n.name);
    if (!by.length) return { subnet: c, skipped };
    skipped.push(`${c} (taken by network ${by.join(', ')})`);
  }
  throw new Error(`no free pod subnet for network ${own}: ${skipped.join('; ')}`);
}

/** The engine's networks and their subnets, as the docker CLI lists them. */
export function engineNetworks(): TakenNetwork[] {
  const ids = execFileSync('docker', ['network', 'ls', '-q'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  if (!ids.length) return [];
  const format = '{{.Name}}{{range .IPAM.Config}} {{.Subnet}}{{end}}';
  const out = execFileSync('docker', ['network', 'inspect', '--format', format, ...ids], {
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const [name = '', ...subnets] = l.trim().split(/\s+/);
      return { name, subnets };
    });
}

/** A free subnet for the network `own` among `candidates`; says on `log` which were taken, and by whom. */
export function freePodSubnet(
  own: string,
  candidates: readonly string[],
  log: (line: string) => void,
): string {
  const { subnet, skipped } = pickFreeSubnet(engineNetworks(), own, candidates);
  if (skipped.length) log(`pod subnet ${subnet} for network ${own}; skipped ${skipped.join('; ')}`);
  return subnet;
}
