// The project screen: tabs for its files (what the project holds, importing more through the
// import wizard (./import.ts) with progress and cancel, the last import's summary, the rejected
// rows with an export to CSV; while it holds none, where to get them) and for the analysis
// views (dashboard, discrepancy, compare; see ./analysis.ts). The tabs follow the WAI-ARIA tabs
// pattern: arrow keys, Home and End move between them. Each file's data can be deleted from the
// project, after a confirmation.

import './project.css';

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
  type RejectedRow,
  type SourceFile,
} from '../ipc';
import { fileSourcesHelp } from '../help/file-help';
import type { Shell } from '../shell';
import { plainTable } from '../table';
import { createAnalysis, type AnalysisView } from './analysis';
import { setDropTarget } from './file-drops';
import { createImportWizard, type ImportWizard } from './import';

const REJECTS_PAGE = 200;
/** Raw rows longer than this are cut in the table (the export has them whole). */
const RAW_SHOWN = 300;

export function renderProject(main: HTMLElement, shell: Shell, initial: ProjectView): void {
  let project = initial;
  let importing = false;
  /** The open import wizard, if any (files chosen, not yet imported). */
  let wizard: ImportWizard | null = null;
  let formats: FormatInfo[] | null = null;
  let rejects: RejectedRow[] = [];
  let rejectsTotal = 0;

  const stats = h('section', { class: 'stats', attrs: { 'aria-label': 'Project summary' } });
  const importPanel = h('section', { class: 'import-panel', attrs: { 'aria-label': 'Import', hidden: true } });
  const filesBody = h('div', { class: 'table-wrap' });
  const rejectsBody = h('div', { class: 'rejects-body' });
  const rejectsCount = h('span', { class: 'count-badge' });

  const importButton = button('Import files…', () => void chooseFiles(), {
    class: 'button button-primary',
    attrs: { id: 'import-files' },
  });
  const closeButton = button(
    'Close project',
    () =>
      void shell.busy('Closing project', async () => {
        await api.closeProject();
        shell.showStart();
      }),
    { attrs: { id: 'close-project' } },
  );
  const exportButton = button('Export to CSV…', () => void exportRejects(), { attrs: { id: 'export-rejects' } });
  const analysis = createAnalysis(shell);
  type Tab = 'files' | AnalysisView;
  const tabNames: [Tab, string][] = [
    ['files', 'Files'],
    ['dashboard', 'Dashboard'],
    ['discrepancy', 'Discrepancy'],
    ['compare', 'Compare'],
  ];
  const tabButtons = tabNames.map(([tab, label], index) =>
    h(
      'button',
      {
        class: 'tab',
        id: `tab-${tab}`,
        attrs: {
          type: 'button',
          role: 'tab',
          'aria-selected': tab === 'files' ? 'true' : 'false',
          'aria-controls': tab === 'files' ? 'panel-files' : 'panel-analysis',
          tabindex: tab === 'files' ? 0 : -1,
        },
        on: { click: () => showTab(tab), keydown: (event) => moveBetweenTabs(event, index) },
      },
      label,
    ),
  );
  const filesPanel = h('div', {
    class: 'files-panel',
    id: 'panel-files',
    attrs: { role: 'tabpanel', 'aria-labelledby': 'tab-files' },
  });
  const analysisPanel = h('div', { class: 'analysis-panel', id: 'panel-analysis', attrs: { role: 'tabpanel', hidden: true } });
  analysisPanel.append(analysis.root);

  /** Left/Right go to the previous/next tab (wrapping), Home/End to the first/last; the tab opens. */
  function moveBetweenTabs(event: KeyboardEvent, index: number): void {
    const last = tabButtons.length - 1;
    const to =
      event.key === 'ArrowRight' ? (index === last ? 0 : index + 1)
      : event.key === 'ArrowLeft' ? (index === 0 ? last : index - 1)
      : event.key === 'Home' ? 0
      : event.key === 'End' ? last
      : null;
    if (to === null) return;
    event.preventDefault();
    showTab(tabNames[to][0]);
    tabButtons[to].focus();
  }

  function showTab(tab: Tab): void {
    tabButtons.forEach((b, i) => {
      const selected = tabNames[i][0] === tab;
      b.setAttribute('aria-selected', selected ? 'true' : 'false');
      b.tabIndex = selected ? 0 : -1;
    });
    filesPanel.hidden = tab !== 'files';
    analysisPanel.hidden = tab === 'files';
    if (tab !== 'files') {
      analysisPanel.setAttribute('aria-labelledby', `tab-${tab}`);
      analysis.show(tab);
    }
  }

  replace(
    main,
    h(
      'div',
      { class: 'project' },
      h(
        'div',
        { class: 'project-head' },
        h(
          'div',
          { class: 'project-title' },
          h('h1', {}, project.name, project.isDemo ? h('span', { class: 'badge' }, 'Demo') : null),
          h('p', { class: 'project-path' }, project.path),
        ),
        h('div', { class: 'project-actions' }, importButton, closeButton),
      ),
      h('nav', { class: 'tabs', attrs: { role: 'tablist', 'aria-label': 'Project views' } }, ...tabButtons),
      filesPanel,
      analysisPanel,
    ),
  );
  filesPanel.append(
      stats,
      importPanel,
      h(
        'section',
        { class: 'card', attrs: { 'aria-labelledby': 'files-title' } },
        h('h2', { id: 'files-title', attrs: { tabindex: -1 } }, 'Files'),
        filesBody,
      ),
      h(
        'section',
        { class: 'card', attrs: { 'aria-labelledby': 'rejects-title' } },
        h(
          'div',
          { class: 'card-head' },
          h('h2', { id: 'rejects-title' }, 'Rejected rows ', rejectsCount),
          exportButton,
        ),
        h(
          'p',
          { class: 'muted small' },
          'Rows an importer could not use, with the reason. They are kept out of every report.',
        ),
        rejectsBody,
      ),
  );

  function showProjectData(): void {
    const info = project.info;
    replace(
      stats,
      stat('Hits', fmt.count(info.hits)),
      stat('Ad clicks', fmt.count(info.adClicks)),
      stat('Rejected rows', fmt.count(info.rejects)),
      stat('Traffic dates (UTC)', fmt.msRange(info.firstHitMs, info.lastHitMs)),
      stat('Ad dates', fmt.dayRange(info.firstAdDate, info.lastAdDate)),
      stat('Time zones', info.timeZones.length ? info.timeZones.join(', ') : '—'),
    );
    replace(filesBody, filesTable(info.files, (file) => void deleteFileData(file)));
  }

  async function loadRejects(offset: number): Promise<void> {
    const page = await api.listRejects(offset, REJECTS_PAGE);
    rejects = offset === 0 ? page.rows : rejects.concat(page.rows);
    rejectsTotal = page.total;
    showRejects();
  }

  function showRejects(): void {
    replace(rejectsCount, fmt.count(rejectsTotal));
    exportButton.disabled = rejectsTotal === 0;
    if (rejectsTotal === 0) {
      replace(rejectsBody, h('p', { class: 'empty' }, 'No rejected rows: every row imported so far was usable.'));
      return;
    }
    const more =
      rejects.length < rejectsTotal
        ? button(
            `Show more (${fmt.count(rejects.length)} of ${fmt.count(rejectsTotal)} shown)`,
            () => void shell.busy('Loading rejected rows', () => loadRejects(rejects.length)),
            { class: 'button button-quiet', attrs: { id: 'more-rejects' } },
          )
        : null;
    replace(rejectsBody, rejectsTable(rejects), more);
  }

  async function chooseFiles(): Promise<void> {
    if (importing) return;
    const paths = await shell.busy('Choosing files', () => dialogs.pickImportFiles());
    if (!paths || paths.length === 0) return;
    await openWizard(paths);
  }

  /** Show the import wizard with `paths` (added to it when it is open already). */
  async function openWizard(paths: string[]): Promise<void> {
    showTab('files');
    if (wizard) {
      wizard.add(paths);
      return;
    }
    formats ??= (await shell.busy('Loading the formats', () => api.supportedFormats())) ?? null;
    if (!formats || importing) return;
    wizard = createImportWizard({
      formats,
      projectTimeZones: project.info.timeZones,
      onImport: (files) => void runImport(files),
      onClose: closeWizard,
      onAddFiles: () => void chooseFiles(),
    });
    importPanel.hidden = false;
    replace(importPanel, wizard.root);
    wizard.add(paths);
    wizard.root.querySelector('select')?.focus();
  }

  function closeWizard(): void {
    wizard = null;
    importPanel.hidden = true;
    replace(importPanel);
    importButton.focus();
  }

  async function runImport(files: FileImportOptions[]): Promise<void> {
    if (importing) return;
    wizard = null;
    importing = true;
    importButton.disabled = true;
    closeButton.disabled = true;
    const view = progressView(files.length);
    importPanel.hidden = false;
    replace(importPanel, view.root);
    view.root.querySelector('button')?.focus();
    let summary: ImportSummary | undefined;
    try {
      summary = await api.importFiles(files, view.update);
      shell.showError(null);
    } catch (error) {
      shell.showError(error);
    } finally {
      importing = false;
      importButton.disabled = false;
      closeButton.disabled = false;
    }
    if (!summary) {
      importPanel.hidden = true;
      replace(importPanel);
      return;
    }
    project = summary.project;
    showProjectData();
    analysis.dataChanged();
    replace(importPanel, summaryView(summary, () => {
      importPanel.hidden = true;
      replace(importPanel);
      importButton.focus();
    }));
    importPanel.focus();
    await shell.busy('Loading rejected rows', () => loadRejects(0));
  }

  /** Ask, then remove one file's data; the stats, files, rejects and analysis follow. */
  async function deleteFileData(file: SourceFile): Promise<void> {
    if (importing) {
      shell.showError(new Error('An import is running: wait for it to finish (or cancel it) before deleting data.'));
      return;
    }
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!(await confirmDelete(file))) {
      opener?.focus();
      return;
    }
    const deleted = await shell.busy(`Deleting the data of ${file.name}`, () => api.deleteFile(file.id));
    if (!deleted) {
      opener?.focus();
      return;
    }
    project = deleted.project;
    showProjectData();
    analysis.dataChanged();
    await shell.busy('Loading rejected rows', () => loadRejects(0));
    shell.notify(`Deleted the data of ${deleted.name}: ${fmt.kindRows(deleted.kind, deleted.rowsRemoved)} and ${fmt.plural(deleted.rejectsRemoved, 'rejected row', 'rejected rows')} removed.`);
    document.getElementById('files-title')?.focus();
  }

  async function exportRejects(): Promise<void> {
    const path = await shell.busy('Choosing where to save', () => dialogs.pickRejectsExport(project.name));
    if (!path) return;
    const written = await shell.busy('Exporting rejected rows', () => api.exportRejects(path));
    if (written !== undefined) shell.notify(`Exported ${fmt.plural(written, 'rejected row', 'rejected rows')} to ${path}`);
  }

  importPanel.setAttribute('tabindex', '-1');
  setDropTarget({
    root: filesPanel,
    status: () =>
      importing
        ? { accepts: false, why: 'An import is running: wait for it to finish (or cancel it), then drop the files again.' }
        : { accepts: true, label: `Drop to import into ${project.name}` },
    drop: (paths) => void openWizard(paths),
  });
  showProjectData();
  void shell.busy('Loading rejected rows', () => loadRejects(0));
}

