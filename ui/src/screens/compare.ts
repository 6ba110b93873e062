// Compare: the rules panel's rules (first column) against any presets ticked, over the same
// days, each figure with its difference from the first column. A switch shows the totals, or
// one figure by campaign or by day; switching needs no new computation (the answer holds all
// three). Then the panel's rules against the platform's own sessions, where the hits carry them
// (./fidelity.ts).

import './compare.css';

import { h, replace } from '../dom';
import * as fmt from '../format';
import { api, type CompareLine, type CompareView, type EffectiveRules, type Kpis } from '../ipc';
import { rulesLabel, samePlaceAs } from '../rules';
import { sortableTable, type Column } from '../table';
import { fidelitySection } from './fidelity';
import type { Shown, ViewContext } from './view';

type Breakdown = 'total' | 'campaign' | 'day';

/** The presets ticked (null: not chosen yet), the breakdown and the figure broken down, kept while the rules change. */
let ticked: string[] | null = null;
let breakdown: Breakdown = 'total';
let figure = 0;

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

const BREAKDOWNS: [Breakdown, string][] = [
  ['total', 'Totals'],
  ['campaign', 'By campaign'],
  ['day', 'By day'],
];

/** A column's heading: the rules' short name without the preset's aside (`Server-log heuristic`, not `… (AWStats/Webalizer)`). */
function columnLabel(rules: EffectiveRules): string {
  return rulesLabel({ ...rules, presetTitle: rules.presetTitle.replace(/ \([^)]*\)$/, '') });
}

/** The difference of `b` from `a` as `row` writes it; a dash where either is undefined. */
function difference(row: Row, a: Kpis, b: Kpis): string {
  const x = row.value(a);
  const y = row.value(b);
  return x === null || y === null ? '—' : row.diff(y - x);
}

export async function renderCompare(ctx: ViewContext): Promise<Shown> {
  const panel = ctx.state.input;
  const presets = ctx.choices?.presets ?? [];
  ticked ??= [presets.find((p) => p.id !== panel.preset)?.id ?? panel.preset];
  const chosen = presets.filter((p) => ticked?.includes(p.id)).map((p) => samePlaceAs(panel, p.id));
  const [c, fidelity] = await Promise.all([api.compareRules([panel, ...chosen], ctx.state.range), api.fidelity(panel, ctx.state.range)]);

  const boxes = h(
    'fieldset',
    { class: 'compare-presets', id: 'compare-presets' },
    h('legend', {}, 'Compare the rules panel with'),
    ...presets.map((p) =>
      h(
        'label',
        { class: 'compare-preset' },
        h('input', {
          attrs: { type: 'checkbox', value: p.id, checked: ticked?.includes(p.id) },
          on: {
            change: (e) => {
              const box = e.target as HTMLInputElement;
              const rest = (ticked ?? []).filter((id) => id !== p.id);
              ticked = box.checked ? presets.map((q) => q.id).filter((id) => id === p.id || rest.includes(id)) : rest;
              void ctx.refresh();
            },
          },
        }),
        ' ',
        p.title,
      ),
    ),
  );
  const body = h('div', { class: 'compare-body' });
  const switcher = h('div', { class: 'segmented', attrs: { role: 'group', 'aria-label': 'Show' } });
  const figurePicker = h(
    'select',
    {
      id: 'compare-figure',
      on: {
        change: (e) => {
          figure = Number((e.target as HTMLSelectElement).value);
          show();
        },
      },
    },
    ...ROWS.map((r, i) => h('option', { attrs: { value: i, selected: i === figure } }, r.label)),
  );
  figurePicker.value = String(figure);
  const figureField = h('label', { class: 'inline-field' }, 'Figure ', figurePicker);

  function show(): void {
    replace(
      switcher,
      ...BREAKDOWNS.map(([id, label]) =>
        h(
          'button',
          {
            class: `segment${id === breakdown ? ' active' : ''}`,
            id: `compare-by-${id}`,
            attrs: { type: 'button', 'aria-pressed': id === breakdown ? 'true' : 'false' },
            on: {
              click: () => {
                breakdown = id;
                show();
              },
            },
          },
          label,
        ),
      ),
    );
    figureField.hidden = breakdown === 'total';
    replace(body, breakdown === 'total' ? totalsTable(c) : breakdownTable(c, breakdown === 'campaign' ? c.byCampaign.rows : c.byDay.rows, ROWS[figure]));
  }
  show();

  const first = c.columns[0];
  const others = c.columns.length > 1 ? ' The other columns: each preset ticked, with its own rules, in the same time zone.' : ' Tick presets to see their figures beside it.';
  const presetsCard = h(
    'section',
    { class: 'card compare', id: 'compare', attrs: { 'aria-labelledby': 'compare-title' } },
    h('div', { class: 'card-head' }, h('h2', { id: 'compare-title' }, 'Compare presets')),
    boxes,
    h('p', { class: 'muted small' }, `First column: the rules panel (${first.rules.title}).${others} Differences are from the first column.`),
    h('div', { class: 'compare-controls' }, switcher, figureField),
    body,
  );
  return { node: h('div', {}, presetsCard, fidelitySection(fidelity)), rules: first.rules, period: c.period, span: null };
}

