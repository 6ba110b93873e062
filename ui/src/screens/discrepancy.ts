// The discrepancy view: ad clicks against sessions per campaign with flags, the waterfall
// from clicks to sessions, the daily ratio's control chart, and a campaign's steps with
// their explanations and example cases in plain words.

import { chart } from '../chart';
import { button, h, replace } from '../dom';
import * as fmt from '../format';
import { api, type CampaignLine, type DiscrepancyView, type StepView } from '../ipc';
import { chartButtons, csvButton, reportButton } from '../saving';
import { sortableTable } from '../table';
import type { CsvTable } from '../ipc';
import type { Shown, ViewContext } from './analysis';

/** The campaign drilled into, kept across recomputes (by platform and name). */
let drilled: { platform: string; campaign: string } | null = null;

export async function renderDiscrepancy(ctx: ViewContext): Promise<Shown> {
  const d = await api.discrepancy(ctx.state.input, ctx.state.range);
  return { node: discrepancyNode(d, ctx), rules: d.rules, period: d.period, span: null };
}

function ratioText(ratio: number | null): string {
  return ratio === null ? '—' : `${fmt.count(Math.round(ratio * 100))} per 100`;
}

function flagText(c: CampaignLine): string {
  const flags = [c.outsideBand ? 'outside band' : null, c.controlFlag ? 'outside 3σ' : null].filter(Boolean);
  return flags.length ? flags.join(', ') : 'ok';
}

