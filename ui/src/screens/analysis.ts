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
};

/** What a view gets: the rules asked for, the choices, and a way to recompute (compare's own pickers). */
export interface ViewContext {
  shell: Shell;
  state: RulesState;
  choices: RuleChoices | null;
  refresh: () => void;
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
      const shown = await render({ shell, state, choices, refresh: () => void refresh() });
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
    );
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

function emptyInput(preset: string): RulesInput {
  return {
    preset,
    timeoutMinutes: null,
    timeZone: null,
    splitAtMidnight: null,
    splitOnCampaignChange: null,
    identity: null,
    botFilter: null,
  };
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
