// Compare: the rules panel's rules (left) against another preset (right) over the same days,
// every KPI side by side with the difference; then the same rules against the platform's own
// sessions, where the hits carry them (./fidelity.ts).

import { h } from '../dom';
import * as fmt from '../format';
import { api, type Kpis, type RulesInput } from '../ipc';
import { rulesLabel, samePlaceAs } from '../rules';
import { fidelitySection } from './fidelity';
import type { Shown, ViewContext } from './view';

/** The preset compared against, kept while the rules change. */
let otherPreset: string | null = null;

interface Row {
  label: string;
  value: (k: Kpis) => number | null;
  show: (v: number) => string;
  diff: (d: number) => string;
}

const ROWS: Row[] = [
  { label: 'All sessions', value: (k) => k.sessions, show: fmt.count, diff: fmt.signedCount },
  { label: 'Users', value: (k) => k.users, show: fmt.count, diff: fmt.signedCount },
  { label: 'Pageviews', value: (k) => k.pageviews, show: fmt.count, diff: fmt.signedCount },
  { label: 'Bounce rate', value: (k) => k.bounceRate, show: (v) => fmt.percent(v), diff: fmt.points },
  { label: 'Average duration', value: (k) => k.avgDurationS, show: fmt.duration, diff: (d) => `${d >= 0 ? '+' : '−'}${fmt.duration(Math.abs(d))}` },
  { label: 'Engagement rate', value: (k) => k.engagementRate, show: (v) => fmt.percent(v), diff: fmt.points },
  { label: 'Ad clicks', value: (k) => k.clicks, show: fmt.count, diff: fmt.signedCount },
  { label: 'Sessions per 100 ad clicks', value: (k) => k.clickToSession, show: fmt.per100, diff: fmt.per100Change },
];

export async function renderCompare(ctx: ViewContext): Promise<Shown> {
  const left = ctx.state.input;
  const presets = ctx.choices?.presets ?? [];
  const other = otherPreset ?? presets.find((p) => p.id !== left.preset)?.id ?? left.preset;
  const right: RulesInput = samePlaceAs(left, other);
  const [c, fidelity] = await Promise.all([api.compareRules(left, right, ctx.state.range), api.fidelity(left, ctx.state.range)]);
  const picker = h(
    'select',
    {
      id: 'compare-preset',
      on: {
        change: (e) => {
          otherPreset = (e.target as HTMLSelectElement).value;
          void ctx.refresh();
        },
      },
    },
    ...presets.map((p) => h('option', { attrs: { value: p.id, selected: p.id === other } }, p.title)),
  );
  picker.value = other;
  const rows = ROWS.map((r) => {
    const a = r.value(c.left.kpis);
    const b = r.value(c.right.kpis);
    const diff = a !== null && b !== null ? b - a : null;
    return h(
      'tr',
      {},
      h('th', { attrs: { scope: 'row' } }, r.label),
      h('td', { class: 'num' }, a === null ? '—' : r.show(a)),
      h('td', { class: 'num' }, b === null ? '—' : r.show(b)),
      // Differences are not coloured: whether more is better depends on the figure.
      h('td', { class: 'num diff' }, diff === null ? '—' : r.diff(diff)),
    );
  });
  const presetsCard = h(
    'section',
    { class: 'card compare', id: 'compare', attrs: { 'aria-labelledby': 'compare-title' } },
    h(
      'div',
      { class: 'card-head' },
      h('h2', { id: 'compare-title' }, 'Compare presets'),
      h('label', { class: 'inline-field' }, 'Compare with ', picker),
    ),
    h(
      'p',
      { class: 'muted small' },
      `Left: the rules panel (${c.left.rules.title}). Right: ${c.right.rules.title} with its own rules, in the same time zone. Differences are right minus left.`,
    ),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'data-table', id: 'compare-table' },
        h('caption', { class: 'visually-hidden' }, 'Key figures under two presets'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { attrs: { scope: 'col' } }, 'Figure'),
            h('th', { class: 'num', attrs: { scope: 'col' } }, rulesLabel(c.left.rules)),
            h('th', { class: 'num', attrs: { scope: 'col' } }, rulesLabel(c.right.rules)),
            h('th', { class: 'num', attrs: { scope: 'col' } }, 'Difference'),
          ),
        ),
        h('tbody', {}, ...rows),
      ),
    ),
  );
  const node = h('div', {}, presetsCard, fidelitySection(fidelity));
  return { node, rules: c.left.rules, period: c.period, span: null };
}
