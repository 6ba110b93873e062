// One file in the import wizard (./import.ts): the choices made for it (format, column
// mapping, time zone, date order), its preview, asked for again after every change (a late
// answer to an older request is dropped), and its card: what the file was detected as, its
// options, warnings when it does not fit the project, its problem and what to do about it,
// the column mapping of CSV/TSV traffic files, its first rows as they will be imported and
// the rows that would be rejected.

import { button, h, replace, type Child } from '../dom';
import * as fmt from '../format';
import {
  api,
  type ColumnChoice,
  type DateOrder,
  type FileImportOptions,
  type FormatInfo,
  type ImportPreview,
  type IpPolicy,
} from '../ipc';
import { messageOf } from '../shell';
import { plainTable } from '../table';

/** Raw rejected rows longer than this are cut in a file's card. */
const RAW_SHOWN = 160;

const FIELD_LABELS: Record<string, string> = {
  timestamp: 'Timestamp',
  date: 'Date',
  time: 'Time of day',
  client_id: 'Client id',
  user_id: 'User id',
  session_id: 'Session id',
  event_id: 'Event id',
  event: 'Event name',
  interaction: 'Interaction flag',
  non_interaction: 'Non-interaction flag',
  url: 'Page URL',
  host: 'Host name',
  path: 'Page path',
  referrer: 'Referrer',
  user_agent: 'User agent',
  ip: 'IP address',
};

/** What the wizard gives each of its files. */
export interface FileContext {
  formats: FormatInfo[];
  /** The time zones to choose from. */
  zones: string[];
  /** The zone of a file that states none, until the user picks one. */
  defaultZone: string;
  /** The wizard's choice for IP addresses, which holds for all its files. */
  ipPolicy: () => IpPolicy;
  /** A preview was asked for or arrived: what is ready to import changed. */
  changed: () => void;
  /** The user removed the file from the import. */
  remove: (file: ImportFile) => void;
}

export interface ImportFile {
  /** Stable for the card's lifetime: control ids derive from it. */
  readonly key: number;
  readonly path: string;
  readonly card: HTMLElement;
  /** The latest preview; null until the first one arrives. */
  preview(): ImportPreview | null;
  /** Ask for the preview again, with the current choices. */
  refresh(): Promise<void>;
  /** What to import the file with. */
  options(): FileImportOptions;
}

/** What the user chose for a file; null leaves it to the file. */
interface Choices {
  format: string | null;
  /** Only the fields the user set; the rest come from header names. */
  overrides: ColumnChoice[];
  timeZone: string;
  dateOrder: DateOrder | null;
}

export function createImportFile(key: number, path: string, ctx: FileContext): ImportFile {
  const choices: Choices = { format: null, overrides: [], timeZone: ctx.defaultZone, dateOrder: null };
  let preview: ImportPreview | null = null;
  /** Bumped per request: a late answer to an older request is dropped. */
  let request = 0;
  const card = h('section', { class: 'import-file', id: `import-file-${key}`, attrs: { 'aria-labelledby': `imp-${key}-title` } });

  const file: ImportFile = {
    key,
    path,
    card,
    preview: () => preview,
    refresh,
    options: () => ({
      path,
      format: choices.format,
      mapping: choices.overrides,
      timeZone: preview?.fileTimeZone ?? choices.timeZone,
      dateOrder: choices.dateOrder,
      ipPolicy: ctx.ipPolicy(),
    }),
  };

  async function refresh(): Promise<void> {
    const mine = ++request;
    card.setAttribute('aria-busy', 'true');
    ctx.changed();
    try {
      const [answer] = await api.previewImport([file.options()]);
      if (mine !== request || !answer) return;
      preview = answer;
    } catch (error) {
      if (mine !== request) return;
      preview = failedPreview(path, error);
    }
    card.removeAttribute('aria-busy');
    render();
    ctx.changed();
  }

  /** Draw the card again, keeping keyboard focus on the control that had it. */
  function render(): void {
    const focused = document.activeElement instanceof HTMLElement && card.contains(document.activeElement) ? document.activeElement.id : '';
    replace(
      card,
      ...cardContent({
        id: (part) => `imp-${key}-${part}`,
        path,
        choices,
        preview,
        ctx,
        choose: (change) => {
          Object.assign(choices, change);
          void refresh();
        },
        remove: () => ctx.remove(file),
      }),
    );
    if (focused) document.getElementById(focused)?.focus();
  }

  render();
  return file;
}

/** What the parts of a card are drawn from. */
interface CardState {
  /** The id of one of the card's elements. */
  id: (part: string) => string;
  path: string;
  choices: Choices;
  preview: ImportPreview | null;
  ctx: FileContext;
  /** Change some choices; the file is previewed again. */
  choose: (change: Partial<Choices>) => void;
  remove: () => void;
}

