// Building DOM nodes without HTML strings: every piece of text goes in as a text node, so
// whatever a data file contains (a campaign named `<img onerror=...>`, say) is shown as text
// and never parsed as markup.

export type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string;
  id?: string;
  /** Attributes set with setAttribute (aria-*, type, for, title...). */
  attrs?: Record<string, string | number | boolean | undefined>;
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (event: HTMLElementEventMap[K]) => void }>;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.id) el.id = props.id;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const [type, handler] of Object.entries(props.on ?? {})) {
    el.addEventListener(type, handler as EventListener);
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Replace all of `parent`'s children. */
export function replace(parent: Node, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, ...children);
}

/** A button whose label is text, with a click handler. */
export function button(
  label: Child,
  onClick: () => void,
  opts: { class?: string; attrs?: Props['attrs'] } = {},
): HTMLButtonElement {
  return h(
    'button',
    { class: opts.class ?? 'button', attrs: { type: 'button', ...opts.attrs }, on: { click: onClick } },
    label,
  );
}
