// The parts of the end-to-end runs that act on the X display rather than through WebDriver:
// answering a native GTK file dialog the way a person would (type the path, press Enter, with
// xdotool) and waiting without giving the event loop a turn.

import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Block the thread for `ms` milliseconds. */
export function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Answer the GTK file dialog titled `title` with `file`. With `screenshotDir`, the dialog is
 * saved there as file-dialog.tmp.png before Enter (kept to see why a run failed; git ignores it).
 */
export function answerFileDialog(title, file, screenshotDir) {
  const found = execFileSync('xdotool', ['search', '--sync', '--name', `^${title}$`], { timeout: 30_000 });
  const window = found.toString().trim().split('\n')[0];
  // The dialog fills its file list after it maps; typing before that is lost.
  sleep(1_000);
  execFileSync('xdotool', ['windowfocus', '--sync', window]);
  // Ctrl+L opens the location field; its first keystrokes are lost while it appears.
  execFileSync('xdotool', ['key', 'ctrl+l']);
  sleep(500);
  execFileSync('xdotool', ['key', 'ctrl+a']);
  execFileSync('xdotool', ['type', '--delay', '25', file]);
  sleep(500);
  if (screenshotDir) execFileSync('import', ['-window', 'root', path.join(screenshotDir, 'file-dialog.tmp.png')]);
  execFileSync('xdotool', ['key', 'Return']);
}
