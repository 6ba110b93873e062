// Charts arrive from the Rust side as SVG documents made by our own chart code (which escapes
// every label). They are parsed as XML and imported as nodes: never through innerHTML, and
// anything that could run (scripts, foreign HTML, event attributes) is dropped on the way in.

import { h } from './dom';

export function chart(markup: string, label: string): HTMLElement {
  const figure = h('figure', { class: 'chart', attrs: { role: 'img', 'aria-label': label } });
  const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
  const svg = doc.documentElement;
  if (svg.nodeName !== 'svg' || doc.getElementsByTagName('parsererror').length > 0) {
    figure.append(h('p', { class: 'empty' }, 'This chart could not be drawn.'));
    return figure;
  }
  for (const unsafe of Array.from(svg.querySelectorAll('script, foreignObject'))) unsafe.remove();
  for (const el of [svg, ...Array.from(svg.querySelectorAll('*'))]) {
    for (const attr of Array.from(el.attributes)) {
      if (/^on/i.test(attr.name) || /^\s*javascript:/i.test(attr.value)) el.removeAttribute(attr.name);
    }
  }
  figure.append(document.importNode(svg, true));
  return figure;
}
