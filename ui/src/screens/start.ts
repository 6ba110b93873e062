// The start screen: open or create a project, open the demo, or pick a recent project — or,
// for agencies, switch to the clients of a folder (./clients.ts).

import { button, h, replace } from '../dom';
import * as fmt from '../format';
import { api, dialogs, type FormatInfo, type RecentProject } from '../ipc';
import type { Shell } from '../shell';
import { createClients } from './clients';

type List = 'recent' | 'clients';

/** The list shown beside the start actions, kept while the app runs (back from a project, the same list). */
let shownList: List = 'recent';

export function renderStart(main: HTMLElement, shell: Shell): void {
  const recentList = h('div', { class: 'recent' }, h('p', { class: 'muted' }, 'Loading recent projects…'));
  const formats = h('section', { class: 'card formats', attrs: { 'aria-labelledby': 'formats-title' } });

  const open = async (load: () => Promise<import('../ipc').ProjectView | null>, label: string) => {
    const project = await shell.busy(label, load);
    if (project) shell.showProject(project);
  };
  const clients = createClients(shell, (path) => void open(() => api.openProject(path), 'Opening project'));
  const listTitle = h('h2', { id: 'recent-title' });
  const listBody = h('div', { class: 'start-list-body' });
  const switcher = h('div', { class: 'segmented', attrs: { role: 'group', 'aria-label': 'List' } });
  const listCard = h(
    'section',
    { class: 'card start-recent', attrs: { 'aria-labelledby': 'recent-title' } },
    h('div', { class: 'card-head' }, listTitle, switcher),
    listBody,
  );

  function showList(list: List): void {
    shownList = list;
    replace(listTitle, list === 'recent' ? 'Recent projects' : 'Clients');
    listCard.classList.toggle('start-clients', list === 'clients');
    replace(
      switcher,
      ...(
        [
          ['recent', 'Recent'],
          ['clients', 'Clients'],
        ] as [List, string][]
      ).map(([id, label]) =>
        h(
          'button',
          {
            class: `segment${id === list ? ' active' : ''}`,
            id: `show-${id}`,
            attrs: { type: 'button', 'aria-pressed': id === list ? 'true' : 'false' },
            on: { click: () => showList(id) },
          },
          label,
        ),
      ),
    );
    replace(listBody, list === 'recent' ? recentList : clients.root);
    if (list === 'clients') clients.show();
    // Read again each time: a client renamed keeps its place under its new name.
    else {
      void api
        .recentProjects()
        .then((recent) => replace(recentList, recentItems(recent, (path) => void open(() => api.openProject(path), 'Opening project'))))
        .catch((error: unknown) => shell.showError(error));
    }
  }

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
          'The demo is a small web shop’s November: about 10,000 hits and its Google Ads campaign report, from an account on New York time.',
        ),
      ),
      listCard,
      formats,
    ),
  );

  showList(shownList);
  void api
    .supportedFormats()
    .then((list) => replace(formats, ...formatLists(list)))
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

/** What the app reads, traffic, ads and analytics reports side by side; the list comes from the core's registry. */
function formatLists(formats: FormatInfo[]): HTMLElement[] {
  const list = ({ kind, title }: (typeof fmt.FORMAT_GROUPS)[number]) =>
    h(
      'div',
      { class: 'format-group' },
      h('h3', {}, title),
      h(
        'ul',
        {},
        ...formats.filter((f) => f.kind === kind).map((f) => h('li', { attrs: { title: f.id } }, f.description)),
      ),
    );
  return [
    h('h2', { id: 'formats-title' }, 'What you can import'),
    h(
      'div',
      { class: 'format-groups' },
      ...fmt.FORMAT_GROUPS.map(list),
    ),
    h('p', { class: 'muted small' }, 'Spreadsheets (.xlsx, .xls, .ods) and compressed files (.gz, .bz2) are read directly; the format is recognised from the content.'),
  ];
}
