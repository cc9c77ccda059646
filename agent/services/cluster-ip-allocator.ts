// ClusterIPs from the service range: never handed out twice while in use, released on delete. The first
// address is kept for the `default/kubernetes` Service (as kube-apiserver's --service-cluster-ip-range does): it
// is never handed out, and asking for it is refused as taken, unless for that Service. The network and broadcast
// addresses are never given.
import { MiniKubeletError } from '../errors';
import { fieldError, invalidError } from '../model/field-errors';
import { type Cidr, inCidr, intToIp, ipToInt, parseCidr } from '../model/cidr';

export class ClusterIpAllocator {
  private readonly range: Cidr;
  private readonly used = new Set<number>();
  private next = 10; // start past the addresses clusters reserve by convention (.1 kubernetes, .10 DNS)

  constructor(readonly cidr: string) {
    const range = parseCidr(cidr);
    if (!range)
      throw new MiniKubeletError(
        'BadRequest',
        `--service-cidr: "${cidr}" is not an IPv4 CIDR between /8 and /30`,
      );
    this.range = range;
  }

  /** The range's first address: the `kubernetes` Service's ClusterIP (10.96.0.1 for 10.96.0.0/12). */
  get firstAddress(): string {
    return intToIp(this.range.base + 1);
  }

  /** Marks an address taken (when loading stored Services). */
  claim(ip: string): void {
    const n = ipToInt(ip);
    if (n !== undefined) this.used.add(n);
  }

  release(ip: string): void {
    const n = ipToInt(ip);
    if (n !== undefined) this.used.delete(n);
  }

  /** A specific address the user asked for, or the next free one; the first address only when `reserved` may. */
  allocate(serviceName: string, requested?: string, reserved = false): string {
    if (requested) {
      const n = ipToInt(requested);
      if (
        n === undefined ||
        !inCidr(this.range, n) ||
        n === this.range.base ||
        n === this.range.base + this.range.size - 1
      ) {
        throw invalidError('Service', serviceName, [
          fieldError(
            'Invalid',
            'spec.clusterIPs',
            [requested],
            `failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${this.cidr}`,
          ),
        ]);
      }
      if (this.used.has(n) || (n === this.range.base + 1 && !reserved)) {
        throw invalidError('Service', serviceName, [
          fieldError(
            'Invalid',
            'spec.clusterIPs',
            [requested],
            `failed to allocate IP ${requested}: provided IP is already allocated`,
          ),
        ]);
      }
      this.used.add(n);
      return requested;
    }
    const usable = this.range.size - 2;
    for (let i = 0; i < usable; i++) {
      const offset = ((this.next - 1 + i) % usable) + 1;
      const n = this.range.base + offset;
      if (offset === 1 || this.used.has(n)) continue;
      this.used.add(n);
      this.next = offset + 1;
      return intToIp(n);
    }
    throw new MiniKubeletError(
      'InternalError',
      `Internal error occurred: failed to allocate a serviceIP: range is full`,
    );
  }
}