function discrepancyNode(d: DiscrepancyView, ctx: ViewContext): HTMLElement {
  const exportTable = (label: string, what: string, table: string) => {
    const csv: CsvTable = { kind: 'discrepancy', table };
    return csvButton(ctx, label, what, csv, `export-${table}`);
  };
  const band = `${Math.round(d.bandLow * 100)}–${Math.round(d.bandHigh * 100)}`;
  const detail = h('section', { class: 'card drill', id: 'campaign-detail', attrs: { 'aria-live': 'polite', tabindex: -1 } });
  const showDetail = (c: CampaignLine | undefined) => {
    if (!c) {
      detail.hidden = true;
      replace(detail);
      return;
    }
    detail.hidden = false;
    replace(
      detail,
      h(
        'div',
        { class: 'card-head' },
        h('h2', {}, 'Why ', h('span', { class: 'key' }, c.campaign), ' has ', fmt.count(c.sessions), ' sessions from ', fmt.count(c.clicks), ' clicks'),
        button('Close', () => {
          drilled = null;
          showDetail(undefined);
        }, { class: 'button button-quiet' }),
      ),
      stepsList(c.clicks, c.steps, c.sessions),
    );
  };
  const campaignButton = (c: CampaignLine) =>
    h(
      'button',
      {
        class: 'link-button key',
        attrs: { type: 'button', title: `Explain ${c.campaign}` },
        on: {
          click: () => {
            drilled = { platform: c.platform, campaign: c.campaign };
            showDetail(c);
            detail.focus();
          },
        },
      },
      c.campaign,
    );
  const table =
    d.campaigns.length === 0
      ? h('p', { class: 'empty' }, 'No ad campaigns in this period. Import an ad-platform export to compare clicks with sessions.')
      : sortableTable<CampaignLine>('discrepancy-table', 'Clicks and sessions per campaign', [
          { label: 'Campaign', value: (c) => c.campaign, cell: campaignButton },
          { label: 'Platform', value: (c) => c.platform },
          { label: 'Clicks', numeric: true, value: (c) => c.clicks, cell: (c) => fmt.count(c.clicks) },
          { label: 'Sessions', numeric: true, value: (c) => c.sessions, cell: (c) => fmt.count(c.sessions) },
          { label: 'Sessions per 100 clicks', numeric: true, value: (c) => c.ratio, cell: (c) => ratioText(c.ratio) },
          {
            label: 'Flag',
            value: (c) => flagText(c),
            cell: (c) => h('span', { class: c.outsideBand || c.controlFlag ? 'flag bad' : 'flag ok' }, flagText(c)),
          },
        ], d.campaigns);
  const kept = drilled && d.campaigns.find((c) => c.platform === drilled?.platform && c.campaign === drilled?.campaign);
  showDetail(kept || undefined);
  return h(
    'div',
    { class: 'discrepancy', id: 'discrepancy' },
    h(
      'div',
      { class: 'view-head' },
      h(
      'p',
      { class: 'lead-line' },
      h('strong', {}, fmt.plural(d.clicks, 'ad click', 'ad clicks')),
      ' became ',
      h('strong', {}, fmt.plural(d.sessions, 'session', 'sessions')),
      d.clicks > 0 ? ` (${ratioText(d.sessions / d.clicks)}; expected ${band} per 100)` : '',
      d.period ? ` · ${d.period.from} – ${d.period.to} · ${d.rules.presetTitle}` : '',
      ),
      h('div', { class: 'view-actions' }, reportButton(ctx)),
    ),
    h(
      'div',
      { class: 'chart-pair' },
      h('section', { class: 'card chart-card' }, h('h2', { class: 'visually-hidden' }, 'From ad clicks to sessions'), chart(d.waterfallSvg, 'Waterfall from ad clicks to sessions'),
        h('div', { class: 'table-actions' }, chartButtons(ctx, d.waterfallSvg, 'waterfall'), exportTable('Steps CSV…', 'waterfall', 'waterfall'))),
      h('section', { class: 'card chart-card' }, h('h2', { class: 'visually-hidden' }, 'Sessions per 100 clicks, by day'), chart(d.controlSvg, 'Control chart of the daily ratio'),
        h('div', { class: 'table-actions' }, chartButtons(ctx, d.controlSvg, 'daily-ratio'), exportTable('Daily ratios CSV…', 'daily-ratios', 'ratios'))),
    ),
    h(
      'section',
      { class: 'card', attrs: { 'aria-labelledby': 'campaigns-title' } },
      h('div', { class: 'card-head' }, h('h2', { id: 'campaigns-title' }, 'Campaigns'), exportTable('Export CSV…', 'campaigns', 'campaigns')),
      h('p', { class: 'muted small' }, `Flagged outside ${band} sessions per 100 clicks, or outside ±3σ of all campaigns. Click a campaign to see why.`),
      table,
    ),
    detail,
    h('section', { class: 'card', attrs: { 'aria-labelledby': 'steps-title' } }, h('h2', { id: 'steps-title' }, 'All campaigns, step by step'), stepsList(d.clicks, d.steps, d.sessions)),
    d.unmatched.length
      ? h(
          'section',
          { class: 'card' },
          h('div', { class: 'card-head' }, h('h2', {}, 'Ad campaigns matching no utm_campaign'), exportTable('Export CSV…', 'unmatched-campaigns', 'unmatched')),
          h(
            'ul',
            { class: 'plain-list' },
            ...d.unmatched.map((u) =>
              h('li', {}, h('span', { class: 'key' }, u.campaign), ` (${u.platform}): ${fmt.plural(u.clicks, 'click', 'clicks')}`, u.suggestion ? ` — perhaps “${u.suggestion}”?` : ''),
            ),
          ),
        )
      : null,
    d.notes.length ? h('ul', { class: 'notes muted small' }, ...d.notes.map((n) => h('li', {}, n))) : null,
  );
}

function stepsList(clicks: number, steps: StepView[], sessions: number): HTMLElement {
  return h(
    'ol',
    { class: 'steps' },
    h('li', { class: 'step total' }, h('span', { class: 'step-count' }, fmt.count(clicks)), h('span', { class: 'step-label' }, 'Ad clicks')),
    ...steps.map((s) =>
      h(
        'li',
        { class: 'step' },
        h('span', { class: 'step-count' }, fmt.signedCount(s.count)),
        h(
          'div',
          { class: 'step-body' },
          h('span', { class: 'step-label' }, s.label, s.separable || s.label.includes('daily totals') ? '' : ' (not separable with daily totals)'),
          h('p', { class: 'step-explanation' }, s.explanation),
          s.examples.length
            ? h(
                'ul',
                { class: 'examples' },
                ...s.examples.map((e) =>
                  h(
                    'li',
                    {},
                    h('details', {}, h('summary', {}, e.summary), h('ul', { class: 'timeline' }, ...e.timeline.map((t) => h('li', {}, h('code', {}, t.localTime), ` ${t.text}`)))),
                  ),
                ),
              )
            : null,
        ),
      ),
    ),
    h('li', { class: 'step total' }, h('span', { class: 'step-count' }, fmt.count(sessions)), h('span', { class: 'step-label' }, 'Sessions')),
  );
}
