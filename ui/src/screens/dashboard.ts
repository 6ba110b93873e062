// The dashboard: KPI tiles with the change from the previous period, sessions and ad clicks
// per day, and breakdown tables (channel, source / medium, campaign, landing page, device)
// sorted by clicking their headers.

import { chart } from '../chart';
import { h, replace } from '../dom';
import * as fmt from '../format';
import { api, type BreakdownTable, type DashboardView, type KpiChanges, type Kpis } from '../ipc';
import { chartButtons, csvButton, reportButton } from '../saving';
import { sortableTable } from '../table';
import { rulesLabel } from '../rules';
import type { Shown, ViewContext } from './view';

type Line = BreakdownTable['rows'][number];

/** One tile: label, how to show the value, how to show its change, and a hint. */
interface Tile {
  id: string;
  label: string;
  value: (k: Kpis) => string;
  change: (c: KpiChanges) => string | null;
  hint?: string;
}

const TILES: Tile[] = [
  { id: 'sessions', label: 'All sessions', value: (k) => fmt.count(k.sessions), change: (c) => rel(c.sessions) },
  { id: 'users', label: 'Users', value: (k) => fmt.count(k.users), change: (c) => rel(c.users) },
  { id: 'pageviews', label: 'Pageviews', value: (k) => fmt.count(k.pageviews), change: (c) => rel(c.pageviews) },
  {
    id: 'bounce-rate',
    label: 'Bounce rate',
    value: (k) => fmt.percent(k.bounceRate),
    change: (c) => pts(c.bounceRatePoints),
  },
  {
    id: 'avg-duration',
    label: 'Average duration',
    value: (k) => fmt.duration(k.avgDurationS),
    change: (c) => rel(c.avgDurationS),
  },
  {
    id: 'engagement-rate',
    label: 'Engagement rate',
    value: (k) => fmt.percent(k.engagementRate),
    change: (c) => pts(c.engagementRatePoints),
  },
  {
    id: 'clicks',
    label: 'Ad clicks',
    value: (k) => (k.clicks === null ? '—' : fmt.count(k.clicks)),
    change: (c) => rel(c.clicks),
  },
  {
    id: 'click-to-session',
    label: 'Sessions per 100 ad clicks',
    value: (k) => fmt.per100(k.clickToSession),
    change: (c) => (c.clickToSessionPoints === null ? null : fmt.per100Change(c.clickToSessionPoints)),
    hint: 'Sessions matched to ad clicks per 100 clicks, as the discrepancy report counts them',
  },
];

function rel(x: number | null): string | null {
  return x === null ? null : fmt.change(x);
}

function pts(x: number | null): string | null {
  return x === null ? null : fmt.points(x);
}

/** The breakdown shown; kept while the rules change so the table stays where the user was. */
let shownDimension = 'channel';

export async function renderDashboard(ctx: ViewContext): Promise<Shown> {
  const d = await api.dashboard(ctx.state.input, ctx.state.range);
  return { node: dashboardNode(d, ctx), rules: d.rules, period: d.period, span: d.dataSpan };
}