/** Every figure (rows) under each rule set (columns), with the differences from the first. */
function totalsTable(c: CompareView): HTMLElement {
  const [first, ...rest] = c.columns;
  const rows = ROWS.map((r) =>
    h(
      'tr',
      {},
      h('th', { attrs: { scope: 'row' } }, r.label),
      ...c.columns.flatMap((side) => {
        const v = r.value(side.kpis);
        const cell = h('td', { class: 'num' }, v === null ? '—' : r.show(v));
        // Differences are not coloured: whether more is better depends on the figure.
        return side === first ? [cell] : [cell, h('td', { class: 'num diff' }, difference(r, first.kpis, side.kpis))];
      }),
    ),
  );
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'data-table', id: 'compare-table' },
      h('caption', { class: 'visually-hidden' }, `Key figures under ${fmt.plural(c.columns.length, 'rule set', 'rule sets')}`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { attrs: { scope: 'col' } }, 'Figure'),
          h('th', { class: 'num', attrs: { scope: 'col', title: first.rules.title } }, columnLabel(first.rules)),
          ...rest.flatMap((side) => [
            h('th', { class: 'num', attrs: { scope: 'col', title: side.rules.title } }, columnLabel(side.rules)),
            h('th', { class: 'num', attrs: { scope: 'col', title: `${columnLabel(side.rules)} minus ${columnLabel(first.rules)}` } }, 'Difference'),
          ]),
        ),
      ),
      h('tbody', {}, ...rows),
    ),
  );
}

/** One figure of each campaign or day (rows) under each rule set, with the differences from the first. */
function breakdownTable(c: CompareView, lines: CompareLine[], row: Row): HTMLElement {
  const byCampaign = lines === c.byCampaign.rows;
  if (lines.length === 0) return h('p', { class: 'empty' }, byCampaign ? 'No campaigns in these days.' : 'No sessions in these days.');
  const columns: Column<CompareLine>[] = [
    { label: byCampaign ? 'Campaign' : 'Day', value: (l) => l.key, cell: (l) => h('span', { class: 'key' }, byCampaign ? l.key : fmt.day(l.key)) },
    ...c.columns.flatMap((side, i): Column<CompareLine>[] => {
      const value: Column<CompareLine> = {
        label: columnLabel(side.rules),
        numeric: true,
        value: (l) => row.value(l.columns[i]),
        cell: (l) => {
          const v = row.value(l.columns[i]);
          return v === null ? '—' : row.show(v);
        },
      };
      if (i === 0) return [value];
      const diff = (l: CompareLine) => {
        const [x, y] = [row.value(l.columns[0]), row.value(l.columns[i])];
        return x === null || y === null ? null : y - x;
      };
      return [value, { label: 'Difference', numeric: true, value: diff, cell: (l) => difference(row, l.columns[0], l.columns[i]) }];
    }),
  ];
  const table = byCampaign ? c.byCampaign : c.byDay;
  const more = table.totalRows > lines.length ? h('p', { class: 'muted small' }, `The ${fmt.count(lines.length)} campaigns with the most sessions of ${fmt.count(table.totalRows)}.`) : null;
  const perCampaignOnly = !byCampaign && row === ROWS[ROWS.length - 1] ? h('p', { class: 'muted small' }, 'The click-to-session ratio is counted per campaign: see it by campaign.') : null;
  return h(
    'div',
    { id: 'compare-breakdown' },
    perCampaignOnly,
    sortableTable('compare-breakdown-table', `${row.label} ${byCampaign ? 'by campaign' : 'by day'} under each rule set`, columns, lines),
    more,
  );
}
