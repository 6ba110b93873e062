// What an analysis view (dashboard, discrepancy, compare) is given and gives back; the
// analysis screen draws whichever view is chosen with these.

import type { DayRange, EffectiveRules, RuleChoices } from '../ipc';
import type { RulesState } from '../rules';
import type { Shell } from '../shell';

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