function stat(label: string, value: string): HTMLElement {
  // A date range may wrap after its dash, never inside a date.
  const parts = value.split(/(?<= –) /);
  return h(
    'div',
    { class: 'stat' },
    h('div', { class: 'stat-label' }, label),
    h('div', { class: 'stat-value' }, ...parts.flatMap((part, i) => [i > 0 ? ' ' : null, h('span', { class: 'nowrap' }, part)])),
  );
}

function filesTable(files: SourceFile[], onDelete: (file: SourceFile) => void): HTMLElement {
  if (files.length === 0) {
    return h(
      'div',
      {},
      h('p', { class: 'empty' }, 'No files yet. Import analytics exports (CSV, JSON, GA4), server access logs, ad-platform reports or analytics report downloads.'),
      fileSourcesHelp(),
    );
  }
  return plainTable({
    id: 'files-table',
    caption: 'Imported files',
    headers: ['File', 'Format', 'Kind', 'Rows imported', 'Rejected', 'Date range', 'Time zone', 'Size', 'Actions'],
    numeric: [false, false, false, true, true, false, false, true, false],
    rows: files.map((f) => [
      h('span', { class: 'file-name', attrs: { title: f.path } }, f.name),
      f.formatName,
      fmt.kindName(f.kind),
      fmt.kindRows(f.kind, f.rowsImported),
      f.rowsRejected > 0 ? h('span', { class: 'warn' }, fmt.count(f.rowsRejected)) : '0',
      f.firstTsMs === null ? fmt.dayRange(f.firstDate, f.lastDate) : fmt.msRange(f.firstTsMs, f.lastTsMs),
      f.timeZone ?? '—',
      fmt.bytes(f.size),
      button('Delete data…', () => onDelete(f), {
        class: 'button button-quiet button-danger',
        attrs: { 'aria-label': `Delete the data of ${f.name}…` },
      }),
    ]),
  });
}

