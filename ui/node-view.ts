// The Node (`kubectl describe node` in short): conditions, capacity vs allocatable, nodeInfo and addresses,
// live from a watch of /api/v1/nodes (its status updates arrive as MODIFIED events; nothing is polled).
import type { Api } from './api.js';
import { fill, h, table } from './dom.js';
import { renderQueue } from './render-queue.js';
import type { KubeNode } from './types.js';

const CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];
const RESOURCES = ['cpu', 'memory', 'pods', 'ephemeral-storage'];

function drawNode(n: KubeNode): HTMLElement {
  const s = n.status;
  const conditions = table(['TYPE', 'STATUS', 'REASON', 'MESSAGE'], { class: 'conditions' });
  const byType = new Map((s.conditions ?? []).map((c) => [c.type, c]));
  fill(
    conditions.body,
    ...CONDITIONS.map((type) => {
      const c = byType.get(type);
      const bad = c && (type === 'Ready' ? c.status !== 'True' : c.status !== 'False');
      return h(
        'tr',
        { 'data-condition': type, ...(bad ? { class: 'warning' } : {}) },
        h('td', {}, type),
        h('td', { class: 'status' }, c?.status ?? 'Unknown'),
        h('td', {}, c?.reason ?? ''),
        h('td', {}, c?.message ?? ''),
      );
    }),
  );
  const resources = table(['RESOURCE', 'CAPACITY', 'ALLOCATABLE'], { class: 'resources' });
  fill(
    resources.body,
    ...RESOURCES.map((r) =>
      h(
        'tr',
        { 'data-resource': r },
        h('td', {}, r),
        h('td', {}, s.capacity?.[r] ?? ''),
        h('td', {}, s.allocatable?.[r] ?? ''),
      ),
    ),
  );
  const info = s.nodeInfo ?? {};
  const infoRows: [string, string | undefined][] = [
    ['Kernel', info.kernelVersion],
    ['OS image', info.osImage],
    ['Architecture', info.architecture],
    ['Container runtime', info.containerRuntimeVersion],
    ['Kubelet version', info.kubeletVersion],
    ...(s.addresses ?? []).map((a): [string, string] => [a.type, a.address]),
  ];
  const details = table(['', ''], { class: 'node-info' });
  fill(details.body, ...infoRows.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v ?? ''))));
  return h(
    'section',
    { 'data-node': n.metadata.name },
    h('h1', {}, 'Node ', h('span', { class: 'node-name' }, n.metadata.name)),
    h('h2', {}, 'Conditions'),
    conditions.el,
    h('h2', {}, 'Capacity and allocatable'),
    resources.el,
    h('h2', {}, 'System info and addresses'),
    details.el,
  );
}

export function nodeView(api: Api, root: HTMLElement): () => void {
  const nodes = new Map<string, KubeNode>();
  const draw = (): void =>
    nodes.size
      ? fill(root, ...[...nodes.values()].map(drawNode))
      : fill(root, h('h1', {}, 'Node'), h('p', { class: 'muted' }, 'No Node registered yet.'));
  const schedule = renderQueue(draw);
  const stop = api.watch<KubeNode>('/api/v1/nodes', {
    event(e) {
      if (e.type === 'DELETED') nodes.delete(e.object.metadata.name);
      else nodes.set(e.object.metadata.name, e.object);
    },
    reset: () => nodes.clear(),
    flush: schedule,
  });
  draw();
  return stop;
}
