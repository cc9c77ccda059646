// A few lines instead of a framework: elements built with text content only (never innerHTML, so nothing
// the API returns can become markup).
export type Child = Node | string | number | undefined | false;

const nodes = (children: Child[]): (Node | string)[] =>
  children.flatMap((c) => (c === undefined || c === false ? [] : [typeof c === 'number' ? String(c) : c]));

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...nodes(children));
  return el;
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren(...nodes(children));
}

/** A table with a header row; `rows` fills its body. */
export function table(
  headers: string[],
  attrs: Record<string, string> = {},
): {
  el: HTMLTableElement;
  body: HTMLTableSectionElement;
} {
  const body = h('tbody');
  const el = h('table', attrs, h('thead', {}, h('tr', {}, ...headers.map((t) => h('th', {}, t)))), body);
  return { el, body };
}
