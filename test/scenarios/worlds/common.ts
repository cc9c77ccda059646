// What every world shares: the traced harness and the record of published pods.
import type { Pod } from '../../../agent/model/pod';
import type { ContainerRuntime } from '../../../agent/runtime/runtime';
import { Harness, type HarnessOptions } from '../../helpers/harness';
import { type TraceEntry, tracing } from '../tracing-runtime';
import type { World } from '../world';

export type WorldParts = Pick<World, 'h' | 'runtime' | 'trace' | 'seen'>;

export async function startTraced(
  runtime: ContainerRuntime,
  options: Omit<HarnessOptions, 'runtime'>,
): Promise<WorldParts> {
  const trace: TraceEntry[] = [];
  const traced = tracing(runtime, trace);
  const h = await new Harness({ ...options, runtime: traced }).start();
  const seen = new Map<string, Pod[]>();
  h.pods.onChange(({ type, object }) => {
    if (type !== 'DELETED')
      seen.set(object.metadata.name, [...(seen.get(object.metadata.name) ?? []), structuredClone(object)]);
  });
  return { h, runtime: traced, trace, seen: (name) => seen.get(name) ?? [] };
}
