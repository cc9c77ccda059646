// The HostReader (agent/node/host-readings.ts) on this machine's files and filesystems, and the Node's
// system info that does not change while the daemon runs.
import { readFileSync, statfsSync } from 'node:fs';
import { availableParallelism, networkInterfaces } from 'node:os';
import { type HostReader, readOsImage } from '../agent/node/host-readings';
import type { NodeSystemInfo } from '../agent/model/node';

export const hostReader: HostReader = {
  file(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  statfs(path) {
    try {
      const s = statfsSync(path);
      return {
        capacityBytes: s.blocks * s.bsize,
        availableBytes: s.bavail * s.bsize,
        inodes: s.files,
        inodesFree: s.ffree,
      };
    } catch {
      return undefined;
    }
  },
  cpuCount: () => availableParallelism(),
};

const GO_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386' };

export function systemInfo(
  r: HostReader,
  kubeletVersion: string,
): Omit<NodeSystemInfo, 'containerRuntimeVersion'> {
  const text = (path: string): string => r.file(path)?.trim() ?? '';
  return {
    machineID: text('/etc/machine-id'),
    systemUUID: text('/sys/class/dmi/id/product_uuid'),
    bootID: text('/proc/sys/kernel/random/boot_id'),
    kernelVersion: text('/proc/sys/kernel/osrelease'),
    osImage: readOsImage(r),
    kubeletVersion,
    kubeProxyVersion: '',
    operatingSystem: process.platform,
    architecture: GO_ARCH[process.arch] ?? process.arch,
  };
}

/** The Node's InternalIP: the first IPv4 address of an interface that is not loopback or a bridge of the engine. */
export function primaryAddress(): string {
  for (const [name, list] of Object.entries(networkInterfaces())) {
    if (/^(docker|br-|veth|mk-|cni|flannel)/.test(name)) continue;
    const a = (list ?? []).find((x) => x.family === 'IPv4' && !x.internal);
    if (a) return a.address;
  }
  return '';
}
