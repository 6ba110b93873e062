// The analysis screens of an open project: the rules panel (preset and the main toggles, each
// with a line saying what it does), a date range, and one view at a time — dashboard,
// discrepancy or compare. A change re-sessionizes on the Rust side (off the UI thread) while
// the current view stays on screen; the newest answer replaces it, older ones are dropped.

import { h, replace } from '../dom';
import { api, type DayRange, type EffectiveRules, type RuleChoices, type RulesInput } from '../ipc';
import type { Shell } from '../main';
import { renderCompare } from './compare';
import { renderDashboard } from './dashboard';
import { renderDiscrepancy } from './discrepancy';

export type AnalysisView = 'dashboard' | 'discrepancy' | 'compare';

export interface Analysis {
  root: HTMLElement;
  show(view: AnalysisView): void;
  /** The project's data changed (an import): recompute the view shown. */
  dataChanged(): void;
}

/** What the rules panel changes; the preset's values stand where a toggle is null. */
export interface RulesState {
  input: RulesInput;
  range: DayRange | null;
}

const TOGGLE_HELP = {
  timeout: 'A pause longer than this between two hits of a visitor starts a new session.',
  timeZone: 'Days, midnight and hours are counted in this zone.',
  midnight: 'Start a new session at midnight of the view time zone.',
  campaign: 'Arriving from a different campaign or source starts a new session.',
  botFilter: 'Leave out hits from known bots and crawlers (by user agent).',
  hour: 'Start a new session at every full hour (UTC), as Umami does.',
  referrer: 'Arriving from a different traffic source starts a new session (google.com and google.ca are one: google / organic).',
  directKeeps: 'A visit typed in or bookmarked keeps the running campaign instead of starting a direct one.',
  directAdopts: 'A visit that began direct takes a campaign arriving later instead of being split (Matomo).',
  clickId: 'Every ad click id (gclid, msclkid, fbclid…) counts as a campaign of its own.',
  user: 'A different logged-in user id starts a new session.',
  interaction: 'Hits marked non-interaction neither start nor extend a session.',
  burst: 'End a visit when hits come faster than a person clicks (Adobe: over 100 hits in under 100 s).',
  maxLength: 'Cut sessions longer than this; empty is no limit.',
  maxHits: 'Cut sessions after this many hits; empty is no limit.',
  engaged: 'A session longer than this counts as engaged (GA4: 10 s).',
  exclusions: 'Referrals from these hosts count as direct (payment pages, your own domains); comma-separated.',
  keyEvents: 'Event names that count as conversions and make a session engaged; comma-separated.',
};

/** What a view gets: the rules asked for, the choices, and a way to recompute (compare's own pickers, a campaign mapped). */
export interface ViewContext {
  shell: Shell;
  state: RulesState;
  choices: RuleChoices | null;
  /** Recompute the view shown; resolves once its answer (or error) is on screen. */
  refresh: () => Promise<void>;
}

/** A view computed: its node, and the rules and days it was computed with. */
export interface Shown {
  node: HTMLElement;
  rules: EffectiveRules;
  period: DayRange | null;
  span: DayRange | null;
}

