// Two censuses of a bench's pod containers compared: a restart must leave every container as it was
// (none gone, none new, all running, no pod container running twice).

/** One managed container of a bench pod, as the engine lists it. */
export interface ManagedContainer {
  id: string;
  pod: string;
  /** The pod's container name (`POD` for the sandbox). */
  name: string;
  /** The restart count (the sandbox's attempt) from its labels. */
  attempt: string;
  state: string;
}

/**
 * What changed between two censuses: containers gone, new ones, any not running after, and any pod
 * container with more than one running instance (a duplicate).
 */
export function compareCensus(before: ManagedContainer[], after: ManagedContainer[]): string[] {
  const key = (c: ManagedContainer): string => `${c.id}/${c.attempt}`;
  const was = new Set(before.map(key));
  const now = new Set(after.map(key));
  const out: string[] = [];
  const gone = before.filter((c) => !now.has(key(c)));
  const fresh = after.filter((c) => !was.has(key(c)));
  if (gone.length) out.push(`${gone.length} containers gone (${gone[0]?.pod}/${gone[0]?.name})`);
  if (fresh.length) out.push(`${fresh.length} new containers (${fresh[0]?.pod}/${fresh[0]?.name})`);
  const notRunning = after.filter((c) => c.state !== 'running');
  if (notRunning.length)
    out.push(`${notRunning.length} not running (${notRunning[0]?.pod}/${notRunning[0]?.name})`);
  const running = new Map<string, number>();
  for (const c of after.filter((x) => x.state === 'running'))
    running.set(`${c.pod}/${c.name}`, (running.get(`${c.pod}/${c.name}`) ?? 0) + 1);
  const dup = [...running].filter(([, n]) => n > 1);
  if (dup.length) out.push(`${dup.length} duplicated (${dup[0]?.[0]})`);
  return out;
}
