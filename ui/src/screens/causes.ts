// The discrepancy's answer in plain words: a verdict as a paragraph, and its causes, largest
// first, each with its signed count and what to do about it. The day shift changes no total
// (it moves sessions between days), so it reads as information, not as a gain or a loss.

import { h } from '../dom';
import * as fmt from '../format';
import type { CauseView } from '../ipc';

export function verdictParagraph(verdict: string, id: string): HTMLElement {
  return h('p', { class: 'verdict', id }, verdict);
}

/** "Why, largest first" with the causes; nothing when there are none. */
export function causesSection(causes: CauseView[], headingId: string): HTMLElement | null {
  if (causes.length === 0) return null;
  return h(
    'div',
    { class: 'causes-block' },
    h('h3', { class: 'causes-title', id: headingId }, 'Why, largest first'),
    h('ol', { class: 'causes', attrs: { 'aria-labelledby': headingId } }, ...causes.map(causeItem)),
  );
}

function causeItem(c: CauseView): HTMLElement {
  const moved = c.kind === 'day_shift';
  return h(
    'li',
    { class: moved ? 'cause cause-info' : 'cause', attrs: { 'data-kind': c.kind } },
    h(
      'span',
      { class: 'cause-count' },
      moved ? fmt.count(c.count) : fmt.signedCount(c.count),
      moved ? h('span', { class: 'cause-count-note' }, 'moved to another day') : null,
    ),
    h(
      'div',
      { class: 'cause-body' },
      h('p', { class: 'cause-text' }, c.cause),
      h('p', { class: 'cause-action' }, h('strong', {}, 'What to do: '), c.action),
    ),
  );
}
