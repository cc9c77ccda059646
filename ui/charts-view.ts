// A few live charts from the daemon's Prometheus endpoints. Scraping is a poll by nature: every
// SCRAPE_MS while the page is visible, nothing while it is hidden; each series keeps its last POINTS
// points. Drawn as inline SVG (geometry in attributes, colours in style.css: the policy refuses style
// attributes). Test hook: `/ui/?scrape=<ms>#/charts` shortens the interval (never below MIN_SCRAPE_MS).
import type { Api } from './api.js';
import { fill, h } from './dom.js';
import { parsePromText, type Sample, sumOf } from './prom-text.js';

const SCRAPE_MS = 5000;
const MIN_SCRAPE_MS = 100;
const POINTS = 120;
const W = 600;
const H = 120;
const SVG = 'http://www.w3.org/2000/svg';

interface Point {
  t: number;
  v: number;
}

interface Chart {
  id: string;
  title: string;
  unit: (v: number) => string;
  /** This scrape's value, given the previous scrape's samples and seconds since then (for rates). */
  read(now: Sample[], before: Sample[] | undefined, dt: number): number | undefined;
}

const fixed = (digits: number, suffix: string) => (v: number) => `${v.toFixed(digits)}${suffix}`;

const CHARTS: Chart[] = [
  {
    id: 'running-pods',
    title: 'Running pods',
    unit: fixed(0, ''),
    read: (s) => sumOf(s, 'kubelet_running_pods'),
  },
  {
    id: 'running-containers',
    title: 'Running containers',
    unit: fixed(0, ''),
    read: (s) => sumOf(s, 'kubelet_running_containers', { container_state: 'running' }),
  },
  {
    id: 'pod-start',
    title: 'Pod start duration (mean since start)',
    unit: fixed(2, ' s'),
    read: (s) => {
      const count = sumOf(s, 'kubelet_pod_start_duration_seconds_count');
      const sum = sumOf(s, 'kubelet_pod_start_duration_seconds_sum');
      return count && sum !== undefined ? sum / count : undefined;
    },
  },
  {
    id: 'node-memory',
    title: 'Node memory working set',
    unit: fixed(0, ' MiB'),
    read: (s) => {
      const bytes = sumOf(s, 'node_memory_working_set_bytes');
      return bytes === undefined ? undefined : bytes / 2 ** 20;
    },
  },
  {
    id: 'node-cpu',
    title: 'Node CPU',
    unit: fixed(3, ' cores'),
    read: (s, before, dt) => {
      const now = sumOf(s, 'node_cpu_usage_seconds_total');
      const then = before && sumOf(before, 'node_cpu_usage_seconds_total');
      return now === undefined || then === undefined || dt <= 0 ? undefined : Math.max(0, now - then) / dt;
    },
  },
];

function scrapeInterval(): number {
  const asked = Number(new URLSearchParams(location.search).get('scrape'));
  return asked > 0 ? Math.max(MIN_SCRAPE_MS, asked) : SCRAPE_MS;
}

function svg(tag: string, attrs: Record<string, string>): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

function drawChart(el: HTMLElement, c: Chart, points: Point[]): void {
  const last = points[points.length - 1];
  const max = Math.max(...points.map((p) => p.v), 0);
  const top = max * 1.2 || 1; // headroom: a flat series is drawn below the top edge, zero above the bottom
  const t0 = points[0]?.t ?? 0;
  const span = Math.max(1, (last?.t ?? 0) - t0);
  const line = points
    .map((p) => `${((W * (p.t - t0)) / span).toFixed(1)},${(H - 2 - ((H - 4) * p.v) / top).toFixed(1)}`)
    .join(' ');
  const plot = svg('svg', {
    viewBox: `0 0 ${W} ${H}`,
    preserveAspectRatio: 'none',
    'data-series': c.id,
    'data-points': String(points.length),
    role: 'img',
    'aria-label': c.title,
  });
  plot.append(svg('polyline', { points: line, class: 'chart-line', 'vector-effect': 'non-scaling-stroke' }));
  fill(
    el,
    h(
      'div',
      { class: 'chart-head' },
      h('strong', {}, c.title),
      h('span', { class: 'chart-value' }, last ? c.unit(last.v) : 'no data'),
      h('span', { class: 'muted' }, `max ${c.unit(max)}`),
    ),
    plot,
  );
}

export function chartsView(api: Api, root: HTMLElement): () => void {
  const series = new Map<string, Point[]>(CHARTS.map((c) => [c.id, []]));
  const boxes = new Map(CHARTS.map((c) => [c.id, h('div', { class: 'chart', 'data-chart': c.id })]));
  const error = h('p', { class: 'muted', id: 'charts-error' });
  fill(
    root,
    h('h1', {}, 'Charts'),
    h('p', { class: 'muted' }, 'From /metrics and /metrics/resource, scraped while this page is visible.'),
    error,
    ...boxes.values(),
  );
  const ctrl = new AbortController();
  let before: { samples: Sample[]; t: number } | undefined;
  const scrape = async (): Promise<void> => {
    const texts = await Promise.all([
      api.text('/metrics', ctrl.signal),
      api.text('/metrics/resource', ctrl.signal),
    ]);
    if (texts.some((t) => t === undefined)) return stop(); // unauthorized: the token form took the page
    const samples = texts.flatMap((t) => parsePromText(t ?? ''));
    const t = performance.now();
    for (const c of CHARTS) {
      const v = c.read(samples, before?.samples, before ? (t - before.t) / 1000 : 0);
      const points = series.get(c.id) as Point[];
      if (v !== undefined && Number.isFinite(v)) points.push({ t, v });
      if (points.length > POINTS) points.splice(0, points.length - POINTS);
      drawChart(boxes.get(c.id) as HTMLElement, c, points);
    }
    before = { samples, t };
    error.textContent = '';
  };
  const every = scrapeInterval();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let busy = false; // one scrape at a time, even when the page comes back while one is under way
  const tick = (): void => {
    timer = undefined;
    if (busy || ctrl.signal.aborted || document.visibilityState !== 'visible') return;
    busy = true;
    scrape()
      .catch((err: unknown) => {
        if (!ctrl.signal.aborted) error.textContent = `scrape failed: ${String(err)}`;
      })
      .finally(() => {
        busy = false;
        if (!ctrl.signal.aborted && timer === undefined) timer = setTimeout(tick, every);
      });
  };
  const onVisibility = (): void => {
    if (document.visibilityState === 'visible' && timer === undefined) tick();
    else if (document.visibilityState !== 'visible' && timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
  };
  function stop(): void {
    ctrl.abort();
    if (timer !== undefined) clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisibility);
  }
  document.addEventListener('visibilitychange', onVisibility);
  tick();
  return stop;
}