export function createAnalysis(shell: Shell): Analysis {
  const state: RulesState = { input: emptyInput('ga4'), range: null };
  let choices: RuleChoices | null = null;
  let effective: EffectiveRules | null = null;
  let view: AnalysisView = 'dashboard';
  let request = 0;
  let started = false;
  /** Whether "More rules" is unfolded, kept while the panel is redrawn. */
  let moreOpen = false;

  const panel = h('aside', { class: 'rules-panel card', attrs: { 'aria-label': 'Session rules' } });
  const status = h('p', { class: 'analysis-status muted small', id: 'analysis-status', attrs: { role: 'status' } });
  const fromInput = h('input', { id: 'range-from', attrs: { type: 'date', 'aria-label': 'First day' } });
  const toInput = h('input', { id: 'range-to', attrs: { type: 'date', 'aria-label': 'Last day' } });
  const content = h('div', { class: 'analysis-content', id: 'analysis-content' });
  const rangeBar = h(
    'div',
    { class: 'range-bar' },
    h('span', { class: 'range-label' }, 'Days'),
    fromInput,
    h('span', { attrs: { 'aria-hidden': 'true' } }, '–'),
    toInput,
    h(
      'button',
      { class: 'button button-quiet', id: 'range-all', attrs: { type: 'button' }, on: { click: () => setRange(null) } },
      'All days',
    ),
    status,
  );
  const root = h('div', { class: 'analysis' }, panel, h('div', { class: 'analysis-main' }, rangeBar, content));

  const onRange = () => {
    if (fromInput.value && toInput.value) setRange({ from: fromInput.value, to: toInput.value });
  };
  fromInput.addEventListener('change', onRange);
  toInput.addEventListener('change', onRange);

  function setRange(range: DayRange | null): void {
    state.range = range;
    void refresh();
  }

  function change(edit: (input: RulesInput) => void): void {
    edit(state.input);
    void refresh();
  }

  async function refresh(): Promise<void> {
    const mine = ++request;
    root.setAttribute('aria-busy', 'true');
    replace(status, 'Recomputing sessions…');
    const render = view === 'dashboard' ? renderDashboard : view === 'discrepancy' ? renderDiscrepancy : renderCompare;
    try {
      const shown = await render({ shell, state, choices, refresh });
      if (mine !== request) return; // A newer change is on its way; its answer replaces the view.
      effective = shown.rules;
      if (shown.span) {
        for (const input of [fromInput, toInput]) {
          input.min = shown.span.from;
          input.max = shown.span.to;
        }
      }
      fromInput.value = shown.period?.from ?? '';
      toInput.value = shown.period?.to ?? '';
      replace(content, shown.node);
      showPanel();
      shell.showError(null);
      replace(status);
    } catch (error) {
      if (mine !== request) return;
      shell.showError(error);
      replace(status, 'The view shows the last rules that worked.');
    } finally {
      if (mine === request) root.removeAttribute('aria-busy');
    }
  }

  function showPanel(): void {
    if (!choices || !effective) return;
    const rules = effective;
    const preset = choices.presets.find((p) => p.id === rules.preset);
    const identity = choices.identities.find((i) => i.id === rules.identity);
    const zones = h('datalist', { id: 'time-zones' }, ...choices.timeZones.map((z) => h('option', { attrs: { value: z } })));
    replace(
      panel,
      h('h2', {}, 'Session rules'),
      field(
        'rule-preset',
        'Preset',
        select(
          'rule-preset',
          choices.presets.map((p) => [p.id, p.title]),
          rules.preset,
          (value) => {
            // A new preset starts from its own rules; the view's time zone stays.
            const timeZone = state.input.timeZone;
            state.input = { ...emptyInput(value), timeZone };
            void refresh();
          },
        ),
        preset?.explanation ?? '',
      ),
      field(
        'rule-timeout',
        'Timeout (minutes)',
        h('input', {
          id: 'rule-timeout',
          attrs: { type: 'number', min: 1, max: 1440, step: 1, value: rules.timeoutMinutes },
          on: {
            change: (e) => {
              const minutes = Number((e.target as HTMLInputElement).value);
              if (Number.isInteger(minutes) && minutes >= 1 && minutes <= 1440) change((i) => (i.timeoutMinutes = minutes));
            },
          },
        }),
        TOGGLE_HELP.timeout,
      ),
      field(
        'rule-time-zone',
        'View time zone',
        h('input', {
          id: 'rule-time-zone',
          attrs: { type: 'text', list: 'time-zones', value: rules.timeZone, spellcheck: 'false', autocomplete: 'off' },
          on: {
            change: (e) => {
              const zone = (e.target as HTMLInputElement).value.trim();
              if (zone) change((i) => (i.timeZone = zone));
            },
          },
        }),
        TOGGLE_HELP.timeZone,
        zones,
      ),
      checkbox('rule-midnight', 'Split at midnight', rules.splitAtMidnight, TOGGLE_HELP.midnight, (on) =>
        change((i) => (i.splitAtMidnight = on)),
      ),
      checkbox('rule-campaign', 'Split on campaign change', rules.splitOnCampaignChange, TOGGLE_HELP.campaign, (on) =>
        change((i) => (i.splitOnCampaignChange = on)),
      ),
      field(
        'rule-identity',
        'Visitor identity',
        select(
          'rule-identity',
          choices.identities.map((i) => [i.id, i.title]),
          rules.identity,
          (value) => change((i) => (i.identity = value)),
        ),
        identity?.explanation ?? '',
      ),
      checkbox('rule-bots', 'Filter bots', rules.botFilter, TOGGLE_HELP.botFilter, (on) => change((i) => (i.botFilter = on))),
      moreRules(rules, choices),
    );
  }

  /** Every other rule, folded away: most people only change the preset and the main toggles. */
  function moreRules(rules: EffectiveRules, c: RuleChoices): HTMLElement {
    const bounce = c.bounces.find((b) => b.id === rules.bounce);
    const duration = c.durations.find((d) => d.id === rules.duration);
    const details = h(
      'details',
      { class: 'more-rules', attrs: { open: moreOpen } },
      h('summary', {}, 'More rules'),
      checkbox('rule-hour', 'Split every clock hour', rules.splitAtHour, TOGGLE_HELP.hour, (on) =>
        change((i) => (i.splitAtHour = on)),
      ),
      checkbox('rule-referrer', 'Split on a new referrer', rules.splitOnReferrerChange, TOGGLE_HELP.referrer, (on) =>
        change((i) => (i.splitOnReferrerChange = on)),
      ),
      checkbox('rule-direct-keeps', 'Direct visits keep the campaign', rules.directKeepsCampaign, TOGGLE_HELP.directKeeps, (on) =>
        change((i) => (i.directKeepsCampaign = on)),
      ),
      checkbox('rule-direct-adopts', 'Direct visits adopt a later campaign', rules.directAdoptsCampaign, TOGGLE_HELP.directAdopts, (on) =>
        change((i) => (i.directAdoptsCampaign = on)),
      ),
      checkbox('rule-click-id', 'Each click id is a campaign', rules.clickIdIsCampaign, TOGGLE_HELP.clickId, (on) =>
        change((i) => (i.clickIdIsCampaign = on)),
      ),
      checkbox('rule-user', 'Split on a user id change', rules.splitOnUserChange, TOGGLE_HELP.user, (on) =>
        change((i) => (i.splitOnUserChange = on)),
      ),
      checkbox('rule-interaction', 'Only interactions count', rules.interactionOnly, TOGGLE_HELP.interaction, (on) =>
        change((i) => (i.interactionOnly = on)),
      ),
      checkbox('rule-burst', 'Cut visits on a burst of hits', rules.burstCut !== null, rules.burstCut ? `${TOGGLE_HELP.burst} Now: ${rules.burstCut}.` : TOGGLE_HELP.burst, (on) =>
        change((i) => (i.burstCut = on)),
      ),
      limitField('rule-max-length', 'Longest session (minutes)', rules.maxSessionMinutes, TOGGLE_HELP.maxLength, (v) =>
        change((i) => (i.maxSessionMinutes = v)),
      ),
      limitField('rule-max-hits', 'Most hits per session', rules.maxHits, TOGGLE_HELP.maxHits, (v) => change((i) => (i.maxHits = v))),
      field(
        'rule-bounce',
        'Bounce',
        select('rule-bounce', c.bounces.map((b) => [b.id, b.title]), rules.bounce, (v) => change((i) => (i.bounce = v))),
        bounce?.explanation ?? '',
      ),
      field(
        'rule-duration',
        'Session duration',
        select('rule-duration', c.durations.map((d) => [d.id, d.title]), rules.duration, (v) => change((i) => (i.duration = v))),
        duration?.explanation ?? '',
      ),
      limitField('rule-engaged', 'Engaged after (seconds)', rules.engagedSeconds, TOGGLE_HELP.engaged, (v) =>
        change((i) => (i.engagedSeconds = v)),
      ),
      listField('rule-exclusions', 'Referrals counted as direct', rules.referralExclusions, TOGGLE_HELP.exclusions, (list) =>
        change((i) => (i.referralExclusions = list)),
      ),
      listField('rule-key-events', 'Key events', rules.keyEvents, TOGGLE_HELP.keyEvents, (list) =>
        change((i) => (i.keyEvents = list)),
      ),
    );
    details.addEventListener('toggle', () => (moreOpen = details.open));
    return details;
  }

  return {
    root,
    show(next) {
      view = next;
      if (!started) {
        started = true;
        replace(content, h('p', { class: 'empty' }, 'Sessionizing the project…'));
        void shell
          .busy('Loading rule choices', () => api.ruleChoices())
          .then((loaded) => {
            if (!loaded) return;
            choices = loaded;
            state.input = emptyInput(loaded.defaultPreset);
            void refresh();
          });
        return;
      }
      if (choices) void refresh();
    },
    dataChanged() {
      if (started && choices) void refresh();
    },
  };
}

