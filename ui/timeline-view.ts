// Draws a Timeline: one row per container, its segments placed to scale on the pod's time since creation.
import { fill, h } from './dom.js';
import type { Bar, Timeline } from './timeline.js';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;

function summary(b: Bar): string {
  const parts: string[] = [b.reason ? `${b.state} (${b.reason})` : b.state];
  if (b.exitCode !== undefined) parts.push(`exit ${b.exitCode}`);
  if (b.restarts) parts.push(`${b.restarts} restart${b.restarts === 1 ? '' : 's'}`);
  if (b.backOffs) parts.push(`${b.backOffs} back-off${b.backOffs === 1 ? '' : 's'}`);
  return parts.join(', ');
}

export function drawTimeline(el: HTMLElement, t: Timeline): void {
  const pct = (ms: number): string => `${((100 * Math.max(0, ms - t.start)) / t.span).toFixed(3)}%`;
  const width = (from: number, to: number): string =>
    `${Math.max(0.4, (100 * (Math.max(to, from) - Math.max(from, t.start))) / t.span).toFixed(3)}%`;
  fill(
    el,
    h(
      'div',
      { class: 'axis' },
      h('span', {}, '0s (created)'),
      h('span', {}, seconds(t.span / 2)),
      h('span', {}, seconds(t.span)),
    ),
    ...t.bars.map((b) =>
      h(
        'div',
        { class: `tl-row tl-${b.kind}`, 'data-container': b.name, 'data-kind': b.kind },
        h('div', { class: 'tl-label' }, h('span', { class: 'tl-kind' }, b.kind), ' ', b.name),
        h(
          'div',
          { class: 'tl-track' },
          ...b.segments.map((s) => {
            const seg = h('div', {
              class: `tl-seg tl-${s.what}${s.open ? ' tl-open' : ''}`,
              title: `${s.what}: ${seconds(s.from - t.start)} to ${s.open ? 'now' : seconds(s.to - t.start)}`,
            });
            // through the CSSOM: the page's policy refuses style attributes
            seg.style.left = pct(s.from);
            seg.style.width = width(s.from, s.to);
            return seg;
          }),
          b.stuck ? h('div', { class: 'tl-stuck' }, b.stuck) : undefined,
        ),
        h('div', { class: 'tl-info' }, summary(b)),
      ),
    ),
  );
}
