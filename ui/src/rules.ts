// The rules a view asks for (a preset and the rules changed from it, each a value as text, as
// the core's rule catalogue writes it), and how they are named in a header line.

import type { DayRange, EffectiveRules, RulesInput } from './ipc';

/** What the rules panel changes, with the days shown: a preset and the rules changed from it. */
export interface RulesState {
  input: RulesInput;
  range: DayRange | null;
}

/** The view time zone's rule: where the data is seen, not how sessions are made, so it stays across presets. */
export const VIEW_ZONE = 'tz';

/** The rules of `preset` with nothing changed. */
export function emptyInput(preset: string): RulesInput {
  return { preset, changes: {} };
}

/** The rules' short name for a header line: the preset, and "(modified)" when a rule was changed. */
export function rulesLabel(rules: EffectiveRules): string {
  return rules.changed.length > 0 ? `${rules.presetTitle} (modified)` : rules.presetTitle;
}

/** `preset` in the same view time zone as `input`. */
export function samePlaceAs(input: RulesInput, preset: string): RulesInput {
  const zone = input.changes[VIEW_ZONE];
  return { preset, changes: zone ? { [VIEW_ZONE]: zone } : {} };
}

