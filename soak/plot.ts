// The soak's memory samples as an SVG chart: the `sample cycle N: heap after GC X MB, RSS Y MB` lines of
// `npm run soak` (docs/recovery.md shows docs/img/soak-memory-1000-before-fix.svg, made by
// `node dist/soak/plot-main.js soak.log docs/img/soak-memory-1000-before-fix.svg TITLE`).

export interface MemorySample {
  cycle: number;
  heapMb: number;
  rssMb: number;
}

const LINE = /sample cycle (\d+): heap after GC ([\d.]+) MB, RSS ([\d.]+) MB/;

export function parseSamples(log: string): MemorySample[] {
  return log
    .split('\n')
    .map((l) => LINE.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ cycle: Number(m[1]), heapMb: Number(m[2]), rssMb: Number(m[3]) }));
}

const W = 640;
const H = 320;
const PAD = { left: 56, right: 16, top: 28, bottom: 44 };

/** A line chart of heap after GC and RSS (MB) over the cycle count, y from 0. */
export function memoryChart(samples: readonly MemorySample[], title: string): string {
  if (!samples.length) throw new Error('no `sample cycle` lines to plot');
  const maxX = Math.max(1, ...samples.map((s) => s.cycle));
  const maxY = Math.ceil(Math.max(...samples.map((s) => s.rssMb)) / 50) * 50 || 50;
  const x = (v: number): number => PAD.left + (v / maxX) * (W - PAD.left - PAD.right);
  const y = (v: number): number => H - PAD.bottom - (v / maxY) * (H - PAD.top - PAD.bottom);
  const f = (n: number): string => n.toFixed(1);
  const series = (pick: (s: MemorySample) => number, color: string): string =>
    `<polyline fill="none" stroke="${color}" stroke-width="2" points="${samples.map((s) => `${f(x(s.cycle))},${f(y(pick(s)))}`).join(' ')}"/>` +
    samples
      .map((s) => `<circle cx="${f(x(s.cycle))}" cy="${f(y(pick(s)))}" r="3" fill="${color}"/>`)
      .join('');
  const yTicks = Array.from({ length: maxY / 50 + 1 }, (_, i) => i * 50);
  const xTicks = samples.map((s) => s.cycle);
  const grid =
    yTicks
      .map(
        (t) =>
          `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${f(y(t))}" y2="${f(y(t))}" stroke="#ddd"/>` +
          `<text x="${PAD.left - 6}" y="${f(y(t) + 4)}" text-anchor="end">${t}</text>`,
      )
      .join('') +
    xTicks
      .map((t) => `<text x="${f(x(t))}" y="${H - PAD.bottom + 16}" text-anchor="middle">${t}</text>`)
      .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="16" text-anchor="middle" font-size="13">${title}</text>`,
    grid,
    `<text x="${W / 2}" y="${H - 8}" text-anchor="middle">cycles</text>`,
    `<text x="14" y="${H / 2}" text-anchor="middle" transform="rotate(-90 14 ${H / 2})">MB</text>`,
    series((s) => s.rssMb, '#d62728'),
    series((s) => s.heapMb, '#1f77b4'),
    `<rect x="${PAD.left + 10}" y="${PAD.top}" width="10" height="10" fill="#d62728"/><text x="${PAD.left + 24}" y="${PAD.top + 9}">RSS</text>`,
    `<rect x="${PAD.left + 70}" y="${PAD.top}" width="10" height="10" fill="#1f77b4"/><text x="${PAD.left + 84}" y="${PAD.top + 9}">heap after full GC</text>`,
    '</svg>',
    '',
  ].join('\n');
}
