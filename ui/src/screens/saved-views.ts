// Views saved under a name, at the top of the rules panel: pick one (its rules and days apply),
// delete the one picked, or save the rules and days shown under a name ("GA4 as configured").
// The list shows the view whose rules and days are the ones shown, if any.

import './saved-views.css';

import { h } from '../dom';
import * as fmt from '../format';
import type { NamedView, RulesInput } from '../ipc';
import type { RulesState } from '../rules';

export interface SavedViewsActions {
  apply(view: NamedView): void;
  save(name: string): void;
  remove(view: NamedView): void;
}

/** The saved-views box for `views`, with `shown` the rules and days on screen. */
export function savedViewsBox(views: NamedView[], shown: RulesState, actions: SavedViewsActions): HTMLElement {
  const current = views.find((v) => sameRules(v.view.rules, shown.input) && sameDays(v.view.range, shown.range));
  const nameInput = h('input', {
    id: 'saved-view-name',
    attrs: { type: 'text', placeholder: 'e.g. UA legacy', maxlength: 80, autocomplete: 'off', 'aria-describedby': 'saved-view-name-help' },
  });
  const saveForm = h(
    'form',
    {
      class: 'saved-view-save',
      on: {
        submit: (event) => {
          event.preventDefault();
          if (nameInput.value.trim()) actions.save(nameInput.value.trim());
          else nameInput.focus();
        },
      },
    },
    h('label', { attrs: { for: 'saved-view-name' } }, 'Save these rules and days as'),
    h('div', { class: 'saved-view-row' }, nameInput, h('button', { class: 'button', id: 'saved-view-save', attrs: { type: 'submit' } }, 'Save')),
    h('p', { class: 'rule-help', id: 'saved-view-name-help' }, 'A view of the same name is replaced.'),
  );
  if (views.length === 0) {
    return h(
      'section',
      { class: 'saved-views', attrs: { 'aria-labelledby': 'saved-views-title' } },
      h('h3', { id: 'saved-views-title' }, 'Saved views'),
      h('p', { class: 'rule-help', id: 'saved-views-none' }, 'None yet. Name the rules and days shown to come back to them in one click.'),
      saveForm,
    );
  }
  const picker = h(
    'select',
    {
      id: 'saved-view',
      attrs: { 'aria-describedby': 'saved-view-help' },
      on: {
        change: (e) => {
          const picked = views.find((v) => v.name === (e.target as HTMLSelectElement).value);
          if (picked) actions.apply(picked);
        },
      },
    },
    h('option', { attrs: { value: '', selected: !current, disabled: true } }, 'Choose a saved view…'),
    ...views.map((v) => h('option', { attrs: { value: v.name, selected: v === current } }, v.name)),
  );
  picker.value = current?.name ?? '';
  const remove = h(
    'button',
    {
      class: 'button button-quiet',
      id: 'saved-view-delete',
      attrs: { type: 'button', disabled: !current, 'aria-label': current ? `Delete the view ${current.name}` : 'Delete the view chosen' },
      on: { click: () => current && actions.remove(current) },
    },
    'Delete',
  );
  return h(
    'section',
    { class: 'saved-views', attrs: { 'aria-labelledby': 'saved-views-title' } },
    h('h3', { id: 'saved-views-title' }, 'Saved views'),
    h(
      'div',
      { class: 'rule-field' },
      h('label', { class: 'visually-hidden', attrs: { for: 'saved-view' } }, 'Saved view'),
      picker,
      h(
        'div',
        { class: 'saved-view-meta' },
        h('p', { class: 'rule-help', id: 'saved-view-help' }, current ? daysLine(current) : 'Pick one to show its rules and days.'),
        remove,
      ),
    ),
    saveForm,
  );
}

function daysLine(view: NamedView): string {
  const range = view.view.range;
  const saved = fmt.day(view.savedAt.slice(0, 10));
  return range ? `Days ${fmt.dayRange(range.from, range.to)}. Saved ${saved}.` : `Every day with data. Saved ${saved}.`;
}

function sameRules(a: RulesInput, b: RulesInput): boolean {
  const entries = (r: RulesInput) => JSON.stringify(Object.entries(r.changes).sort(([x], [y]) => x.localeCompare(y)));
  return a.preset === b.preset && entries(a) === entries(b);
}

function sameDays(a: RulesState['range'], b: RulesState['range']): boolean {
  return a?.from === b?.from && a?.to === b?.to;
}
