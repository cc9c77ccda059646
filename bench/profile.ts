// Summary of a V8 CPU profile written by `node --cpu-prof`: where the agent's own CPU time went, by
// function and by file (self time), for the report when a target is missed.
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { num } from './stats';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

const ROOT = join(__dirname, '..', '..');

function place(url: string): string {
  if (!url) return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const rel = path.startsWith('/') ? relative(ROOT, path) : path;
  return rel.replace(/^node_modules\/([^/]+(?:\/[^/]+)?)\/.*$/, (_, pkg: string) =>
    pkg.startsWith('@') ? `node_modules/${pkg}` : `node_modules/${pkg.split('/')[0] ?? pkg}`,
  );
}

/** Markdown lines: total sampled time, then the top functions and files by self time. */
export function summarizeProfiles(dir: string, top = 12): string[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const byFn = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  let wall = 0;
  for (const f of files) {
    const p = JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile;
    wall += (p.endTime - p.startTime) / 1000;
    const nodes = new Map(p.nodes.map((n) => [n.id, n]));
    const samples = p.samples ?? [];
    const deltas = p.timeDeltas ?? [];
    for (let i = 0; i < samples.length; i++) {
      const n = nodes.get(samples[i] ?? -1);
      const ms = (deltas[i] ?? 0) / 1000;
      if (!n) continue;
      const name = n.callFrame.functionName || '(anonymous)';
      if (name === '(idle)' || name === '(program)') continue;
      total += ms;
      const where = place(n.callFrame.url);
      const key = `${name} ${where}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}`;
      byFn.set(key, (byFn.get(key) ?? 0) + ms);
      byFile.set(where, (byFile.get(where) ?? 0) + ms);
    }
  }
  const rows = (m: Map<string, number>): string[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, ms]) => `| ${k.replace(/\|/g, '\\|')} | ${num(ms)} | ${num((100 * ms) / (total || 1))} % |`);
  return [
    `CPU profile of the agent (\`node --cpu-prof\`): ${num(total)} ms of JavaScript and GC over ${num(wall / 1000)} s.`,
    '',
    '| function (self time) | ms | share |',
    '| --- | --- | --- |',
    ...rows(byFn),
    '',
    '| file (self time) | ms | share |',
    '| --- | --- | --- |',
    ...rows(byFile),
  ];
}

/** The summary of the profiles in `dir` (none without one), and the folder removed. */
export function takeProfile(dir: string | undefined): string[] {
  if (!dir) return [];
  try {
    return summarizeProfiles(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
