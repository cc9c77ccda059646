// Pure: the Node's conditions from the host's readings against the kubelet's default hard eviction
// thresholds (memory.available<100Mi, nodefs.available<10%, nodefs.inodesFree<5%, imagefs.available<15%,
// imagefs.inodesFree<5%). The kubelet has no default PID threshold; ours is pid.available<10% of pid_max.
// A condition keeps its lastTransitionTime while its status holds.
import type { NodeCondition } from '../model/node';
import type { FsStats, HostReadings } from './host-readings';

export const EVICTION_HARD = {
  memoryAvailableBytes: 100 * 1024 * 1024,
  nodefsAvailable: 0.1,
  nodefsInodesFree: 0.05,
  imagefsAvailable: 0.15,
  imagefsInodesFree: 0.05,
  pidAvailable: 0.1,
};

export interface ConditionContext {
  now: number;
  /** The container runtime answers. */
  runtimeUp: boolean;
  previous: readonly NodeCondition[];
}

type Verdict = Pick<NodeCondition, 'type' | 'status' | 'reason' | 'message'>;

/** Upstream's reasons and messages: [reason, message] when under pressure, then when not. */
const WORDS = {
  MemoryPressure: [
    ['KubeletHasInsufficientMemory', 'kubelet has insufficient memory available'],
    ['KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
  ],
  DiskPressure: [
    ['KubeletHasDiskPressure', 'kubelet has disk pressure'],
    ['KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
  ],
  PIDPressure: [
    ['KubeletHasInsufficientPID', 'kubelet has insufficient PID available'],
    ['KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
  ],
} as const;

function pressure(type: keyof typeof WORDS, under: boolean | undefined): Verdict {
  if (under === undefined)
    return {
      type,
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      message: 'kubelet cannot read this resource',
    };
  const [reason, message] = WORDS[type][under ? 0 : 1];
  return { type, status: under ? 'True' : 'False', reason, message };
}

const below = (fs: FsStats, availableShare: number, inodesShare: number): boolean =>
  fs.availableBytes < fs.capacityBytes * availableShare ||
  (fs.inodes > 0 && fs.inodesFree < fs.inodes * inodesShare);

function diskUnder(r: HostReadings): boolean | undefined {
  if (!r.nodefs) return undefined;
  const t = EVICTION_HARD;
  return (
    below(r.nodefs, t.nodefsAvailable, t.nodefsInodesFree) ||
    (r.imagefs !== undefined && below(r.imagefs, t.imagefsAvailable, t.imagefsInodesFree))
  );
}

export function nodeConditions(r: HostReadings, ctx: ConditionContext): NodeCondition[] {
  const t = EVICTION_HARD;
  const verdicts: Verdict[] = [
    pressure('MemoryPressure', r.memory && r.memory.availableBytes < t.memoryAvailableBytes),
    pressure('DiskPressure', diskUnder(r)),
    pressure('PIDPressure', r.pids && r.pids.max - r.pids.running < r.pids.max * t.pidAvailable),
    ctx.runtimeUp
      ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }
      : {
          type: 'Ready',
          status: 'False',
          reason: 'KubeletNotReady',
          message: 'container runtime is down: the Docker engine does not answer',
        },
  ];
  const stamp = new Date(ctx.now).toISOString().replace(/\.\d+Z$/, 'Z');
  return verdicts.map((v) => {
    const before = ctx.previous.find((c) => c.type === v.type);
    const kept = before && before.status === v.status;
    return { ...v, lastHeartbeatTime: stamp, lastTransitionTime: kept ? before.lastTransitionTime : stamp };
  });
}
