// Deleting everything the chaos run made, through the API (as a user would), and waiting, bounded, until the
// API lists none of it: what is left then is a problem, each a line.
import type { ChaosApi } from './api';
import type { ChaosKind } from './kinds';
import { untilNoProblems } from './checks';

const REPLICASETS = '/apis/apps/v1/namespaces/default/replicasets';

export async function cleanUp(
  api: ChaosApi,
  kinds: readonly ChaosKind[],
  timeoutMs = 120_000,
): Promise<string[]> {
  // Deployments first: their ReplicaSets and pods go with them (background propagation).
  const ordered = [...kinds].sort(
    (a, b) => Number(b.plural === 'deployments') - Number(a.plural === 'deployments'),
  );
  for (const kind of ordered)
    for (const name of kind.names)
      await api.send('DELETE', `${kind.collection}/${name}?gracePeriodSeconds=0`);
  const collections = [...kinds.map((k) => k.collection), REPLICASETS];
  const { problems } = await untilNoProblems(async () => {
    const left: string[] = [];
    for (const c of collections)
      for (const o of await api.list<{ metadata: { name: string } }>(c))
        if (o.metadata.name.startsWith('chaos-'))
          left.push(`${c}/${o.metadata.name} still listed after deleting everything`);
    return left;
  }, timeoutMs);
  return problems;
}
