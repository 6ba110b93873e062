// Files dropped on the window. The webview reports drags of files from the desktop (Tauri's
// drag-drop events); while files hover, an overlay says what dropping them does. The screen
// that can take them (an open project) registers itself as the drop target; without one, a
// drop says why nothing was imported.

import './file-drops.css';

import { getCurrentWebview } from '@tauri-apps/api/webview';

import { h, replace } from '../dom';
import type { Shell } from '../shell';

/** What dropping now does, or why it would not work (an import is running, say). */
type DropStatus = { accepts: true; label: string } | { accepts: false; why: string };

export interface DropTarget {
  /** Where the target lives: a target no longer in the document takes nothing. */
  root: HTMLElement;
  status(): DropStatus;
  drop(paths: string[]): void;
}

let dropTarget: DropTarget | null = null;

export function setDropTarget(target: DropTarget | null): void {
  dropTarget = target;
}

const NO_PROJECT = 'To import files, open or create a project first, then drop the files on its window.';

/** Listen for files dragged onto the window, for the life of the page. */
export function watchFileDrops(shell: Shell): void {
  const overlay = h('div', { class: 'drop-overlay', id: 'drop-overlay', attrs: { hidden: true, 'aria-hidden': 'true' } });
  document.body.append(overlay);
  const current = () => (dropTarget && dropTarget.root.isConnected ? dropTarget : null);
  getCurrentWebview()
    .onDragDropEvent(({ payload }) => {
      if (payload.type === 'enter' || payload.type === 'over') {
        if (overlay.hidden) showOverlay(overlay, statusOf(current()));
      } else if (payload.type === 'leave') {
        overlay.hidden = true;
      } else if (payload.type === 'drop') {
        overlay.hidden = true;
        const target = current();
        const status = statusOf(target);
        if (!status.accepts) shell.showError(new Error(status.why));
        else if (target && payload.paths.length > 0) target.drop(payload.paths);
      }
    })
    .catch((error: unknown) => console.warn('file drops are not available', error));
}

/** What dropping does now: the target's answer, or that no project is open to take files. */
function statusOf(target: DropTarget | null): DropStatus {
  return target ? target.status() : { accepts: false, why: NO_PROJECT };
}

function showOverlay(overlay: HTMLElement, status: DropStatus): void {
  overlay.classList.toggle('refused', !status.accepts);
  replace(
    overlay,
    h(
      'div',
      { class: 'drop-zone' },
      h('p', { class: 'drop-title' }, status.accepts ? status.label : 'Files cannot be imported here'),
      h('p', { class: 'drop-help' }, status.accepts ? 'Each file is previewed before anything is imported.' : status.why),
    ),
  );
  overlay.hidden = false;
}
