// The project screen: tabs for its files (what the project holds, importing more with progress
// and cancel, the last import's summary, the rejected rows with an export to CSV) and for the
// analysis views (dashboard, discrepancy, compare; see ./analysis.ts).

import { button, h, replace, type Child } from '../dom';
import * as fmt from '../format';
import {
  api,
  dialogs,
  ErrorCode,
  type FileOutcome,
  type ImportProgress,
  type ImportSummary,
  type ProjectView,
  type RejectedRow,
  type SourceFile,
} from '../ipc';
import type { Shell } from '../main';
import { createAnalysis, type AnalysisView } from './analysis';

const REJECTS_PAGE = 200;
/** Raw rows longer than this are cut in the table (the export has them whole). */
const RAW_SHOWN = 300;

export function renderProject(main: HTMLElement, shell: Shell, initial: ProjectView): void {
  let project = initial;
  let importing = false;
  let rejects: RejectedRow[] = [];
  let rejectsTotal = 0;

  const stats = h('section', { class: 'stats', attrs: { 'aria-label': 'Project summary' } });
  const importPanel = h('section', { class: 'import-panel', attrs: { 'aria-label': 'Import', hidden: true } });
  const filesBody = h('div', { class: 'table-wrap' });
  const rejectsBody = h('div', { class: 'rejects-body' });
  const rejectsCount = h('span', { class: 'count-badge' });

  const importButton = button('Import files…', () => void startImport(), {
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
  const tabButtons = tabNames.map(([tab, label]) =>
    h(
      'button',
      {
        class: 'tab',
        id: `tab-${tab}`,
        attrs: { type: 'button', role: 'tab', 'aria-selected': tab === 'files' ? 'true' : 'false' },
        on: { click: () => showTab(tab) },
      },
      label,
    ),
  );
  const filesPanel = h('div', { class: 'files-panel', attrs: { role: 'tabpanel', 'aria-labelledby': 'tab-files' } });
  const analysisPanel = h('div', { class: 'analysis-panel', attrs: { role: 'tabpanel', hidden: true } });
  analysisPanel.append(analysis.root);

  function showTab(tab: Tab): void {
    tabButtons.forEach((b, i) => b.setAttribute('aria-selected', tabNames[i][0] === tab ? 'true' : 'false'));
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
        h('h2', { id: 'files-title' }, 'Files'),
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
    replace(filesBody, filesTable(info.files));
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

  async function startImport(): Promise<void> {
    if (importing) return;
    const paths = await shell.busy('Choosing files', () => dialogs.pickImportFiles());
    if (!paths || paths.length === 0) return;
    importing = true;
    importButton.disabled = true;
    closeButton.disabled = true;
    const view = progressView(paths.length);
    importPanel.hidden = false;
    replace(importPanel, view.root);
    let summary: ImportSummary | undefined;
    try {
      summary = await api.importFiles(paths, view.update);
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

  async function exportRejects(): Promise<void> {
    const path = await shell.busy('Choosing where to save', () => dialogs.pickRejectsExport(project.name));
    if (!path) return;
    const written = await shell.busy('Exporting rejected rows', () => api.exportRejects(path));
    if (written !== undefined) {
      replace(
        importPanel,
        h(
          'div',
          { class: 'notice' },
          h('p', {}, `Exported ${fmt.plural(written, 'rejected row', 'rejected rows')} to `, h('code', {}, path)),
          button('Dismiss', () => {
            importPanel.hidden = true;
            replace(importPanel);
          }, { class: 'button button-quiet' }),
        ),
      );
      importPanel.hidden = false;
    }
  }

  importPanel.setAttribute('tabindex', '-1');
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

function filesTable(files: SourceFile[]): HTMLElement {
  if (files.length === 0) {
    return h(
      'p',
      { class: 'empty' },
      'No files yet. Import analytics exports (CSV, JSON, GA4), server access logs or ad-platform reports.',
    );
  }
  return table(
    'files-table',
    'Imported files',
    ['File', 'Format', 'Kind', 'Rows imported', 'Rejected', 'Date range', 'Time zone', 'Size'],
    [false, false, false, true, true, false, false, true],
    files.map((f) => [
      h('span', { class: 'file-name', attrs: { title: f.path } }, f.name),
      f.format,
      f.kind,
      fmt.count(f.rowsImported),
      f.rowsRejected > 0 ? h('span', { class: 'warn' }, fmt.count(f.rowsRejected)) : '0',
      f.kind === 'ads' && f.firstTsMs === null ? '—' : fmt.msRange(f.firstTsMs, f.lastTsMs),
      f.timeZone ?? '—',
      fmt.bytes(f.size),
    ]),
  );
}

function rejectsTable(rows: RejectedRow[]): HTMLElement {
  return table(
    'rejects-table',
    'Rejected rows',
    ['File', 'Line', 'Reason', 'Row as read'],
    [false, true, false, false],
    rows.map((r) => [
      h('span', { class: 'nowrap' }, r.file),
      String(r.line),
      r.reason,
      h(
        'code',
        { class: 'raw' },
        r.raw.length > RAW_SHOWN ? `${r.raw.slice(0, RAW_SHOWN)}…` : r.raw,
      ),
    ]),
  );
}

function table(id: string, caption: string, headers: string[], numeric: boolean[], rows: Child[][]): HTMLElement {
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'data-table', id },
      h('caption', { class: 'visually-hidden' }, caption),
      h(
        'thead',
        {},
        h('tr', {}, ...headers.map((label, i) => h('th', { class: numeric[i] ? 'num' : '', attrs: { scope: 'col' } }, label))),
      ),
      h('tbody', {}, ...rows.map((cells) => h('tr', {}, ...cells.map((cell, i) => h('td', { class: numeric[i] ? 'num' : '' }, cell))))),
    ),
  );
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
    const rows = f.kind === 'traffic' ? fmt.plural(f.rowsImported, 'hit', 'hits') : fmt.plural(f.rowsImported, 'row', 'rows');
    return h(
      'li',
      { class: 'outcome ok' },
      h('span', { class: 'outcome-mark', attrs: { 'aria-hidden': 'true' } }, '✓'),
      h(
        'span',
        {},
        name,
        ` — ${f.description}: ${rows} imported, ${fmt.count(f.rowsRejected)} rejected`,
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
