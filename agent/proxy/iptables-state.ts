// Pure: reads `iptables-save` output for what the agent needs to know before a sync: which of its chains
// exist, and whether each jump into them is present and ahead of any rule that would decide first.
import {
  CHAIN_PREFIX,
  DOCKER_USER_JUMP,
  JUMP_RULES,
  type JumpRule,
  type Table,
  jumpArgs,
} from './service-rules';

export interface IptablesState {
  /** Our chains (MINIKUBELET-*) per table. */
  chains: Record<Table, string[]>;
  /** The `-A ...` lines of the built-in chains our jumps live in, in order, per table and chain. */
  rules: Record<Table, Record<string, string[]>>;
}

export function parseIptablesSave(text: string): IptablesState {
  const state: IptablesState = { chains: { nat: [], filter: [] }, rules: { nat: {}, filter: {} } };
  let table: Table | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) {
      const name = line.slice(1);
      table = name === 'nat' || name === 'filter' ? name : undefined;
    } else if (!table || line.startsWith('#')) {
      continue;
    } else if (line.startsWith(':')) {
      const chain = line.slice(1).split(' ')[0] ?? '';
      if (chain.startsWith(CHAIN_PREFIX)) state.chains[table].push(chain);
    } else if (line.startsWith('-A ')) {
      const chain = line.split(' ')[1] ?? '';
      (state.rules[table][chain] ??= []).push(line);
    }
  }
  return state;
}

/** Our jumps for this host: DOCKER-USER's too when Docker made that chain (it always holds its RETURN). */
export const jumpRulesFor = (state: IptablesState): readonly JumpRule[] =>
  state.rules.filter[DOCKER_USER_JUMP.chain] ? [...JUMP_RULES, DOCKER_USER_JUMP] : JUMP_RULES;

const jumpsTo = (line: string, target: string): boolean => line.endsWith(` -j ${target}`);

// A built-in verdict (or NAT) ahead of our jump would decide before us: Docker inserts its per-bridge
// `-i br-x ! -o br-x -j ACCEPT` at the top of FORWARD whenever it creates a network. Jumps to other
// chains (DOCKER-USER, DOCKER-ISOLATION-STAGE-1, DOCKER) return for traffic to the service range.
const DECIDES = / -j (ACCEPT|DROP|REJECT|RETURN|DNAT|SNAT|MASQUERADE|REDIRECT)( |$)/;

const quote = (arg: string): string => (/[\s"]/.test(arg) ? `"${arg}"` : arg);
const insertLine = (j: JumpRule): string => `-I ${j.chain} 1 ${jumpArgs(j).map(quote).join(' ')}`;

/**
 * Lines for the same restore transaction that make each jump exist exactly once, ahead of any deciding
 * rule: missing -> insert at the top; behind a verdict -> delete and insert at the top; duplicates -> delete.
 * Deletes use the saved rule text (never a rule number, which a concurrent Docker change could shift).
 */
export function planJumps(
  state: IptablesState,
  jumps: readonly JumpRule[] = JUMP_RULES,
): Record<Table, string[]> {
  const out: Record<Table, string[]> = { nat: [], filter: [] };
  for (const j of jumps) {
    const lines = state.rules[j.table][j.chain] ?? [];
    const ours = lines.flatMap((l, i) => (jumpsTo(l, j.target) ? [i] : []));
    const first = ours[0];
    const wellPlaced = first !== undefined && !lines.slice(0, first).some((l) => DECIDES.test(l));
    const remove = wellPlaced ? ours.slice(1) : ours;
    for (const i of remove) out[j.table].push(`-D${lines[i]!.slice(2)}`);
    if (!wellPlaced) out[j.table].push(insertLine(j));
  }
  // Jumps we no longer make (an older version's) would keep their chain from being deleted.
  const unjump = planUnjump(state);
  for (const table of ['nat', 'filter'] as const) {
    const expected = (l: string): boolean =>
      jumps.some((j) => j.table === table && l.startsWith(`-D ${j.chain} `) && jumpsTo(l, j.target));
    out[table].unshift(...unjump[table].filter((l) => !expected(l)));
  }
  return out;
}

/** Lines that remove every jump into our chains from chains that are not ours (for cleanup). */
export function planUnjump(state: IptablesState): Record<Table, string[]> {
  const out: Record<Table, string[]> = { nat: [], filter: [] };
  for (const table of ['nat', 'filter'] as const) {
    for (const [chain, lines] of Object.entries(state.rules[table])) {
      if (chain.startsWith(CHAIN_PREFIX)) continue;
      for (const l of lines) if (/ -j MINIKUBELET-\S+$/.test(l)) out[table].push(`-D${l.slice(2)}`);
    }
  }
  return out;
}
