// What a screen may ask of the app around it: switch screens, show an error or a notice, and
// mark itself busy. main.ts implements it; the screens only see this interface, so they do not
// depend on main.ts (which depends on them).

import type { ProjectView } from './ipc';

export interface Shell {
  showStart(): void;
  showProject(project: ProjectView): void;
  /** Show an error (or clear it with null) in the alert area under the header. */
  showError(error: unknown): void;
  /** Say that something worked (a file was saved) in the alert area, until dismissed or replaced. */
  notify(message: string): void;
  /** Run `work` with the screen marked busy; errors go to the alert area. */
  busy<T>(label: string, work: () => Promise<T>): Promise<T | undefined>;
}

/** The text to show for anything thrown (an `IpcError` is an `Error` too). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
