// Fidelity, a section of the Compare view: the rules panel's rules against the platform's own
// sessions, where the imported hits carry them (GA4 export, UA ga_sessions rows, Snowplow). The
// plain-words summary first, then the platform's sessions and ours per day with the sessions
// split and merged, and the rules that cut ours. Without session ids, one sentence says why
// there is nothing to compare. The summary is styled as the discrepancy view's verdict.

import { h } from '../dom';
import * as fmt from '../format';
import type { FidelityCounts, FidelityReason, FidelityView } from '../ipc';
import { plainTable } from '../table';
import './discrepancy.css';

export function fidelitySection(f: FidelityView): HTMLElement {
  const title = h('h2', { id: 'fidelity-title' }, "Fidelity to the platform's own sessions");
  const card = (...body: HTMLElement[]) =>
    h('section', { class: 'card fidelity', id: 'fidelity', attrs: { 'aria-labelledby': 'fidelity-title' } }, title, ...body);
  if (f.unavailable !== null) return card(h('p', { id: 'fidelity-unavailable' }, f.unavailable));
  const cells = (label: string, c: FidelityCounts, reasons: FidelityReason[]) => [
    label,
    fmt.count(c.platformSessions),
    fmt.count(c.ourSessions),
    fmt.count(c.split),
    fmt.count(c.merged),
    reasons.map((r) => `${r.words} (${fmt.count(r.sessions)})`).join(', ') || '—',
  ];
  return card(
    h('p', { class: 'verdict', id: 'fidelity-summary' }, f.summary),
    h(
      'p',
      { class: 'muted small' },
      `The rules panel's rules (${f.rules.title}) over ${f.period ? fmt.dayRange(f.period.from, f.period.to) : 'every day of the data'}, in the view time zone. A ${f.platform} session is split when its hits fall in several of ours, and one of ours is merged when it holds hits of several of ${f.platform}'s; the last column names the rules that started our extra sessions.`,
    ),
    plainTable({
      id: 'fidelity-table',
      caption: `${f.platform}'s sessions and ours per day`,
      headers: ['Day', `${f.platform} sessions`, 'Our sessions', 'Split', 'Merged', 'Where ours were cut'],
      numeric: [false, true, true, true, true, false],
      rows: [...f.days.map((d) => cells(d.date, d.counts, d.reasons)), cells('All days', f.totals, f.reasons)],
    }),
  );
}
