// A container's log, followed (the log endpoint with follow=true): opened again when the container starts
// anew (a new container id), kept to its last LIMIT characters.
import type { Api } from './api.js';
import { h } from './dom.js';
import type { Pod } from './types.js';

const LIMIT = 200_000;

export function logsView(
  api: Api,
  namespace: string,
  name: string,
): {
  el: HTMLElement;
  update(pod: Pod): void;
  stop(): void;
} {
  const select = h('select', { id: 'log-container' });
  const pre = h('pre', { id: 'logs', class: 'logs' });
  const note = h('span', { class: 'muted' });
  let selected = '';
  let streamedId: string | undefined;
  let stop: (() => void) | undefined;
  let pod: Pod | undefined;

  const open = (): void => {
    stop?.();
    pre.textContent = '';
    note.textContent = '';
    const st = [...(pod?.status.initContainerStatuses ?? []), ...(pod?.status.containerStatuses ?? [])].find(
      (s) => s.name === selected,
    );
    streamedId = st?.containerID;
    if (!streamedId) {
      note.textContent = 'not started yet';
      return;
    }
    const path =
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/log` +
      `?container=${encodeURIComponent(selected)}&follow=true&tailLines=1000`;
    note.textContent = 'following';
    stop = api.stream(
      path,
      (text) => {
        const follow = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
        pre.textContent = ((pre.textContent ?? '') + text).slice(-LIMIT);
        if (follow) pre.scrollTop = pre.scrollHeight;
      },
      (error) => (note.textContent = error ? `log: ${error}` : 'ended'),
    );
  };
  select.addEventListener('change', () => {
    selected = select.value;
    open();
  });

  return {
    el: h('div', {}, h('label', {}, 'Container ', select), ' ', note, pre),
    update(p: Pod) {
      pod = p;
      const names = [...(p.spec.initContainers ?? []), ...p.spec.containers].map((c) => c.name);
      if (select.options.length !== names.length) {
        select.replaceChildren(...names.map((n) => h('option', { value: n }, n)));
        selected = selected || names[0] || '';
        select.value = selected;
      }
      const st = [...(p.status.initContainerStatuses ?? []), ...(p.status.containerStatuses ?? [])].find(
        (s) => s.name === selected,
      );
      if (st?.containerID !== streamedId) open();
    },
    stop: () => stop?.(),
  };
}
