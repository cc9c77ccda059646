// A container's CPU and memory read straight from its cgroup files, v2 or v1, under the layouts Docker uses
// (cgroupfs: docker/<id>; systemd: system.slice/docker-<id>.scope): no engine call. The layout that
// answered first is tried first afterwards. The node's from the root cgroup (or /proc/stat).

export interface CgroupSample {
  cpuNanos: number;
  memoryUsageBytes: number;
  inactiveFileBytes: number;
}

/** Reads a file's text; undefined when it cannot. */
export type ReadFile = (path: string) => string | undefined;

interface Layout {
  read(read: ReadFile, id: string): CgroupSample | undefined;
}

const ROOT = '/sys/fs/cgroup';

/** `key value` lines (memory.stat, cpu.stat). */
export function statValue(text: string | undefined, key: string): number | undefined {
  const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(text ?? '');
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

const v2 = (dir: (id: string) => string): Layout => ({
  read(read, id) {
    const d = dir(id);
    const cpuUsec = statValue(read(`${d}/cpu.stat`), 'usage_usec');
    const mem = read(`${d}/memory.current`);
    if (cpuUsec === undefined || mem === undefined) return undefined;
    return {
      cpuNanos: cpuUsec * 1000,
      memoryUsageBytes: Number(mem),
      inactiveFileBytes: statValue(read(`${d}/memory.stat`), 'inactive_file') ?? 0,
    };
  },
});

const v1 = (sub: (id: string) => string): Layout => ({
  read(read, id) {
    const cpu = read(`${ROOT}/cpuacct/${sub(id)}/cpuacct.usage`);
    const mem = read(`${ROOT}/memory/${sub(id)}/memory.usage_in_bytes`);
    if (cpu === undefined || mem === undefined) return undefined;
    return {
      cpuNanos: Number(cpu),
      memoryUsageBytes: Number(mem),
      inactiveFileBytes: statValue(read(`${ROOT}/memory/${sub(id)}/memory.stat`), 'total_inactive_file') ?? 0,
    };
  },
});

const LAYOUTS: Layout[] = [
  v2((id) => `${ROOT}/system.slice/docker-${id}.scope`),
  v2((id) => `${ROOT}/docker/${id}`),
  v1((id) => `docker/${id}`),
  v1((id) => `system.slice/docker-${id}.scope`),
];

export const workingSet = (s: CgroupSample): number => Math.max(0, s.memoryUsageBytes - s.inactiveFileBytes);

export class CgroupStats {
  private preferred = 0;

  constructor(private readonly read: ReadFile) {}

  container(id: string): CgroupSample | undefined {
    for (let i = 0; i < LAYOUTS.length; i++) {
      const at = (this.preferred + i) % LAYOUTS.length;
      const s = LAYOUTS[at]?.read(this.read, id);
      if (s) {
        this.preferred = at;
        return s;
      }
    }
    return undefined;
  }

  /** The node's cumulative CPU: the root cgroup's, else /proc/stat's busy time (USER_HZ 100). */
  nodeCpuNanos(): number | undefined {
    const v1root = this.read(`${ROOT}/cpuacct/cpuacct.usage`);
    if (v1root !== undefined) return Number(v1root);
    const v2root = statValue(this.read(`${ROOT}/cpu.stat`), 'usage_usec');
    if (v2root !== undefined) return v2root * 1000;
    const fields = /^cpu\s+(.*)$/m
      .exec(this.read('/proc/stat') ?? '')?.[1]
      ?.split(/\s+/)
      .map(Number);
    if (!fields || fields.length < 8) return undefined;
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
    return (user + nice + system + irq + softirq + steal) * 1e7;
  }
}
