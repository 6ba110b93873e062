// The discrepancy view, plain words first: the verdict and its causes with what to do; then
// the campaigns with flags, one campaign's verdict, causes and steps on click, the ad campaigns
// matching no utm_campaign (mapped in one click); then the analyst's detail: the waterfall from
// clicks to sessions, the daily ratio's control chart, every step with examples, and notes.

import './discrepancy.css';

import { chart } from '../chart';
import { button, h, replace } from '../dom';
import * as fmt from '../format';
import { api, type CampaignLine, type DiscrepancyView, type StepView } from '../ipc';
import { chartButtons, csvButton, reportButton } from '../saving';
import { sortableTable } from '../table';
import type { CsvTable } from '../ipc';
import { rulesLabel } from '../rules';
import type { Shown, ViewContext } from './view';
import { unmatchedCampaigns } from './campaign-mapping';
import { causesSection, verdictParagraph } from './causes';

/** The campaign drilled into, kept across recomputes (by platform and name). */
let drilled: { platform: string; campaign: string } | null = null;

export async function renderDiscrepancy(ctx: ViewContext): Promise<Shown> {
  const d = await api.discrepancy(ctx.state.input, ctx.state.range);
  return { node: discrepancyNode(d, ctx), rules: d.rules, period: d.period, span: null };
}

function ratioText(ratio: number | null): string {
  return ratio === null ? '—' : `${fmt.count(Math.round(ratio * 100))} per 100`;
}

/** "below 80–120, unusual among campaigns", or "ok". */
function flagText(c: CampaignLine, band: string, bandLow: number): string {
  const side = c.ratio !== null && c.ratio < bandLow ? 'below' : 'above';
  const flags = [c.outsideBand ? `${side} ${band}` : null, c.controlFlag ? 'unusual among campaigns' : null].filter(Boolean);
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
      c.outsideBand ? h('p', { class: 'flag bad' }, `Outside the usual ${band} sessions per 100 clicks`) : null,
      verdictParagraph(c.verdict, 'campaign-verdict'),
      causesSection(c.causes, 'campaign-causes-title'),
      h('details', { class: 'campaign-steps' }, h('summary', {}, 'Step by step, with examples'), stepsList(c.clicks, c.steps, c.sessions)),
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
          { label: 'Platform', value: (c) => c.platformName },
          { label: 'Clicks', numeric: true, value: (c) => c.clicks, cell: (c) => fmt.count(c.clicks) },
          { label: 'Sessions', numeric: true, value: (c) => c.sessions, cell: (c) => fmt.count(c.sessions) },
          { label: 'Sessions per 100 clicks', numeric: true, value: (c) => c.ratio, cell: (c) => ratioText(c.ratio) },
          {
            label: 'Flag',
            value: (c) => flagText(c, band, d.bandLow),
            cell: (c) => h('span', { class: c.outsideBand || c.controlFlag ? 'flag bad' : 'flag ok' }, flagText(c, band, d.bandLow)),
          },
        ], d.campaigns);
  const kept = drilled && d.campaigns.find((c) => c.platform === drilled?.platform && c.campaign === drilled?.campaign);
  showDetail(kept || undefined);
  return h(
    'div',
    { class: 'discrepancy', id: 'discrepancy' },
    h(
      'section',
      { class: 'card answer', attrs: { 'aria-label': 'The answer' } },
      verdictParagraph(d.verdict, 'verdict'),
      h(
        'div',
        { class: 'view-head' },
        h(
          'p',
          { class: 'lead-line muted small' },
          d.period ? `${fmt.dayRange(d.period.from, d.period.to)} · ${rulesLabel(d.rules)} · ` : '',
          `usual range ${band} sessions per 100 clicks`,
        ),
        h('div', { class: 'view-actions' }, reportButton(ctx)),
      ),
      causesSection(d.causes, 'causes-title'),
    ),
    h(
      'section',
      { class: 'card', attrs: { 'aria-labelledby': 'campaigns-title' } },
      h('div', { class: 'card-head' }, h('h2', { id: 'campaigns-title' }, 'Campaigns'), exportTable('Export CSV…', 'campaigns', 'campaigns')),
      h('p', { class: 'muted small' }, `Flagged outside ${band} sessions per 100 clicks, or far from the other campaigns. Click a campaign to see why.`),
      table,
    ),
    detail,
    d.unmatched.length ? unmatchedCampaigns(d.unmatched, ctx, exportTable('Export CSV…', 'unmatched-campaigns', 'unmatched')) : null,
    h(
      'div',
      { class: 'chart-pair' },
      h('section', { class: 'card chart-card' }, h('h2', { class: 'visually-hidden' }, 'From ad clicks to sessions'), chart(d.waterfallSvg, 'Waterfall from ad clicks to sessions'),
        h('div', { class: 'table-actions' }, chartButtons(ctx, d.waterfallSvg, 'waterfall'), exportTable('Steps CSV…', 'waterfall', 'waterfall'))),
      h('section', { class: 'card chart-card' }, h('h2', { class: 'visually-hidden' }, 'Sessions per 100 clicks, by day'), chart(d.controlSvg, 'Sessions per 100 clicks, day by day, with the usual range'),
        h('div', { class: 'table-actions' }, chartButtons(ctx, d.controlSvg, 'daily-ratio'), exportTable('Daily ratios CSV…', 'daily-ratios', 'ratios'))),
    ),
    h('section', { class: 'card', attrs: { 'aria-labelledby': 'steps-title' } }, h('h2', { id: 'steps-title' }, 'All campaigns, step by step'), stepsList(d.clicks, d.steps, d.sessions)),
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
