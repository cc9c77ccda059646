// What the Node reports about this machine, read from /proc, /sys/fs/cgroup, /etc and the filesystems through
// an injected HostReader, so the parsing is tested with fixed file contents.

/** Reads the host: a file's text (undefined when unreadable) and a filesystem's space and inodes. */
export interface HostReader {
  file(path: string): string | undefined;
  statfs(path: string): FsStats | undefined;
  cpuCount(): number;
}

export interface FsStats {
  capacityBytes: number;
  availableBytes: number;
  inodes: number;
  inodesFree: number;
}

export interface MemoryReading {
  capacityBytes: number;
  /** memory.available as the kubelet's eviction sees it: capacity - working set. */
  availableBytes: number;
  /** usage - inactive_file (the node's working set). */
  workingSetBytes: number;
}

export interface PidReading {
  max: number;
  running: number;
}

export interface HostReadings {
  memory?: MemoryReading;
  nodefs?: FsStats;
  imagefs?: FsStats;
  pids?: PidReading;
}

/** `Key:   123 kB` lines of /proc/meminfo, in bytes. */
export function parseMeminfo(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([\w()]+):\s+(\d+)(?:\s+kB)?$/.exec(line.trim());
    if (m?.[1] && m[2]) out.set(m[1], Number(m[2]) * (line.includes('kB') ? 1024 : 1));
  }
  return out;
}

/** A cgroup memory limit (v1 limit_in_bytes or v2 memory.max); "no limit" reads undefined. */
export function parseMemoryLimit(text: string | undefined): number | undefined {
  const v = text?.trim();
  if (!v || v === 'max') return undefined;
  const n = Number(v);
  // v1 writes "no limit" as a page-rounded 2^63
  return Number.isFinite(n) && n > 0 && n < 2 ** 62 ? n : undefined;
}

/** The memory the node has, capped by the root cgroup's limit when the daemon runs in a limited one. */
export function readMemory(r: HostReader): MemoryReading | undefined {
  const info = r.file('/proc/meminfo');
  if (!info) return undefined;
  const m = parseMeminfo(info);
  const total = m.get('MemTotal');
  if (total === undefined) return undefined;
  const limit =
    parseMemoryLimit(r.file('/sys/fs/cgroup/memory.max')) ??
    parseMemoryLimit(r.file('/sys/fs/cgroup/memory/memory.limit_in_bytes'));
  const capacityBytes = Math.min(total, limit ?? total);
  // usage = total - free; the working set leaves out the file pages the kernel may drop first
  const usage = total - (m.get('MemFree') ?? 0);
  const workingSetBytes = Math.max(0, usage - (m.get('Inactive(file)') ?? 0));
  return { capacityBytes, availableBytes: Math.max(0, capacityBytes - workingSetBytes), workingSetBytes };
}

/** The CPUs the node offers: the host's, capped by a cgroup v2 cpu.max or v1 quota. */
export function readCpus(r: HostReader): number {
  const cpus = r.cpuCount();
  const v2 = r.file('/sys/fs/cgroup/cpu.max')?.trim().split(/\s+/);
  const v1q = Number(r.file('/sys/fs/cgroup/cpu/cpu.cfs_quota_us'));
  const v1p = Number(r.file('/sys/fs/cgroup/cpu/cpu.cfs_period_us'));
  let quota: number | undefined;
  if (v2 && v2[0] !== 'max' && v2.length === 2) quota = Number(v2[0]) / Number(v2[1]);
  else if (v1q > 0 && v1p > 0) quota = v1q / v1p;
  return quota && Number.isFinite(quota) ? Math.max(1, Math.min(cpus, Math.ceil(quota))) : cpus;
}

/** pid_max and the processes there are (the fourth field of /proc/loadavg: running/total). */
export function readPids(r: HostReader): PidReading | undefined {
  const max = Number(r.file('/proc/sys/kernel/pid_max'));
  const total = /\d+\/(\d+)/.exec(r.file('/proc/loadavg') ?? '')?.[1];
  if (!(max > 0) || total === undefined) return undefined;
  return { max, running: Number(total) };
}

/** PRETTY_NAME of /etc/os-release, as the kubelet's OS image. */
export function readOsImage(r: HostReader): string {
  const text = r.file('/etc/os-release') ?? '';
  const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text);
  return m?.[1] ?? 'Unknown';
}

export function readHost(r: HostReader, paths: { nodefs: string; imagefs: string }): HostReadings {
  const memory = readMemory(r);
  const nodefs = r.statfs(paths.nodefs);
  const imagefs = r.statfs(paths.imagefs);
  const pids = readPids(r);
  return {
    ...(memory ? { memory } : {}),
    ...(nodefs ? { nodefs } : {}),
    ...(imagefs ? { imagefs } : {}),
    ...(pids ? { pids } : {}),
  };
}
