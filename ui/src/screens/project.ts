// The project screen: its name and path with "Import files…" and "Close project", and tabs for
// its files and for the analysis views (dashboard, discrepancy, compare; see ./analysis.ts).
// The Files tab holds the project's figures and files (./project-files.ts), the import panel
// (./import-panel.ts) and the rejected rows (./rejected-rows.ts); after an import or a
// deletion all of them, and the analysis, show the project as it is now. The tabs follow the
// WAI-ARIA tabs pattern: arrow keys, Home and End move between them. The project opens on the
// tab, rules and days it was left with, and keeps them as they change.

import './project.css';

import { button, h, replace } from '../dom';
import * as fmt from '../format';
import { api, type ProjectView, type SourceFile } from '../ipc';
import type { Shell } from '../shell';
import { createAnalysis, type Analysis, type AnalysisView } from './analysis';
import { setDropTarget } from './file-drops';
import { createImportPanel } from './import-panel';
import { confirmDelete, projectData } from './project-files';
import { rejectedRows } from './rejected-rows';

export function renderProject(main: HTMLElement, shell: Shell, initial: ProjectView): void {
  let project = initial;
  /** The tab shown, and whether the project's kept view was read (nothing is kept before). */
  let tab: Tab = 'files';
  let restored = false;
  const remember = () => {
    if (!restored) return;
    const { input, range } = analysis.current();
    // A convenience, like the recent-projects list: a project that cannot keep it still works.
    api.rememberView({ rules: input, range, tab }).catch(() => undefined);
  };
  const analysis = createAnalysis(shell, remember);
  const tabs = projectTabs(analysis, (shown) => {
    tab = shown;
    if (shown === 'files') remember();
  });
  const data = projectData((file) => void deleteFileData(file));
  const rejects = rejectedRows(shell, () => project.name);
  const closeButton = button(
    'Close project',
    () =>
      void shell.busy('Closing project', async () => {
        await api.closeProject();
        shell.showStart();
      }),
    { attrs: { id: 'close-project' } },
  );
  const imports = createImportPanel({
    shell,
    timeZones: () => project.info.timeZones,
    showFiles: () => tabs.show('files'),
    onRunning: (running) => {
      closeButton.disabled = running;
    },
    imported: dataChanged,
  });

  replace(main, h('div', { class: 'project' }, projectHead(project, imports.button, closeButton), tabs.nav, tabs.filesPanel, tabs.analysisPanel));
  tabs.filesPanel.append(data.stats, imports.root, data.filesCard, rejects.root);

  /** The project's data changed: its figures, files, rejected rows and analysis follow. */
  async function dataChanged(next: ProjectView): Promise<void> {
    project = next;
    data.show(project.info);
    analysis.dataChanged();
    await rejects.reload();
  }

  /** Ask, then remove one file's data. */
  async function deleteFileData(file: SourceFile): Promise<void> {
    if (imports.running()) {
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
    await dataChanged(deleted.project);
    shell.notify(`Deleted the data of ${deleted.name}: ${fmt.kindRows(deleted.kind, deleted.rowsRemoved)} and ${fmt.plural(deleted.rejectsRemoved, 'rejected row', 'rejected rows')} removed.`);
    document.getElementById('files-title')?.focus();
  }

  setDropTarget({
    root: tabs.filesPanel,
    status: () =>
      imports.running()
        ? { accepts: false, why: 'An import is running: wait for it to finish (or cancel it), then drop the files again.' }
        : { accepts: true, label: `Drop to import into ${project.name}` },
    drop: (paths) => void imports.open(paths),
  });
  data.show(project.info);
  void rejects.reload();
  void api
    .savedViews()
    .then((saved) => {
      analysis.restore(saved);
      const last = saved.last?.tab;
      if (last && last !== tab && tab === 'files' && TAB_NAMES.some(([t]) => t === last)) tabs.show(last as Tab);
    })
    .catch((error: unknown) => shell.showError(error))
    .finally(() => (restored = true));
}

/** The project's name (with a badge for the demo), its path, and its actions. */
function projectHead(project: ProjectView, ...actions: HTMLElement[]): HTMLElement {
  return h(
    'div',
    { class: 'project-head' },
    h(
      'div',
      { class: 'project-title' },
      h('h1', {}, project.name, project.isDemo ? h('span', { class: 'badge' }, 'Demo') : null),
      h('p', { class: 'project-path' }, project.path),
    ),
    h('div', { class: 'project-actions' }, ...actions),
  );
}

type Tab = 'files' | AnalysisView;

const TAB_NAMES: [Tab, string][] = [
  ['files', 'Files'],
  ['dashboard', 'Dashboard'],
  ['discrepancy', 'Discrepancy'],
  ['compare', 'Compare'],
];

interface ProjectTabs {
  nav: HTMLElement;
  filesPanel: HTMLElement;
  /** Holds the analysis, which shows the view of the tab chosen. */
  analysisPanel: HTMLElement;
  show(tab: Tab): void;
}

/** The tab list and its two panels: the files, and the analysis shared by the other tabs; `onShow` hears of each tab shown. */
function projectTabs(analysis: Analysis, onShow: (tab: Tab) => void): ProjectTabs {
  const buttons = TAB_NAMES.map(([tab, label], index) =>
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
        on: { click: () => show(tab), keydown: (event) => moveBetweenTabs(event, index) },
      },
      label,
    ),
  );
  const nav = h('nav', { class: 'tabs', attrs: { role: 'tablist', 'aria-label': 'Project views' } }, ...buttons);
  const filesPanel = h('div', { class: 'files-panel', id: 'panel-files', attrs: { role: 'tabpanel', 'aria-labelledby': 'tab-files' } });
  const analysisPanel = h('div', { class: 'analysis-panel', id: 'panel-analysis', attrs: { role: 'tabpanel', hidden: true } }, analysis.root);

  /** Left/Right go to the previous/next tab (wrapping), Home/End to the first/last; the tab opens. */
  function moveBetweenTabs(event: KeyboardEvent, index: number): void {
    const last = buttons.length - 1;
    const to =
      event.key === 'ArrowRight' ? (index === last ? 0 : index + 1)
      : event.key === 'ArrowLeft' ? (index === 0 ? last : index - 1)
      : event.key === 'Home' ? 0
      : event.key === 'End' ? last
      : null;
    if (to === null) return;
    event.preventDefault();
    show(TAB_NAMES[to][0]);
    buttons[to].focus();
  }

  function show(tab: Tab): void {
    buttons.forEach((b, i) => {
      const selected = TAB_NAMES[i][0] === tab;
      b.setAttribute('aria-selected', selected ? 'true' : 'false');
      b.tabIndex = selected ? 0 : -1;
    });
    filesPanel.hidden = tab !== 'files';
    analysisPanel.hidden = tab === 'files';
    onShow(tab);
    if (tab !== 'files') {
      analysisPanel.setAttribute('aria-labelledby', `tab-${tab}`);
      analysis.show(tab);
    }
  }

  return { nav, filesPanel, analysisPanel, show };
}
