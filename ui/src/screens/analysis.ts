// The analysis screens of an open project: the rules panel (views saved under a name, a preset,
// then every rule of the core's rule catalogue, each with a line saying what it does; the main
// ones unfolded), a date range, and one view at a time — dashboard, discrepancy or compare.
// It starts from the rules and days the project was left with, when it kept them. A change
// re-sessionizes on the Rust side (off the UI thread) while the current view stays on screen;
// the newest answer replaces it, older ones are dropped.

import { h, replace } from '../dom';
import { api, type DayRange, type EffectiveRules, type NamedView, type RuleChoices, type RuleInfo, type SavedViews } from '../ipc';
import { emptyInput, samePlaceAs, VIEW_ZONE, type RulesState } from '../rules';
import type { Shell } from '../shell';
import { renderCompare } from './compare';
import { renderDashboard } from './dashboard';
import { renderDiscrepancy } from './discrepancy';
import { savedViewsBox } from './saved-views';

export type AnalysisView = 'dashboard' | 'discrepancy' | 'compare';

export interface Analysis {
  root: HTMLElement;
  show(view: AnalysisView): void;
  /** The project's data changed (an import): recompute the view shown. */
  dataChanged(): void;
  /** Start from the rules and days the project kept, and offer its named views. */
  restore(saved: SavedViews): void;
  /** The rules and days shown. */
  current(): RulesState;
}

/** `onShown` is called each time a view is on screen with the rules and days asked for. */
export function createAnalysis(shell: Shell, onShown: () => void): Analysis {
  const state: RulesState = { input: emptyInput('ga4'), range: null };
  /** Views saved under a name in the project. */
  let named: NamedView[] = [];
  /** The rules came from the project (restored), not from the default preset. */
  let restored = false;
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

  /** Set one rule; a value equal to the preset's is no change. */
  function change(rule: RuleInfo, value: string): void {
    if (value === rule.presetValues[state.input.preset]) delete state.input.changes[rule.id];
    else state.input.changes[rule.id] = value;
    void refresh();
  }

  /** Start again from `preset`'s own rules, in the same view time zone. */
  function startFrom(preset: string): void {
    state.input = samePlaceAs(state.input, preset);
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
      onShown();
      prefetchPresets();
    } catch (error) {
      if (mine !== request) return;
      shell.showError(error);
      replace(status, 'The view shows the last rules that worked.');
    } finally {
      if (mine === request) root.removeAttribute('aria-busy');
    }
  }

  /** The presets are one click away: have their views computed while the user looks. */
  function prefetchPresets(): void {
    if (!choices || view === 'compare') return;
    const presets = choices.presets.map((p) => samePlaceAs(state.input, p.id));
    // Only a head start: a failure shows when the view is asked for.
    api.prefetch(presets, state.range, view).catch(() => {});
  }

  function showPanel(): void {
    if (!choices || !effective) return;
    const rules = effective;
    const preset = choices.presets.find((p) => p.id === rules.preset);
    const control = (rule: RuleInfo) => ruleControl(rule, rules.values[rule.id] ?? '', choices?.timeZones ?? [], (v) => change(rule, v));
    const more = h(
      'details',
      { class: 'more-rules', attrs: { open: moreOpen } },
      h('summary', {}, 'More rules'),
      ...choices.rules.filter((r) => !r.main).map(control),
    );
    more.addEventListener('toggle', () => (moreOpen = more.open));
    replace(
      panel,
      h('h2', {}, 'Session rules'),
      savedViewsBox(named, state, { apply: applyView, save: saveView, remove: deleteView }),
      field(
        'rule-preset',
        'Preset',
        select('rule-preset', choices.presets.map((p) => [p.id, p.title]), rules.preset, startFrom),
        preset?.explanation ?? '',
      ),
      modifiedNote(rules, choices, () => startFrom(rules.preset)),
      ...choices.rules.filter((r) => r.main).map(control),
      more,
    );
  }

  /** Show the rules and days of a named view. */
  function applyView(picked: NamedView): void {
    state.input = structuredClone(picked.view.rules);
    state.range = picked.view.range;
    void refresh();
  }

  async function saveView(name: string): Promise<void> {
    const list = await shell.busy(`Saving the view ${name}`, () => api.saveNamedView(name, { rules: state.input, range: state.range, tab: null }));
    if (!list) return;
    const replaced = named.some((v) => v.name.toLowerCase() === name.toLowerCase());
    named = list;
    showPanel();
    shell.notify(`${replaced ? 'Replaced' : 'Saved'} the view “${name}”: pick it under Saved views to come back to these rules and days.`);
    document.getElementById('saved-view')?.focus();
  }

  async function deleteView(gone: NamedView): Promise<void> {
    const list = await shell.busy(`Deleting the view ${gone.name}`, () => api.deleteNamedView(gone.name));
    if (!list) return;
    named = list;
    showPanel();
    shell.notify(`Deleted the view “${gone.name}”. The rules and days shown stay as they are.`);
    document.getElementById('saved-view-name')?.focus();
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
            if (!restored) state.input = emptyInput(loaded.defaultPreset);
            void refresh();
          });
        return;
      }
      if (choices) void refresh();
    },
    dataChanged() {
      if (started && choices) void refresh();
    },
    restore(saved) {
      named = saved.named;
      if (saved.last) {
        restored = true;
        state.input = saved.last.rules;
        state.range = saved.last.range;
      }
      if (started && choices) void refresh();
    },
    current: () => state,
  };
}

/** Which rules differ from the preset's, and a way back; nothing when none does. */
function modifiedNote(rules: EffectiveRules, choices: RuleChoices, reset: () => void): HTMLElement | string {
  if (rules.changed.length === 0) return '';
  const titles = rules.changed.map((id) => choices.rules.find((r) => r.id === id)?.title ?? id);
  return h(
    'div',
    { class: 'rules-modified', id: 'rules-modified' },
    h('p', { class: 'small' }, h('strong', {}, 'Modified: '), titles.join(', ')),
    h('button', { class: 'button button-quiet', id: 'rules-reset', attrs: { type: 'button' }, on: { click: reset } }, `Reset to ${rules.presetTitle}`),
  );
}

/** The control a rule's kind asks for: a checkbox, a list of choices, or a text field. */
function ruleControl(rule: RuleInfo, value: string, timeZones: string[], onChange: (value: string) => void): HTMLElement {
  const id = `rule-${rule.id}`;
  if (rule.control === 'switch') return checkbox(id, rule.title, value === 'on', rule.help, (on) => onChange(on ? 'on' : 'off'));
  if (rule.control === 'choice') {
    const chosen = rule.choices.find((c) => c.id === value);
    return field(id, rule.title, select(id, rule.choices.map((c) => [c.id, c.title]), value, onChange), chosen?.explanation ?? rule.help);
  }
  const zones = rule.id === VIEW_ZONE ? h('datalist', { id: 'time-zones' }, ...timeZones.map((z) => h('option', { attrs: { value: z } }))) : null;
  const input = h('input', {
    id,
    attrs: {
      type: 'text',
      value,
      placeholder: rule.hint,
      list: zones ? 'time-zones' : undefined,
      spellcheck: 'false',
      autocomplete: 'off',
      'aria-describedby': `${id}-help`,
    },
    on: { change: (e) => onChange((e.target as HTMLInputElement).value.trim()) },
  });
  return field(id, rule.title, input, `${rule.help} Write ${rule.hint}.`, ...(zones ? [zones] : []));
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
