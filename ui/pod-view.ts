// One pod: its init-container timeline, its events and its logs (followed), all live: a watch of the pod,
// a watch of its events, a followed log stream.
import type { Api } from './api.js';
import { fill, h, table } from './dom.js';
import { humanAge } from '../agent/status/human-age.js';
import { logsView } from './logs-view.js';
import { renderQueue } from './render-queue.js';
import { timeline } from './timeline.js';
import { drawTimeline } from './timeline-view.js';
import type { KubeEvent, Pod } from './types.js';

export function podView(api: Api, root: HTMLElement, namespace: string, name: string): () => void {
  let pod: Pod | undefined;
  const events = new Map<string, KubeEvent>();
  const heading = h('h1', {}, `Pod ${namespace}/${name}`);
  const phase = h('p', { class: 'muted' }, 'waiting for the pod...');
  const tl = h('div', { id: 'timeline', class: 'timeline' });
  const ev = table(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'COUNT', 'MESSAGE'], { id: 'events' });
  const logs = logsView(api, namespace, name);
  fill(
    root,
    h('p', {}, h('a', { href: '#/pods' }, '< all pods')),
    heading,
    phase,
    h('h2', {}, 'Start-up timeline'),
    tl,
    h('h2', {}, 'Events'),
    ev.el,
    h('h2', {}, 'Logs'),
    logs.el,
  );

  const draw = (): void => {
    if (!pod) return;
    const now = Date.now();
    const uid = pod.metadata.uid;
    const mine = [...events.values()]
      .filter((e) => e.involvedObject.uid === uid)
      .sort((a, b) => Date.parse(a.lastTimestamp) - Date.parse(b.lastTimestamp));
    fill(phase, `phase ${pod.status.phase}${pod.status.podIP ? `, IP ${pod.status.podIP}` : ''}`);
    drawTimeline(tl, timeline(pod, mine, now));
    fill(
      ev.body,
      ...mine.map((e) =>
        h(
          'tr',
          { class: e.type === 'Warning' ? 'warning' : '' },
          h('td', {}, humanAge(now - Date.parse(e.lastTimestamp))),
          h('td', {}, e.type),
          h('td', {}, e.reason),
          h('td', {}, e.involvedObject.fieldPath ?? `pod/${e.involvedObject.name}`),
          h('td', {}, e.count),
          h('td', {}, e.message),
        ),
      ),
    );
    logs.update(pod);
  };
  const schedule = renderQueue(draw);
  // The timeline grows with the clock while a container runs or waits.
  const tick = setInterval(schedule, 1000);
  const ns = encodeURIComponent(namespace);
  const stopPod = api.watch<Pod>(
    `/api/v1/namespaces/${ns}/pods`,
    {
      event(e) {
        if (e.type === 'DELETED') {
          fill(phase, 'deleted');
          pod = undefined;
        } else pod = e.object;
      },
      reset: () => (pod = undefined),
      flush: schedule,
    },
    { query: `fieldSelector=${encodeURIComponent(`metadata.name=${name}`)}` },
  );
  const stopEvents = api.watch<KubeEvent>(
    `/api/v1/namespaces/${ns}/events`,
    {
      event(e) {
        if (e.type === 'DELETED') events.delete(e.object.metadata.uid);
        else events.set(e.object.metadata.uid, e.object);
      },
      reset: () => events.clear(),
      flush: schedule,
    },
    { query: `fieldSelector=${encodeURIComponent(`involvedObject.name=${name}`)}` },
  );
  return () => {
    stopPod();
    stopEvents();
    logs.stop();
    clearInterval(tick);
  };
}
