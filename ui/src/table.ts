// Data tables: sortableTable's column headers sort it (click once for the column's natural
// order, largest first for numbers; again to reverse); plainTable shows rows as given. Both
// scroll sideways when wide and have a caption for screen readers. Cells are text or nodes
// built without HTML.

import { h, replace, type Child } from './dom';

export interface Column<T> {
  label: string;
  /** Right-aligned, sorted largest first on the first click. */
  numeric?: boolean;
  /** The value sorted on; null sorts last. */
  value: (row: T) => string | number | null;
  /** What the cell shows (defaults to the value as text). */
  cell?: (row: T) => Child;
}

export function sortableTable<T>(id: string, caption: string, columns: Column<T>[], rows: T[]): HTMLElement {
  let sortBy = -1;
  let descending = false;
  const head = h('tr');
  const body = h('tbody');

  function render(): void {
    const order = rows.slice();
    if (sortBy >= 0) {
      const read = columns[sortBy].value;
      order.sort((a, b) => {
        const x = read(a);
        const y = read(b);
        if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
        const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
        return descending ? -c : c;
      });
    }
    replace(
      head,
      ...columns.map((col, i) =>
        h(
          'th',
          {
            class: col.numeric ? 'num' : '',
            attrs: { scope: 'col', 'aria-sort': i === sortBy ? (descending ? 'descending' : 'ascending') : undefined },
          },
          h(
            'button',
            {
              class: 'sort-button',
              attrs: { type: 'button' },
              on: {
                click: () => {
                  descending = i === sortBy ? !descending : Boolean(col.numeric);
                  sortBy = i;
                  render();
                },
              },
            },
            col.label,
            h('span', { class: 'sort-mark', attrs: { 'aria-hidden': 'true' } }, i === sortBy ? (descending ? ' ▼' : ' ▲') : ''),
          ),
        ),
      ),
    );
    replace(
      body,
      ...order.map((row) =>
        h(
          'tr',
          {},
          ...columns.map((col) => {
            const v = col.value(row);
            return h('td', { class: col.numeric ? 'num' : '' }, col.cell ? col.cell(row) : v === null ? '—' : String(v));
          }),
        ),
      ),
    );
  }

  render();
  return framed({ id }, caption, head, body);
}

export interface PlainTable {
  id?: string;
  /** Classes besides `data-table`. */
  class?: string;
  caption: string;
  headers: string[];
  /** Per column: right-aligned. */
  numeric: boolean[];
  rows: Child[][];
  /** A tooltip per cell: for tables whose styles cut long cells. */
  titleOf?: (cell: Child) => string | undefined;
}

export function plainTable(t: PlainTable): HTMLElement {
  const num = (i: number) => (t.numeric[i] ? 'num' : '');
  return framed(
    { id: t.id, class: t.class },
    t.caption,
    h('tr', {}, ...t.headers.map((label, i) => h('th', { class: num(i), attrs: { scope: 'col' } }, label))),
    h('tbody', {}, ...t.rows.map((cells) => h('tr', {}, ...cells.map((cell, i) => h('td', { class: num(i), attrs: { title: t.titleOf?.(cell) } }, cell))))),
  );
}

function framed(table: { id?: string; class?: string }, caption: string, headRow: HTMLElement, body: HTMLElement): HTMLElement {
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: table.class ? `data-table ${table.class}` : 'data-table', id: table.id },
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, headRow),
      body,
    ),
  );
}
