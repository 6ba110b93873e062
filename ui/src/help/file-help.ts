// "Where do I get these files?": a disclosure that opens onto one disclosure per source in
// ./file-sources.ts, each with its menu steps and what to watch for. Built from <details> and
// <summary>, so it opens with the keyboard and screen readers announce it as expandable.

import './file-help.css';

import { h, type Child } from '../dom';
import { FILE_SOURCES, type FileSource } from './file-sources';

export function fileSourcesHelp(): HTMLElement {
  return h(
    'details',
    { class: 'file-help' },
    h('summary', {}, 'Where do I get these files?'),
    h('p', { class: 'muted small' }, 'Open your platform for the steps. Menu names may move a little as the platforms change.'),
    h('div', { class: 'file-help-sources' }, ...FILE_SOURCES.map(sourceHelp)),
  );
}

function sourceHelp(source: FileSource): HTMLElement {
  return h(
    'details',
    { class: 'file-source', attrs: { 'data-source': source.id } },
    h('summary', {}, source.title),
    h('p', { class: 'file-source-gives' }, source.gives),
    h('ol', { class: 'file-source-steps' }, ...source.steps.map((step) => h('li', {}, ...withMenuNames(step)))),
    h('ul', { class: 'file-source-notes' }, ...source.notes.map((note) => h('li', {}, ...withMenuNames(note)))),
  );
}

/** `Open *Campaigns*` → text with "Campaigns" in bold, as the menu item to look for. */
function withMenuNames(text: string): Child[] {
  return text.split('*').map((part, i) => (i % 2 === 1 ? h('strong', { class: 'menu-name' }, part) : part));
}