/** A modal question before a file's data is deleted; resolves to true only for "Delete data". */
function confirmDelete(file: SourceFile): Promise<boolean> {
  const rows = fmt.kindRows(file.kind, file.rowsImported);
  const sessions = file.kind === 'traffic' ? ', and the sessions computed from them' : '';
  const keep = button('Keep it', () => dialog.close('keep'), { attrs: { id: 'keep-file-data', autofocus: true } });
  const remove = button('Delete data', () => dialog.close('delete'), {
    class: 'button button-danger-solid',
    attrs: { id: 'confirm-delete-file' },
  });
  const dialog = h(
    'dialog',
    { class: 'confirm-dialog', attrs: { 'aria-labelledby': 'delete-title', 'aria-describedby': 'delete-what' } },
    h('h2', { id: 'delete-title' }, `Delete the data of ${file.name}?`),
    h(
      'p',
      { id: 'delete-what' },
      `This removes its ${rows} and ${fmt.plural(file.rowsRejected, 'rejected row', 'rejected rows')} from the project${sessions}. `,
      h('strong', {}, 'This cannot be undone.'),
      ' The file on disk is not touched: you can import it again later.',
    ),
    h('div', { class: 'dialog-actions' }, keep, remove),
  );
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'delete');
      dialog.remove();
    });
    dialog.showModal();
    keep.focus();
  });
}

function rejectsTable(rows: RejectedRow[]): HTMLElement {
  return plainTable({
    id: 'rejects-table',
    caption: 'Rejected rows',
    headers: ['File', 'Line', 'Reason', 'Row as read'],
    numeric: [false, true, false, false],
    rows: rows.map((r) => [h('span', { class: 'nowrap' }, r.file), String(r.line), r.reason, h('code', { class: 'raw' }, fmt.cut(r.raw, RAW_SHOWN))]),
  });
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
