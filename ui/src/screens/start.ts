// The start screen: open or create a project, open the demo, or pick a recent project.

import { button, h, replace } from '../dom';
import { api, dialogs, type RecentProject } from '../ipc';
import type { Shell } from '../main';

export function renderStart(main: HTMLElement, shell: Shell): void {
  const recentList = h('div', { class: 'recent' }, h('p', { class: 'muted' }, 'Loading recent projects…'));

  const open = async (load: () => Promise<import('../ipc').ProjectView | null>, label: string) => {
    const project = await shell.busy(label, load);
    if (project) shell.showProject(project);
  };

  replace(
    main,
    h(
      'div',
      { class: 'start' },
      h(
        'section',
        { class: 'start-intro', attrs: { 'aria-labelledby': 'start-title' } },
        h('h1', { id: 'start-title' }, 'Sessions and ad clicks, side by side'),
        h(
          'p',
          { class: 'lead' },
          'SessionLens keeps your traffic exports, server logs and ad reports in one project file on this computer. Nothing is uploaded.',
        ),
        h(
          'div',
          { class: 'start-actions' },
          button(
            'Open project…',
            () =>
              void open(async () => {
                const path = await dialogs.pickProject();
                return path === null ? null : api.openProject(path);
              }, 'Opening project'),
            { class: 'button button-primary', attrs: { id: 'open-project' } },
          ),
          button(
            'New project…',
            () =>
              void open(async () => {
                const path = await dialogs.pickNewProject();
                return path === null ? null : api.openProject(path);
              }, 'Creating project'),
            { attrs: { id: 'new-project' } },
          ),
          button('Open demo project', () => void open(() => api.openDemoProject(), 'Opening the demo project'), {
            attrs: { id: 'open-demo' },
          }),
        ),
        h(
          'p',
          { class: 'muted small' },
          'The demo is a small web shop’s March: about 3,000 hits and its Google Ads campaign report.',
        ),
      ),
      h(
        'section',
        { class: 'card start-recent', attrs: { 'aria-labelledby': 'recent-title' } },
        h('h2', { id: 'recent-title' }, 'Recent projects'),
        recentList,
      ),
    ),
  );

  void api
    .recentProjects()
    .then((recent) => replace(recentList, recentItems(recent, (path) => void open(() => api.openProject(path), 'Opening project'))))
    .catch((error: unknown) => shell.showError(error));
}

function recentItems(recent: RecentProject[], openPath: (path: string) => void): HTMLElement {
  if (recent.length === 0) {
    return h('p', { class: 'muted' }, 'Projects you open will be listed here.');
  }
  return h(
    'ul',
    { class: 'recent-list' },
    ...recent.map((project) =>
      h(
        'li',
        {},
        h(
          'button',
          {
            class: 'recent-item',
            attrs: {
              type: 'button',
              disabled: !project.exists,
              'aria-label': project.exists
                ? `Open ${project.name}, ${project.path}`
                : `${project.name} was moved or deleted (${project.path})`,
            },
            on: { click: () => openPath(project.path) },
          },
          h('span', { class: 'recent-name' }, project.name),
          h('span', { class: 'recent-path' }, project.exists ? project.path : `Moved or deleted: ${project.path}`),
        ),
      ),
    ),
  );
}