/** The rules of `preset` with nothing changed. */
export function emptyInput(preset: string): RulesInput {
  return {
    preset,
    timeoutMinutes: null,
    timeZone: null,
    splitAtMidnight: null,
    splitOnCampaignChange: null,
    identity: null,
    botFilter: null,
    splitAtHour: null,
    splitOnReferrerChange: null,
    directKeepsCampaign: null,
    directAdoptsCampaign: null,
    clickIdIsCampaign: null,
    splitOnUserChange: null,
    interactionOnly: null,
    maxSessionMinutes: null,
    maxHits: null,
    burstCut: null,
    referralExclusions: null,
    bounce: null,
    duration: null,
    engagedSeconds: null,
    keyEvents: null,
  };
}

/** A whole number or nothing (sent as 0: no limit); anything else is ignored. */
function limitField(id: string, label: string, value: number | null, help: string, onChange: (value: number) => void): HTMLElement {
  const input = h('input', {
    id,
    attrs: { type: 'number', min: 0, step: 1, value: value ?? undefined, 'aria-describedby': `${id}-help`, placeholder: 'no limit' },
    on: {
      change: (e) => {
        const text = (e.target as HTMLInputElement).value.trim();
        const n = text === '' ? 0 : Number(text);
        if (Number.isInteger(n) && n >= 0) onChange(n);
      },
    },
  });
  return field(id, label, input, help);
}

