// A pod that reaches itself through its Service: with br_netfilter the DNATed frame is bridged straight
// back out of the port it came in on, which a Linux bridge drops unless that port is in hairpin mode.
// Docker turns hairpin on only when its userland proxy is off, so the proxy does it for the bridges
// that hold endpoints (the masquerade in MINIKUBELET-POSTROUTING then makes the reply come back to us).
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { type NetworkInterfaceInfo, networkInterfaces } from 'node:os';
import { parseCidr, ipToInt, inCidr } from '../model/cidr';

export interface HairpinOptions {
  /** The host's interfaces with their addresses (os.networkInterfaces). */
  interfaces?: () => NodeJS.Dict<NetworkInterfaceInfo[]>;
  /** Where sysfs is mounted: `${sysfs}/class/net/<bridge>/brif/<port>/hairpin_mode`. */
  sysfs?: string;
}

/** The local interfaces whose IPv4 subnet holds one of these addresses. */
export function interfacesFor(ips: readonly string[], ifaces: NodeJS.Dict<NetworkInterfaceInfo[]>): string[] {
  const wanted = ips.flatMap((ip) => {
    const n = ipToInt(ip);
    return n === undefined ? [] : [n];
  });
  return Object.entries(ifaces)
    .filter(([, addrs]) =>
      (addrs ?? []).some((a) => {
        const c = a.family === 'IPv4' && a.cidr ? parseCidr(a.cidr) : undefined;
        return c !== undefined && wanted.some((n) => inCidr(c, n));
      }),
    )
    .map(([name]) => name);
}

const isMissing = (err: unknown): boolean => (err as NodeJS.ErrnoException).code === 'ENOENT';

/** Turns hairpin mode on for every port of the bridges that hold these endpoints; returns how many changed. */
export async function enableHairpin(endpointIps: readonly string[], o: HairpinOptions = {}): Promise<number> {
  const sysfs = o.sysfs ?? '/sys';
  let changed = 0;
  for (const bridge of interfacesFor(endpointIps, (o.interfaces ?? networkInterfaces)())) {
    let ports: string[];
    try {
      ports = await readdir(`${sysfs}/class/net/${bridge}/brif`);
    } catch (err) {
      if (isMissing(err)) continue; // a plain interface, not a bridge
      throw err;
    }
    for (const port of ports) {
      const file = `${sysfs}/class/net/${bridge}/brif/${port}/hairpin_mode`;
      try {
        if ((await readFile(file, 'utf8')).trim() === '1') continue;
        await writeFile(file, '1');
        changed++;
      } catch (err) {
        if (!isMissing(err)) throw err; // else the port left the bridge meanwhile
      }
    }
  }
  return changed;
}
