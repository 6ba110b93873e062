// The start screen's Clients view, for agencies that keep one project per client in a folder:
// choose the folder (it is remembered), see each client's days of data, last opening and kinds
// of files, open one, rename one, or copy one client's saved views and campaign mappings to
// another. Renaming and copying open a small form under the client's row.

import './clients.css';

import { button, h, replace } from '../dom';
import * as fmt from '../format';
import { api, dialogs, type ClientProject, type ClientsView } from '../ipc';
import type { Shell } from '../shell';

export interface Clients {
  root: HTMLElement;
  /** Show the folder remembered (read again each time). */
  show(): void;
}

/** What the form under a row does. */
type Editing = { kind: 'rename' | 'copy'; path: string } | null;

export function createClients(shell: Shell, openPath: (path: string) => void): Clients {
  const root = h('div', { class: 'clients', id: 'clients' });
  let view: ClientsView | null = null;
  let editing: Editing = null;

  async function load(folder: string | null): Promise<void> {
    const listed = await shell.busy(folder ? 'Reading the clients folder' : 'Reading the clients', () => api.listClients(folder));
    if (listed === undefined) return;
    view = listed;
    editing = null;
    render();
  }

  async function chooseFolder(): Promise<void> {
    const folder = await dialogs.pickClientsFolder();
    if (folder !== null) await load(folder);
  }

  function render(): void {
    if (!view) {
      replace(
        root,
        h('p', {}, 'Keep one project per client in a folder, and see them all here: what days each one covers, when it was last opened and what files it holds.'),
        button('Choose clients folder…', () => void chooseFolder(), { class: 'button button-primary', attrs: { id: 'choose-clients-folder' } }),
      );
      return;
    }
    const listed = view;
    replace(
      root,
      h(
        'div',
        { class: 'clients-folder' },
        h('span', { class: 'muted' }, 'Folder'),
        h('span', { class: 'clients-folder-path', id: 'clients-folder' }, listed.folder),
        button('Change folder…', () => void chooseFolder(), { class: 'button button-quiet', attrs: { id: 'change-clients-folder' } }),
      ),
      listed.clients.length === 0
        ? h('p', { class: 'empty' }, 'No projects in this folder yet. Make one with “New project…” and save it here.')
        : clientsTable(listed),
    );
  }

  function clientsTable(listed: ClientsView): HTMLElement {
    const rows = listed.clients.flatMap((client) => {
      const row = h(
        'tr',
        { attrs: { 'data-client': client.name } },
        h('th', { class: 'client-name', attrs: { scope: 'row' } }, client.name),
        ...(client.error
          ? [h('td', { class: 'warn', attrs: { colspan: 3 } }, `Cannot be read: ${client.error.message}`)]
          : [
              h('td', { class: 'nowrap' }, client.firstDay ? fmt.dayRange(client.firstDay, client.lastDay) : 'No data yet'),
              h('td', { class: 'nowrap' }, client.lastOpened ? fmt.day(client.lastOpened.slice(0, 10)) : 'Not yet'),
              h('td', {}, client.sources.length ? client.sources.join(', ') : 'No files yet'),
            ]),
        h('td', { class: 'client-actions-cell' }, h('div', { class: 'client-actions' }, ...actions(client, copyTargets(client, listed).length > 0))),
      );
      const form = editing?.path === client.path ? (editing.kind === 'rename' ? renameForm(client) : copyForm(client, listed)) : null;
      return form ? [row, h('tr', { class: 'client-form-row' }, h('td', { attrs: { colspan: 5 } }, form))] : [row];
    });
    return h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'data-table', id: 'clients-table' },
        h('caption', { class: 'visually-hidden' }, 'Clients: one project each'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Client', 'Days of data', 'Last opened', 'Kinds of files'].map((label) => h('th', { attrs: { scope: 'col' } }, label)),
            h('th', { attrs: { scope: 'col' } }, h('span', { class: 'visually-hidden' }, 'Actions')),
          ),
        ),
        h('tbody', {}, ...rows),
      ),
    );
  }

  /** The clients `client`'s rules can go to: the others that can be read. */
  function copyTargets(client: ClientProject, listed: ClientsView): ClientProject[] {
    return listed.clients.filter((c) => c.path !== client.path && c.error === null);
  }

  function actions(client: ClientProject, others: boolean): HTMLElement[] {
    const edit = (kind: 'rename' | 'copy') => () => {
      editing = { kind, path: client.path };
      render();
      document.getElementById(kind === 'rename' ? 'client-new-name' : 'client-copy-to')?.focus();
    };
    return [
      button('Open', () => openPath(client.path), { class: 'button', attrs: { 'aria-label': `Open ${client.name}`, disabled: client.error !== null } }),
      button('Rename…', edit('rename'), { class: 'button button-quiet', attrs: { 'aria-label': `Rename ${client.name}` } }),
      others && client.error === null
        ? button('Copy rules to…', edit('copy'), { class: 'button button-quiet', attrs: { 'aria-label': `Copy the rules and campaign mappings of ${client.name} to another client` } })
        : h('span'),
    ];
  }

  function cancel(client: ClientProject): HTMLElement {
    return button(
      'Cancel',
      () => {
        editing = null;
        render();
        root.querySelector<HTMLElement>(`tr[data-client="${CSS.escape(client.name)}"] .client-actions .button`)?.focus();
      },
      { class: 'button button-quiet' },
    );
  }

  function renameForm(client: ClientProject): HTMLElement {
    const input = h('input', { id: 'client-new-name', attrs: { type: 'text', value: client.name, maxlength: 120, autocomplete: 'off', spellcheck: 'false' } });
    return h(
      'form',
      {
        class: 'client-form',
        on: {
          submit: (event) => {
            event.preventDefault();
            void rename(client, input.value.trim());
          },
        },
      },
      h('label', { attrs: { for: 'client-new-name' } }, `New name for ${client.name}`),
      h('div', { class: 'client-form-row-fields' }, input, h('button', { class: 'button button-primary', attrs: { type: 'submit' } }, 'Rename'), cancel(client)),
      h('p', { class: 'muted small' }, 'The project file is renamed in the same folder. A file of that name is never overwritten.'),
    );
  }

  async function rename(client: ClientProject, name: string): Promise<void> {
    if (!name || name === client.name) {
      document.getElementById('client-new-name')?.focus();
      return;
    }
    const listed = await shell.busy(`Renaming ${client.name}`, () => api.renameClient(client.path, name));
    if (!listed) return;
    view = listed;
    editing = null;
    render();
    shell.notify(`Renamed ${client.name} to ${name}.`);
  }

  function copyForm(client: ClientProject, listed: ClientsView): HTMLElement {
    const targets = copyTargets(client, listed);
    const picker = h('select', { id: 'client-copy-to' }, ...targets.map((c) => h('option', { attrs: { value: c.path } }, c.name)));
    return h(
      'form',
      {
        class: 'client-form',
        on: {
          submit: (event) => {
            event.preventDefault();
            const target = targets.find((c) => c.path === picker.value);
            if (target) void copy(client, target);
          },
        },
      },
      h('label', { attrs: { for: 'client-copy-to' } }, `Copy the rules and campaign mappings of ${client.name} to`),
      h('div', { class: 'client-form-row-fields' }, picker, h('button', { class: 'button button-primary', attrs: { type: 'submit' } }, 'Copy'), cancel(client)),
      h(
        'p',
        { class: 'muted small' },
        `The client chosen gets ${client.name}’s saved views (its own views of the same names are replaced) and its campaign mappings (its own are kept). Its data stays as it is.`,
      ),
    );
  }

  async function copy(from: ClientProject, to: ClientProject): Promise<void> {
    const copied = await shell.busy(`Copying the rules of ${from.name} to ${to.name}`, () => api.copyClientSettings(from.path, to.path));
    if (!copied) return;
    editing = null;
    render();
    const views = fmt.plural(copied.namedViews, 'saved view', 'saved views');
    const mappings = fmt.plural(copied.mappingsAdded, 'new campaign mapping', 'new campaign mappings');
    const last = copied.lastView ? ` ${to.name} now opens on the rules and days ${from.name} was left with.` : '';
    shell.notify(`Copied ${views} and ${mappings} from ${from.name} to ${to.name}.${last}`);
  }

  return {
    root,
    show() {
      void load(null);
    },
  };
}
