// Ad campaigns whose names match no utm_campaign, each with a one-click mapping to the closest
// utm_campaign (or to one typed in). A mapping is stored in the project; the view then
// recomputes, so the campaign's clicks meet their sessions.

import { button, h } from '../dom';
import * as fmt from '../format';
import { api, type UnmatchedLine } from '../ipc';
import type { ViewContext } from './view';

export function unmatchedCampaigns(unmatched: UnmatchedLine[], ctx: ViewContext, exportButton: HTMLElement): HTMLElement {
  return h(
    'section',
    { class: 'card', attrs: { 'aria-labelledby': 'unmatched-title' } },
    h('div', { class: 'card-head' }, h('h2', { id: 'unmatched-title' }, 'Ad campaigns matching no utm_campaign'), exportButton),
    h('p', { class: 'muted small' }, 'Their clicks meet no sessions until you say which utm_campaign their links carry.'),
    h('ul', { class: 'unmatched-list' }, ...unmatched.map((u, i) => unmatchedItem(u, `unmatched-${i}`, ctx))),
  );
}

function unmatchedItem(u: UnmatchedLine, id: string, ctx: ViewContext): HTMLElement {
  const map = async (utmCampaign: string) => {
    const utm = utmCampaign.trim();
    if (!utm) {
      other.focus();
      return;
    }
    const mapped = await ctx.shell.busy(`Mapping ${u.campaign} to ${utm}`, () =>
      api.mapCampaign(u.platform, u.campaign, utm).then(() => true),
    );
    if (!mapped) return;
    await ctx.refresh();
    ctx.shell.notify(`Mapped ${u.campaign} (${u.platformName}) to utm_campaign '${utm}'.`);
  };
  const other = h('input', {
    id: `${id}-other`,
    class: 'map-input',
    attrs: { type: 'text', placeholder: 'another utm_campaign', spellcheck: 'false' },
    on: { keydown: (e) => e.key === 'Enter' && void map(other.value) },
  });
  return h(
    'li',
    { class: 'unmatched' },
    h(
      'p',
      { class: 'unmatched-what' },
      h('span', { class: 'key' }, u.campaign),
      ` (${u.platformName}): ${fmt.plural(u.clicks, 'click', 'clicks')}`,
      u.suggestion ? ` — closest utm_campaign “${u.suggestion}”` : ' — no utm_campaign is close',
    ),
    h(
      'div',
      { class: 'map-actions' },
      u.suggestion
        ? button(`Map to '${u.suggestion}'`, () => void map(u.suggestion ?? ''), { class: 'button button-primary map-suggested' })
        : null,
      h('label', { class: 'visually-hidden', attrs: { for: other.id } }, `utm_campaign for ${u.campaign}`),
      other,
      button('Map', () => void map(other.value), {
        class: 'button',
        attrs: { 'aria-label': `Map ${u.campaign} to the utm_campaign typed` },
      }),
    ),
  );
}