/** A comma-separated list of names. */
function listField(id: string, label: string, values: string[], help: string, onChange: (list: string[]) => void): HTMLElement {
  const input = h('input', {
    id,
    attrs: { type: 'text', value: values.join(', '), spellcheck: 'false', autocomplete: 'off', 'aria-describedby': `${id}-help` },
    on: {
      change: (e) =>
        onChange(
          (e.target as HTMLInputElement).value
            .split(',')
            .map((v) => v.trim())
            .filter(Boolean),
        ),
    },
  });
  return field(id, label, input, help);
}

function field(id: string, label: string, control: HTMLElement, help: string, ...extra: HTMLElement[]): HTMLElement {
  return h(
    'div',
    { class: 'rule-field' },
    h('label', { attrs: { for: id } }, label),
    control,
    ...extra,
    h('p', { class: 'rule-help', id: `${id}-help` }, help),
  );
}

function checkbox(id: string, label: string, checked: boolean, help: string, onChange: (on: boolean) => void): HTMLElement {
  const box = h('input', {
    id,
    attrs: { type: 'checkbox', checked, 'aria-describedby': `${id}-help` },
    on: { change: (e) => onChange((e.target as HTMLInputElement).checked) },
  });
  return h(
    'div',
    { class: 'rule-field rule-check' },
    h('label', { attrs: { for: id } }, box, ' ', label),
    h('p', { class: 'rule-help', id: `${id}-help` }, help),
  );
}

function select(id: string, options: [string, string][], value: string, onChange: (value: string) => void): HTMLSelectElement {
  const el = h(
    'select',
    { id, attrs: { 'aria-describedby': `${id}-help` }, on: { change: (e) => onChange((e.target as HTMLSelectElement).value) } },
    ...options.map(([v, label]) => h('option', { attrs: { value: v, selected: v === value } }, label)),
  );
  el.value = value;
  return el;
}
