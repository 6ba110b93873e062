// The rejected rows card: the rows importers could not use, with the reason, a page at a time
// ("Show more"), and an export of all of them to CSV.

import { button, h, replace } from '../dom';
import * as fmt from '../format';
import { api, dialogs, type RejectedRow } from '../ipc';
import type { Shell } from '../shell';
import { plainTable } from '../table';

const REJECTS_PAGE = 200;
/** Raw rows longer than this are cut in the table (the export has them whole). */
const RAW_SHOWN = 300;

export interface RejectedRows {
  root: HTMLElement;
  /** Load the first page again (the project's data changed). */
  reload(): Promise<void>;
}

export function rejectedRows(shell: Shell, projectName: () => string): RejectedRows {
  let rows: RejectedRow[] = [];
  let total = 0;
  const count = h('span', { class: 'count-badge' });
  const body = h('div', { class: 'rejects-body' });
  const exportButton = button('Export to CSV…', () => void exportAll(), { attrs: { id: 'export-rejects' } });
  const root = h(
    'section',
    { class: 'card', attrs: { 'aria-labelledby': 'rejects-title' } },
    h('div', { class: 'card-head' }, h('h2', { id: 'rejects-title' }, 'Rejected rows ', count), exportButton),
    h('p', { class: 'muted small' }, 'Rows an importer could not use, with the reason. They are kept out of every report.'),
    body,
  );

  async function load(offset: number): Promise<void> {
    await shell.busy('Loading rejected rows', async () => {
      const page = await api.listRejects(offset, REJECTS_PAGE);
      rows = offset === 0 ? page.rows : rows.concat(page.rows);
      total = page.total;
      show();
    });
  }

  function show(): void {
    replace(count, fmt.count(total));
    exportButton.disabled = total === 0;
    if (total === 0) {
      replace(body, h('p', { class: 'empty' }, 'No rejected rows: every row imported so far was usable.'));
      return;
    }
    const more =
      rows.length < total
        ? button(`Show more (${fmt.count(rows.length)} of ${fmt.count(total)} shown)`, () => void load(rows.length), {
            class: 'button button-quiet',
            attrs: { id: 'more-rejects' },
          })
        : null;
    replace(body, rejectsTable(rows), more);
  }

  async function exportAll(): Promise<void> {
    const path = await shell.busy('Choosing where to save', () => dialogs.pickRejectsExport(projectName()));
    if (!path) return;
    const written = await shell.busy('Exporting rejected rows', () => api.exportRejects(path));
    if (written !== undefined) shell.notify(`Exported ${fmt.plural(written, 'rejected row', 'rejected rows')} to ${path}`);
  }

  return { root, reload: () => load(0) };
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
