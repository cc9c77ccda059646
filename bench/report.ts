// What a benchmark part returns, the console table, and BENCHMARKS.md: one section per part, each
// rewritten when its part runs (so `npm run bench -- dns` updates only the DNS section), and a summary
// table at the top rebuilt from the sections.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface Row {
  metric: string;
  agent: string;
  baseline: string;
  /** minikubelet / baseline (or a plain value for rows without a baseline). */
  ratio: string;
  target: string;
  /** undefined: no target for this row. */
  met?: boolean;
}

export interface PartResult {
  id: string;
  title: string;
  /** What the agent is compared with, for the table header of the section. */
  baselineName: string;
  rows: Row[];
  /** Markdown paragraphs and tables after the rows (method, details). */
  body: string[];
}

export interface Context {
  reps: number;
  log: (s: string) => void;
  command: string;
  machine: string;
  /** Run the agent with node --cpu-prof and summarise where its time went. */
  profile: boolean;
}

const verdict = (met: boolean | undefined): string => (met === undefined ? '' : met ? 'met' : 'MISSED');

export function consoleTable(parts: PartResult[]): string {
  const header = ['part', 'metric', 'minikubelet', 'baseline', 'ratio', 'target', ''];
  const lines = parts.flatMap((p) =>
    p.rows.map((r) => [p.id, r.metric, r.agent, r.baseline, r.ratio, r.target, verdict(r.met)]),
  );
  const all = [header, ...lines];
  const width = header.map((_, i) => Math.max(...all.map((l) => (l[i] ?? '').length)));
  const fmt = (l: string[]): string =>
    l
      .map((c, i) => c.padEnd(width[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [fmt(header), width.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)].join('\n');
}

const cell = (s: string): string => s.replace(/\|/g, '\\|');

export function markdownRows(rows: Row[], baselineName: string): string[] {
  return [
    `| metric | minikubelet | ${baselineName} | ratio | target | |`,
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${cell(r.metric)} | ${cell(r.agent)} | ${cell(r.baseline)} | ${cell(r.ratio)} | ${cell(r.target)} | ${verdict(r.met)} |`,
    ),
  ];
}

const ORDER = [
  'pod-start',
  'init-handoff',
  'density',
  'dns',
  'api',
  'config-start',
  'config-update',
  'streams',
  'workload-scale',
  'workload-replace',
  'workload-rollout',
  'workload-idle',
  'restart-scale',
];
const begin = (id: string): string => `<!-- part:${id} -->`;
const end = (id: string): string => `<!-- /part:${id} -->`;

function section(p: PartResult, ctx: Context, date: string): string {
  const summary = JSON.stringify({ title: p.title, rows: p.rows });
  return [
    begin(p.id),
    `<!-- summary ${summary} -->`,
    '',
    `## ${p.title}`,
    '',
    `Command: \`${ctx.command}\` · ${date} · ${ctx.reps} repetitions requested · machine: ${ctx.machine}`,
    '',
    ...markdownRows(p.rows, p.baselineName),
    '',
    ...p.body,
    '',
    end(p.id),
  ].join('\n');
}

/** Rewrites the sections of the parts that ran, keeps the others, and rebuilds the summary. */
export function writeBenchmarks(path: string, parts: PartResult[], ctx: Context): void {
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const sections = new Map<string, string>();
  for (const id of ORDER) {
    const i = old.indexOf(begin(id));
    const j = old.indexOf(end(id));
    if (i >= 0 && j > i) sections.set(id, old.slice(i, j + end(id).length));
  }
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  for (const p of parts) sections.set(p.id, section(p, ctx, date));
  const summaryRows: string[] = [];
  for (const id of ORDER) {
    const m = /<!-- summary (.*) -->/.exec(sections.get(id) ?? '');
    if (!m?.[1]) continue;
    const s = JSON.parse(m[1]) as { title: string; rows: Row[] };
    for (const r of s.rows.filter((x) => x.target)) {
      summaryRows.push(
        `| ${cell(s.title)} | ${cell(r.metric)} | ${cell(r.agent)} | ${cell(r.baseline)} | ${cell(r.ratio)} | ${cell(r.target)} | ${verdict(r.met)} |`,
      );
    }
  }
  const text = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (scripts/bench.sh prepares the machine as `npm start` does, then bench/run.ts;',
    '`npm run bench -- PART` runs one part and rewrites only its section; `--reps N`, `--profile`, `--no-write`).',
    'Comparisons are ratios against a baseline measured in the same run, alternating with it',
    'repetition by repetition: "median [min–max]" over the repetitions. The agent is the real daemon',
    '(`node dist/daemon/main.js`) as a child process with its own data dir, on the network `mk-bench`',
    '(10.248.0.0/16, or the next free one), with `--proxy none`; the raw baselines use dockerode on the same network and images.',
    '',
    '## Summary',
    '',
    '| part | metric | minikubelet | baseline | ratio | target | |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...summaryRows,
    '',
    ...ORDER.flatMap((id) => {
      const s = sections.get(id);
      return s ? [s, ''] : [];
    }),
  ].join('\n');
  writeFileSync(path, text);
}
