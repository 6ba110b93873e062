// The application menu's File choices (src-tauri/src/menu.rs sends each as a `menu` event): each
// presses the button the screen shows for it, so a shortcut and a click always do the same; when
// the screen has no such button, a notice says why.

import { listen } from '@tauri-apps/api/event';

import type { Shell } from './shell';

/** Menu id → the button it presses, and what to say when the screen has none. */
const CHOICES: Record<string, [string, string]> = {
  open: ['#open-project', 'Close this project first (Ctrl+W) to open another.'],
  import: ['#import-files', 'Open a project first: files are imported into a project.'],
  report: ['#save-report', 'Open the Dashboard or Discrepancy tab of a project to make its report.'],
  close: ['#close-project', 'No project is open.'],
};

export function watchMenu(shell: Shell): void {
  void listen<string>('menu', (event) => {
    const choice = CHOICES[event.payload];
    if (!choice) return;
    const [selector, otherwise] = choice;
    const button = document.querySelector<HTMLButtonElement>(selector);
    if (button && !button.disabled) button.click();
    else shell.notify(otherwise);
  });
}
