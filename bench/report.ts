// What a benchmark part returns, the console table, and BENCHMARKS.md: one generated section per part,
// rewritten when its part runs (so `npm run bench -- dns` updates only the DNS section), and a summary
// table at the top rebuilt from the sections. Everything else in the file (hand-written notes between
// sections, the introduction) is kept byte for byte.
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

/** Where a part's section goes when the file has none yet (the order of `npm run bench`'s parts). */
const ORDER = [
  'pod-start',
  'init-handoff',
  'image-pull',
  'density',
  'dns',
  'api',
  'config-start',
  'config-update',
  'streams',
  'metrics-cost',
  'workload-scale',
  'workload-replace',
  'workload-rollout',
  'workload-idle',
  'restart-scale',
];
const begin = (id: string): string => `<!-- part:${id} -->`;
const end = (id: string): string => `<!-- /part:${id} -->`;
const SUMMARY_BEGIN = '<!-- summary-table -->';
const SUMMARY_END = '<!-- /summary-table -->';
const SUMMARY_HEADER = [
  '| part | metric | minikubelet | baseline | ratio | target | |',
  '| --- | --- | --- | --- | --- | --- | --- |',
];

const INTRODUCTION = [
  '# Benchmarks',
  '',
  'Written by `npm run bench` (scripts/bench.sh prepares the machine as `npm start` does, then bench/run.ts;',
  '`npm run bench -- PART` runs one part and rewrites only its section; `--reps N`, `--profile`, `--no-write`).',
  'Comparisons are ratios against a baseline measured in the same run, alternating with it',
  'repetition by repetition: "median [min–max]" over the repetitions. The agent is the real daemon',
  '(`node dist/daemon/main.js`) as a child process with its own data dir, on the network `mk-bench`',
  '(10.253.0.0/16, or the next free one), with `--proxy none`; the raw baselines use dockerode on the same network and images.',
  'Text outside the generated sections (`<!-- part:ID -->` ... `<!-- /part:ID -->`) and the summary table is kept as written.',
  '',
  '## Summary',
  '',
  SUMMARY_BEGIN,
  SUMMARY_END,
  '',
].join('\n');

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

// A part without a section goes before the next part (in ORDER) that has one, so notes written by hand
// after a section stay next to it; with none after it, at the end of the file.
function insertSection(text: string, id: string, sec: string): string {
  const rank = ORDER.indexOf(id);
  const later = rank < 0 ? undefined : ORDER.slice(rank + 1).find((x) => text.includes(begin(x)));
  if (later) {
    const at = text.indexOf(begin(later));
    return `${text.slice(0, at)}${sec}\n\n${text.slice(at)}`;
  }
  const sep = text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
  return `${text}${sep}${sec}\n`;
}

function replaceSection(text: string, id: string, sec: string): string {
  const i = text.indexOf(begin(id));
  const j = i < 0 ? -1 : text.indexOf(end(id), i);
  if (j < 0) return insertSection(text, id, sec);
  return text.slice(0, i) + sec + text.slice(j + end(id).length);
}

// The summary's rows, from the summaries of the sections in the file, in the file's order.
function summaryRows(text: string): string[] {
  const rows: string[] = [];
  for (const m of text.matchAll(/^<!-- part:[\w-]+ -->\n<!-- summary (.*) -->$/gm)) {
    const s = JSON.parse(m[1] ?? '{}') as { title: string; rows: Row[] };
    for (const r of s.rows.filter((x) => x.target)) {
      rows.push(
        `| ${cell(s.title)} | ${cell(r.metric)} | ${cell(r.agent)} | ${cell(r.baseline)} | ${cell(r.ratio)} | ${cell(r.target)} | ${verdict(r.met)} |`,
      );
    }
  }
  return rows;
}

// Between the summary markers; a file written before they existed has the table right under `## Summary`.
function replaceSummary(text: string): string {
  const table = [SUMMARY_BEGIN, ...SUMMARY_HEADER, ...summaryRows(text), SUMMARY_END].join('\n');
  const i = text.indexOf(SUMMARY_BEGIN);
  const j = i < 0 ? -1 : text.indexOf(SUMMARY_END, i);
  if (j >= 0) return text.slice(0, i) + table + text.slice(j + SUMMARY_END.length);
  const legacy = /^## Summary\n\n(\|.*\n)*/m.exec(text);
  if (legacy) {
    const at = legacy.index + '## Summary\n\n'.length;
    return `${text.slice(0, at)}${table}\n${text.slice(legacy.index + legacy[0].length)}`;
  }
  return `${text.endsWith('\n') || text === '' ? text : `${text}\n`}\n## Summary\n\n${table}\n`;
}

/** The file's text with the sections of `parts` written (replaced or inserted) and the summary rebuilt. */
export function mergeBenchmarks(old: string, parts: PartResult[], ctx: Context, now: Date): string {
  const date = now.toISOString().replace(/\.\d+Z$/, 'Z');
  let text = old === '' ? INTRODUCTION : old;
  for (const p of parts) text = replaceSection(text, p.id, section(p, ctx, date));
  return replaceSummary(text);
}

/** Rewrites the sections of the parts that ran and the summary; keeps everything else byte for byte. */
export function writeBenchmarks(path: string, parts: PartResult[], ctx: Context, now = new Date()): void {
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '';
  writeFileSync(path, mergeBenchmarks(old, parts, ctx, now));
}
