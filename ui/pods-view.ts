// The pods of every namespace as `kubectl get pods -A` prints them: NAME, READY, STATUS and RESTARTS are
// the server's own Table cells (api/kinds/pods.ts, the cells kubectl prints), AGE ticks here. Live from
// one watch of the Table form; a namespace filter narrows it.
import { humanAge } from '../agent/status/human-age.js';
import type { Api } from './api.js';
import { fill, h, table } from './dom.js';
import { renderQueue } from './render-queue.js';
import type { Table, WatchEvent } from './types.js';

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
const SHOWN = ['Name', 'Ready', 'Status', 'Restarts'];

/** Table cells are strings and numbers (RESTARTS). */
const cellText = (cell: unknown): string =>
  typeof cell === 'string' || typeof cell === 'number' ? String(cell) : '';

interface Row {
  namespace: string;
  name: string;
  created: number;
  cells: string[];
}

export function podsView(api: Api, root: HTMLElement, namespace: string): () => void {
  const rows = new Map<string, Row>();
  let columns: number[] = [];
  const filter = h('select', { id: 'namespace-filter' });
  const count = h('span', { class: 'muted' });
  const { el, body } = table(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'], { id: 'pods' });
  fill(
    root,
    h('div', { class: 'bar' }, h('h1', {}, 'Pods'), h('label', {}, 'Namespace ', filter), count),
    el,
  );
  filter.addEventListener('change', () => {
    location.hash = filter.value ? `#/pods/${encodeURIComponent(filter.value)}` : '#/pods';
  });

  const drawFilter = (): void => {
    const names = [...new Set([...rows.values()].map((r) => r.namespace)), namespace].filter(Boolean).sort();
    fill(
      filter,
      h('option', { value: '' }, 'all namespaces'),
      ...names.map((n) => h('option', { value: n }, n)),
    );
    filter.value = namespace;
  };
  const ageCells: [HTMLTableCellElement, number][] = [];
  const draw = (): void => {
    const shown = [...rows.values()]
      .filter((r) => !namespace || r.namespace === namespace)
      .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
    ageCells.length = 0;
    const now = Date.now();
    fill(
      body,
      ...shown.map((r) => {
        const age = h('td', {}, humanAge(now - r.created));
        ageCells.push([age, r.created]);
        const link = h(
          'a',
          { href: `#/pod/${encodeURIComponent(r.namespace)}/${encodeURIComponent(r.name)}` },
          r.name,
        );
        const [, ready, status, restarts] = r.cells;
        return h(
          'tr',
          { 'data-pod': `${r.namespace}/${r.name}` },
          h('td', {}, r.namespace),
          h('td', {}, link),
          h('td', {}, ready ?? ''),
          h('td', { class: `status status-${(status ?? '').replace(/[^A-Za-z]/g, '')}` }, status ?? ''),
          h('td', {}, restarts ?? ''),
          age,
        );
      }),
    );
    fill(count, `${shown.length} pod${shown.length === 1 ? '' : 's'}`);
    drawFilter();
  };
  const schedule = renderQueue(draw);
  const tick = setInterval(() => {
    const now = Date.now();
    for (const [cell, created] of ageCells) cell.textContent = humanAge(now - created);
  }, 1000);

  const stop = api.watch<Table>(
    '/api/v1/pods',
    {
      event(e: WatchEvent<Table>) {
        if (e.object.columnDefinitions)
          columns = SHOWN.map((name) => e.object.columnDefinitions?.findIndex((c) => c.name === name) ?? -1);
        for (const row of e.object.rows) {
          const meta = row.object?.metadata;
          if (!meta) continue;
          if (e.type === 'DELETED') rows.delete(meta.uid);
          else
            rows.set(meta.uid, {
              namespace: meta.namespace ?? '',
              name: meta.name,
              created: Date.parse(meta.creationTimestamp ?? '') || Date.now(),
              cells: columns.map((i) => cellText(row.cells[i])),
            });
        }
      },
      reset: () => rows.clear(),
      flush: schedule,
      synced() {
        schedule();
        requestAnimationFrame(() => performance.mark('pods-synced'));
      },
    },
    { accept: TABLE },
  );
  draw();
  return () => {
    stop();
    clearInterval(tick);
  };
}
