// The Files tab's own parts: the project's figures (hits, ad clicks, rejected rows, dates, time
// zones) and the table of its files, each with "Delete data…", which asks first in a modal
// dialog; while the project holds no file, where to get some.

import { button, h, replace } from '../dom';
import * as fmt from '../format';
import { fileSourcesHelp } from '../help/file-help';
import type { ProjectSummary, SourceFile } from '../ipc';
import { plainTable } from '../table';

export interface ProjectData {
  stats: HTMLElement;
  filesCard: HTMLElement;
  /** Draw the figures and the files again, for the project as it is now. */
  show(info: ProjectSummary): void;
}

export function projectData(onDelete: (file: SourceFile) => void): ProjectData {
  const stats = h('section', { class: 'stats', attrs: { 'aria-label': 'Project summary' } });
  const filesBody = h('div', { class: 'table-wrap' });
  const filesCard = h(
    'section',
    { class: 'card', attrs: { 'aria-labelledby': 'files-title' } },
    h('h2', { id: 'files-title', attrs: { tabindex: -1 } }, 'Files'),
    filesBody,
  );
  const show = (info: ProjectSummary) => {
    replace(
      stats,
      stat('Hits', fmt.count(info.hits)),
      stat('Ad clicks', fmt.count(info.adClicks)),
      stat('Rejected rows', fmt.count(info.rejects)),
      stat('Traffic dates (UTC)', fmt.msRange(info.firstHitMs, info.lastHitMs)),
      stat('Ad dates', fmt.dayRange(info.firstAdDate, info.lastAdDate)),
      stat('Time zones', info.timeZones.length ? info.timeZones.join(', ') : '—'),
    );
    replace(filesBody, filesTable(info.files, onDelete));
  };
  return { stats, filesCard, show };
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
export function confirmDelete(file: SourceFile): Promise<boolean> {
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