function cardContent(c: CardState): Child[] {
  const p = c.preview;
  return [
    cardHead(c),
    detectedLine(c),
    h('div', { class: 'file-options' }, formatField(c), zoneField(c), dateOrderField(c)),
    p && p.warnings.length > 0 ? fitWarnings(c, p) : null,
    p?.error ? problem(c, p) : null,
    p && p.mapping.length > 0 ? mappingEditor(c, p) : null,
    p && !p.error ? rowsPreview(p) : null,
    p && p.rejects.length > 0 ? rejectsPreview(p) : null,
  ];
}

function cardHead(c: CardState): HTMLElement {
  const name = c.preview?.name ?? fileName(c.path);
  return h(
    'div',
    { class: 'card-head' },
    h('h3', { class: 'file-name', id: c.id('title'), attrs: { title: c.path } }, name),
    button('Remove', c.remove, {
      class: 'button button-quiet',
      attrs: { id: c.id('remove'), 'aria-label': `Remove ${name} from this import` },
    }),
  );
}

/** The format the file was read as, its kind, encoding and compression. */
function detectedLine(c: CardState): HTMLElement {
  const p = c.preview;
  return h(
    'p',
    { class: 'detected', id: c.id('detected') },
    ...(p?.format
      ? [
          h('strong', { attrs: { title: p.description ?? undefined } }, p.formatName ?? p.format),
          ` · ${p.kind ? fmt.kindName(p.kind) : ''} · ${fmt.container(p.encoding, p.compression)}`,
        ]
      : [h('span', { class: 'muted' }, p ? 'Format not recognised' : 'Reading the start of the file…')]),
  );
}

/** The format menu, by kind of file; choosing one forgets the column choices. */
function formatField(c: CardState): HTMLElement {
  const select = h(
    'select',
    { id: c.id('format'), on: { change: () => c.choose({ format: select.value || null, overrides: [] }) } },
    h('option', { attrs: { value: '' } }, 'Detect automatically'),
    ...fmt.FORMAT_GROUPS.map(({ kind, title }) =>
      h(
        'optgroup',
        { attrs: { label: title } },
        ...c.ctx.formats.filter((f) => f.kind === kind).map((f) => h('option', { attrs: { value: f.id, title: f.description } }, f.name)),
      ),
    ),
  );
  select.value = c.choices.format ?? '';
  return field(c.id('format'), 'Format', select);
}

/** The time zone menu; fixed to the file's own zone when it states one. */
function zoneField(c: CardState): HTMLElement {
  const stated = c.preview?.fileTimeZone ?? null;
  const zones = c.ctx.zones;
  const select = h(
    'select',
    {
      id: c.id('zone'),
      attrs: { disabled: stated !== null, 'aria-describedby': c.id('zone-help') },
      on: { change: () => c.choose({ timeZone: select.value }) },
    },
    ...(stated && !zones.includes(stated) ? [stated, ...zones] : zones).map((z) => h('option', { attrs: { value: z } }, z)),
  );
  select.value = stated ?? c.choices.timeZone;
  const help = stated
    ? `The file states its time zone (${stated}); its dates are read in it.`
    : 'For times without an offset and for ad-account dates.';
  return field(c.id('zone'), 'Time zone', select, h('span', { class: 'field-help muted', id: c.id('zone-help') }, help));
}

/** The date order menu, shown when the file's dates could be read either way (or one was chosen). */
function dateOrderField(c: CardState): HTMLElement | null {
  if (!(c.preview?.dateOrderMatters ?? false) && c.choices.dateOrder === null) return null;
  const select = h(
    'select',
    {
      id: c.id('date-order'),
      attrs: { 'aria-describedby': c.id('date-order-help') },
      on: { change: () => c.choose({ dateOrder: (select.value || null) as DateOrder | null }) },
    },
    h('option', { attrs: { value: '' } }, 'Decide from the data'),
    h('option', { attrs: { value: 'day-first' } }, 'Day first (31/12/2024)'),
    h('option', { attrs: { value: 'month-first' } }, 'Month first (12/31/2024)'),
  );
  select.value = c.choices.dateOrder ?? '';
  return field(
    c.id('date-order'),
    'Date order',
    select,
    h('span', { class: 'field-help muted', id: c.id('date-order-help') }, 'Dates like 03/04/2024 read differently day first and month first.'),
  );
}

function field(id: string, label: string, control: HTMLElement, ...help: Child[]): HTMLElement {
  return h('div', { class: 'option-field' }, h('label', { attrs: { for: id } }, label), control, ...help);
}

/** Why the file may not line up with the project; it can still be imported. */
function fitWarnings(c: CardState, p: ImportPreview): HTMLElement {
  return h(
    'div',
    { class: 'file-warning', id: c.id('warnings') },
    h('p', {}, h('strong', {}, 'Check this file before importing it:')),
    ...p.warnings.map((warning) => h('p', {}, warning)),
  );
}

