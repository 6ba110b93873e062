// The project's import panel, on its Files tab: the import wizard (./import.ts) for the files
// chosen with "Import files…" or dropped on the window, then the running import with its
// progress and Cancel, then what came of each file until dismissed. One import at a time.

import { button, h, replace } from '../dom';
import * as fmt from '../format';
import {
  api,
  dialogs,
  ErrorCode,
  type FileImportOptions,
  type FileOutcome,
  type FormatInfo,
  type ImportProgress,
  type ImportSummary,
  type ProjectView,
} from '../ipc';
import type { Shell } from '../shell';
import { createImportWizard, type ImportWizard } from './import';

export interface ImportPanelContext {
  shell: Shell;
  /** The project's time zones now: the wizard's defaults for files that state none. */
  timeZones: () => string[];
  /** Bring the Files tab forward: the panel is on it. */
  showFiles: () => void;
  /** An import started (true) or ended (false). */
  onRunning: (running: boolean) => void;
  /** An import finished: the project as it is now. */
  imported: (project: ProjectView) => Promise<void>;
}

export interface ImportPanel {
  root: HTMLElement;
  /** "Import files…": choose files, then the wizard opens. */
  button: HTMLButtonElement;
  running(): boolean;
  /** Show the wizard with `paths` (added to it when it is open already). */
  open(paths: string[]): Promise<void>;
}

export function createImportPanel(ctx: ImportPanelContext): ImportPanel {
  const { shell } = ctx;
  let importing = false;
  /** The open import wizard, if any (files chosen, not yet imported). */
  let wizard: ImportWizard | null = null;
  let formats: FormatInfo[] | null = null;
  const root = h('section', { class: 'import-panel', attrs: { 'aria-label': 'Import', hidden: true, tabindex: -1 } });
  const importButton = button('Import files…', () => void chooseFiles(), {
    class: 'button button-primary',
    attrs: { id: 'import-files' },
  });

  /** Show `content` in the panel, or hide the panel. */
  function show(content: HTMLElement | null): void {
    root.hidden = content === null;
    replace(root, content);
  }

  async function chooseFiles(): Promise<void> {
    if (importing) return;
    const paths = await shell.busy('Choosing files', () => dialogs.pickImportFiles());
    if (!paths || paths.length === 0) return;
    await open(paths);
  }

  async function open(paths: string[]): Promise<void> {
    ctx.showFiles();
    if (wizard) {
      wizard.add(paths);
      return;
    }
    formats ??= (await shell.busy('Loading the formats', () => api.supportedFormats())) ?? null;
    if (!formats || importing) return;
    wizard = createImportWizard({
      formats,
      projectTimeZones: ctx.timeZones(),
      onImport: (files) => void runImport(files),
      onClose: () => {
        wizard = null;
        show(null);
        importButton.focus();
      },
      onAddFiles: () => void chooseFiles(),
    });
    show(wizard.root);
    wizard.add(paths);
    wizard.root.querySelector('select')?.focus();
  }

  async function runImport(files: FileImportOptions[]): Promise<void> {
    if (importing) return;
    wizard = null;
    const summary = await importWithProgress(files);
    if (!summary) {
      show(null);
      return;
    }
    show(
      summaryView(summary, () => {
        show(null);
        importButton.focus();
      }),
    );
    root.focus();
    await ctx.imported(summary.project);
  }

  /** Import with the progress shown; undefined when the import failed (the error is shown). */
  async function importWithProgress(files: FileImportOptions[]): Promise<ImportSummary | undefined> {
    setRunning(true);
    const view = progressView(files.length);
    show(view.root);
    view.root.querySelector('button')?.focus();
    try {
      const summary = await api.importFiles(files, view.update);
      shell.showError(null);
      return summary;
    } catch (error) {
      shell.showError(error);
      return undefined;
    } finally {
      setRunning(false);
    }
  }

  function setRunning(running: boolean): void {
    importing = running;
    importButton.disabled = running;
    ctx.onRunning(running);
  }

  return { root, button: importButton, running: () => importing, open };
}