function dashboardNode(d: DashboardView, ctx: ViewContext): HTMLElement {
  // The days before are offered for comparison only where they hold sessions or clicks.
  const hasPrevious = d.previous !== null && (d.previous.sessions > 0 || (d.previous.clicks ?? 0) > 0);
  const compared = hasPrevious && d.previousPeriod ? fmt.dayRange(d.previousPeriod.from, d.previousPeriod.to) : null;
  const tiles = h(
    'section',
    { class: 'kpis', attrs: { 'aria-label': 'Key figures' } },
    ...TILES.map((t) => {
      const change = d.change ? t.change(d.change) : null;
      return h(
        'div',
        { class: 'kpi', id: `kpi-${t.id}`, attrs: t.hint ? { title: t.hint } : {} },
        h('div', { class: 'kpi-label' }, t.label),
        h('div', { class: 'kpi-value' }, t.value(d.kpis)),
        h(
          'div',
          // Not coloured: a higher bounce rate is worse, more sessions better; the sign says which way.
          { class: 'kpi-change' },
          change !== null ? `${change} vs previous` : hasPrevious ? 'no change figure' : 'no previous data',
        ),
      );
    }),
  );
  const breakdownBody = h('div', { class: 'breakdown-body' });
  const tabs = h('div', { class: 'segmented', attrs: { role: 'group', 'aria-label': 'Break down by' } });
  const showBreakdown = () => {
    const table = d.breakdowns.find((b) => b.dimension === shownDimension) ?? d.breakdowns[0];
    if (!table) return;
    replace(
      tabs,
      ...d.breakdowns.map((b) =>
        h(
          'button',
          {
            class: `segment${b === table ? ' active' : ''}`,
            attrs: { type: 'button', 'aria-pressed': b === table ? 'true' : 'false', 'data-dimension': b.dimension },
            on: {
              click: () => {
                shownDimension = b.dimension;
                showBreakdown();
              },
            },
          },
          b.title,
        ),
      ),
    );
    const exportTable = csvButton(ctx, 'Export CSV…', table.dimension.replace(/_/g, '-'), {
      kind: 'metrics',
      dimension: table.dimension,
    }, 'export-breakdown');
    replace(breakdownBody, h('div', { class: 'table-actions' }, exportTable), breakdownTable(table));
  };
  showBreakdown();
  return h(
    'div',
    { class: 'dashboard', id: 'dashboard' },
    h(
      'div',
      { class: 'view-head' },
      h(
        'p',
        { class: 'muted small period-line' },
        d.period ? fmt.dayRange(d.period.from, d.period.to) : 'No sessions',
        ` · ${rulesLabel(d.rules)} · ${d.rules.values.tz}`,
        compared ? ` · changes against ${compared}` : '',
      ),
      h(
        'div',
        { class: 'view-actions' },
        csvButton(ctx, 'Sessions CSV…', 'sessions', { kind: 'sessions' }, 'export-sessions'),
        reportButton(ctx),
      ),
    ),
    tiles,
    h('section', { class: 'card chart-card', attrs: { 'aria-labelledby': 'over-time-title' } },
      // The chart draws its own title; the heading names the section for screen readers.
      h('h2', { id: 'over-time-title', class: 'visually-hidden' }, 'Sessions and ad clicks per day'),
      chart(d.overTimeSvg, 'Sessions and ad clicks per day'),
      chartButtons(ctx, d.overTimeSvg, 'sessions-per-day'),
    ),
    h(
      'section',
      { class: 'card', attrs: { 'aria-labelledby': 'breakdown-title' } },
      h('div', { class: 'card-head' }, h('h2', { id: 'breakdown-title' }, 'Breakdown'), tabs),
      breakdownBody,
    ),
    d.notes.length ? h('ul', { class: 'notes muted small' }, ...d.notes.map((n) => h('li', {}, n))) : null,
  );
}

function breakdownTable(b: BreakdownTable): HTMLElement {
  const more =
    b.totalRows > b.rows.length
      ? h('p', { class: 'muted small' }, `The ${fmt.count(b.rows.length)} largest of ${fmt.count(b.totalRows)} rows by sessions.`)
      : null;
  const table = sortableTable<Line>(`breakdown-${b.dimension}`, `Sessions by ${b.title}`, [
    { label: b.title, value: (r) => r.key, cell: (r) => h('span', { class: 'key' }, r.key) },
    { label: 'Sessions', numeric: true, value: (r) => r.sessions, cell: (r) => fmt.count(r.sessions) },
    { label: 'Users', numeric: true, value: (r) => r.users, cell: (r) => fmt.count(r.users) },
    { label: 'Pageviews', numeric: true, value: (r) => r.pageviews, cell: (r) => fmt.count(r.pageviews) },
    { label: 'Bounce rate', numeric: true, value: (r) => r.bounceRate, cell: (r) => fmt.percent(r.bounceRate) },
    { label: 'Engaged', numeric: true, value: (r) => r.engagementRate, cell: (r) => fmt.percent(r.engagementRate) },
    { label: 'Avg duration', numeric: true, value: (r) => r.avgDurationS, cell: (r) => fmt.duration(r.avgDurationS) },
    { label: 'Ad clicks', numeric: true, value: (r) => r.clicks, cell: (r) => (r.clicks === null ? '—' : fmt.count(r.clicks)) },
  ], b.rows);
  return h('div', {}, table, more);
}