/** Why the file cannot be imported as it is, and what to do about it. */
function problem(c: CardState, p: ImportPreview): HTMLElement {
  const error = p.error!;
  let todo: string;
  if (error.code === 'io') {
    todo = 'Check that the file still exists and that you may read it, then add it again.';
  } else if (error.code === 'unreadable_file' && p.headers.length > 0) {
    todo = 'Choose the column that holds each row’s time (Timestamp, or Date and Time of day) under Columns.';
  } else if (error.code === 'unreadable_file' && c.choices.format === null) {
    todo = 'If you know what the file is, choose its format above. Otherwise check it is the export you meant.';
  } else if (error.code === 'unreadable_file') {
    todo = 'The file does not read as the chosen format: choose another one, or Detect automatically.';
  } else {
    todo = 'Change the choice above, or remove the file from this import.';
  }
  return h(
    'div',
    { class: 'file-problem', id: c.id('problem') },
    h('p', {}, h('strong', {}, 'This file cannot be imported as it is: '), error.message),
    h('p', { class: 'file-todo' }, todo),
  );
}

/** For each field the file's rows can carry, the column it is read from. */
function mappingEditor(c: CardState, p: ImportPreview): HTMLElement {
  const mapped = p.mapping.filter((m) => m.column !== null).length;
  const selects = p.mapping.map((choice) => {
    const selectId = c.id(`map-${choice.field}`);
    const select = h(
      'select',
      {
        id: selectId,
        on: {
          change: () =>
            c.choose({
              overrides: [
                ...c.choices.overrides.filter((o) => o.field !== choice.field),
                { field: choice.field, column: select.value === '' ? null : select.value },
              ],
            }),
        },
      },
      h('option', { attrs: { value: '' } }, 'not mapped'),
      ...p.headers.map((header) => h('option', { attrs: { value: header } }, header)),
    );
    select.value = choice.column ?? '';
    return h(
      'div',
      { class: `map-field${choice.column !== null ? ' is-mapped' : ''}` },
      h('label', { attrs: { for: selectId } }, FIELD_LABELS[choice.field] ?? choice.field),
      select,
    );
  });
  return h(
    'details',
    { class: 'mapping', attrs: { open: true } },
    h('summary', {}, `Columns: ${fmt.count(mapped)} of ${fmt.count(p.mapping.length)} fields found in the file’s ${fmt.plural(p.headers.length, 'column', 'columns')}`),
    h('fieldset', { class: 'map-grid' }, h('legend', { class: 'visually-hidden' }, `Column of each field in ${p.name}`), ...selects),
  );
}

/** The file's first rows (all of them, when it is short), as they will be imported. */
function rowsPreview(p: ImportPreview): HTMLElement {
  const t = p.table;
  const title = t.rows.length === 0
    ? 'No row in the start of the file could be read.'
    : t.rows.length === 1
      ? `${p.complete ? 'The only row of the file' : 'The first row'}, as it will be imported`
      : `${p.complete ? `All ${fmt.count(t.rows.length)} rows of the file` : `The first ${fmt.count(t.rows.length)} rows`}, as they will be imported`;
  if (t.rows.length === 0) return h('p', { class: 'empty' }, title);
  return h(
    'div',
    { class: 'preview' },
    h('h4', {}, title, t.columns.some((c) => c.includes('(UTC)')) ? h('span', { class: 'muted' }, ' (times in UTC)') : null),
    plainTable({
      class: 'preview-table',
      caption: `Preview of ${p.name}`,
      headers: t.columns,
      numeric: t.numeric,
      rows: t.rows,
      titleOf: (cell) => (typeof cell === 'string' && cell.length > 40 ? cell : undefined),
    }),
  );
}

/** The rows near the start of the file that would be rejected, and why. */
function rejectsPreview(p: ImportPreview): HTMLElement {
  return h(
    'div',
    { class: 'preview-rejects' },
    h('h4', {}, `${fmt.plural(p.rejects.length, 'row', 'rows')} near the start would be rejected`),
    h(
      'ul',
      {},
      ...p.rejects.map((r) =>
        h(
          'li',
          {},
          h('span', { class: 'nowrap' }, `Line ${r.line}: `),
          r.reason,
          r.raw ? h('code', { class: 'raw' }, fmt.cut(r.raw, RAW_SHOWN)) : null,
        ),
      ),
    ),
  );
}

/** A preview that could not be asked for (the backend failed): shown as that file's problem. */
function failedPreview(path: string, error: unknown): ImportPreview {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : 'internal';
  return {
    path,
    name: fileName(path),
    format: null,
    formatName: null,
    description: null,
    kind: null,
    encoding: null,
    compression: null,
    table: { columns: [], numeric: [], rows: [] },
    rejects: [],
    headers: [],
    mapping: [],
    fileTimeZone: null,
    dateOrderMatters: false,
    complete: false,
    error: { code, message: messageOf(error) },
    warnings: [],
  };
}

/** The last part of a path. */
function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