/** The running import: which file, a progress bar over its bytes, rows so far, Cancel. */
function progressView(fileCount: number): { root: HTMLElement; update: (p: ImportProgress) => void } {
  const label = h('p', { class: 'progress-label', id: 'import-label' }, `Preparing ${fmt.plural(fileCount, 'file', 'files')}…`);
  const bar = h('progress', { attrs: { id: 'import-progress', 'aria-labelledby': 'import-label' } });
  const detail = h('p', { class: 'progress-detail muted', id: 'import-detail' });
  const cancel = button(
    'Cancel',
    () => {
      cancel.disabled = true;
      replace(cancel, 'Cancelling…');
      void api.cancelImport();
    },
    { attrs: { id: 'cancel-import' } },
  );
  const root = h(
    'div',
    { class: 'card import-running' },
    h('h2', {}, 'Importing'),
    h('div', { class: 'progress-row' }, bar, cancel),
    label,
    detail,
  );
  const update = (p: ImportProgress) => {
    replace(label, `File ${p.fileIndex + 1} of ${p.fileCount}: `, h('strong', {}, p.fileName));
    if (p.bytesTotal > 0) {
      bar.max = p.bytesTotal;
      bar.value = Math.min(p.bytesRead, p.bytesTotal);
    }
    const percent = p.bytesTotal > 0 ? ` · ${Math.floor((100 * p.bytesRead) / p.bytesTotal)}%` : '';
    replace(detail, `${fmt.plural(p.rows, 'row', 'rows')} read · ${fmt.count(p.rejected)} rejected${percent}`);
  };
  return { root, update };
}

/** How the import ended: cancelled, or finished with some files not imported, and each file's outcome. */
function summaryView(summary: ImportSummary, dismiss: () => void): HTMLElement {
  const failed = summary.files.filter((f) => f.error && f.error.code !== ErrorCode.cancelled).length;
  const title = summary.cancelled
    ? 'Import cancelled'
    : failed > 0
      ? `Import finished: ${fmt.plural(failed, 'file', 'files')} not imported`
      : 'Import finished';
  return h(
    'div',
    { class: `card import-summary${summary.cancelled || failed ? ' has-problems' : ''}`, id: 'import-summary' },
    h(
      'div',
      { class: 'card-head' },
      h('h2', {}, title),
      button('Dismiss', dismiss, { class: 'button button-quiet', attrs: { 'aria-label': 'Dismiss import summary' } }),
    ),
    h('ul', { class: 'outcomes' }, ...summary.files.map(outcomeItem)),
  );
}

/** One file's outcome: what it brought in, or why nothing (cancelled, already imported, an error). */
function outcomeItem(outcome: FileOutcome): HTMLElement {
  const name = h('strong', { class: 'file-name' }, outcome.name);
  if (outcome.imported) {
    const f = outcome.imported;
    const rows = fmt.kindRows(f.kind, f.rowsImported);
    return h(
      'li',
      { class: 'outcome ok' },
      h('span', { class: 'outcome-mark', attrs: { 'aria-hidden': 'true' } }, '✓'),
      h(
        'span',
        {},
        name,
        ` — ${f.formatName}: ${rows} imported, ${fmt.count(f.rowsRejected)} rejected`,
        f.rowsDuplicate > 0 ? `, ${fmt.plural(f.rowsDuplicate, 'duplicate event', 'duplicate events')} dropped` : '',
      ),
    );
  }
  const error = outcome.error;
  const why =
    error?.code === ErrorCode.cancelled
      ? 'cancelled; nothing from this file was kept'
      : error?.code === ErrorCode.duplicateFile
        ? `already in this project (${error.message})`
        : `not imported: ${error?.message ?? 'unknown error'}`;
  return h(
    'li',
    { class: 'outcome problem' },
    h('span', { class: 'outcome-mark', attrs: { 'aria-hidden': 'true' } }, '!'),
    h('span', {}, name, ` — ${why}`),
  );
}
