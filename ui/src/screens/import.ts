// The import wizard: for each chosen or dropped file, what it was detected as (with a format
// override), warnings when it does not fit the project (another site, far-off days), its first
// rows as they will be imported, the column mapping of CSV/TSV traffic files, its time zone
// and date order; for all files, what happens to IP addresses, and where each kind of file
// comes from. Every change previews the file again.

import './import.css';

import { button, h, replace, type Child } from '../dom';
import * as fmt from '../format';
import { fileSourcesHelp } from '../help/file-help';
import {
  api,
  type ColumnChoice,
  type FileImportOptions,
  type FormatInfo,
  type ImportPreview,
  type IpPolicy,
  type DateOrder,
} from '../ipc';
import { messageOf, type Shell } from '../shell';
import { plainTable } from '../table';

/** Raw rejected rows longer than this are cut in a file's card. */
const RAW_SHOWN = 160;

const IP_POLICIES: [IpPolicy, string, string][] = [
  [
    'truncate',
    'Shorten (recommended)',
    'Keeps the network part only (203.0.113.0, or an IPv6 /48): enough for rough location and IP-based visitors, not to tell one household from another.',
  ],
  [
    'hash',
    'Replace with a code',
    'Replaces each address with a salted hash kept inside this project: the same address gets the same code, the address itself is gone.',
  ],
  ['raw', 'Keep as is', 'Stores full addresses. Only if you may keep them: in many countries they are personal data.'],
];

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

interface FileState {
  /** Stable for the card's lifetime: control ids derive from it. */
  key: number;
  path: string;
  format: string | null;
  /** Only the fields the user set; the rest come from header names. */
  overrides: ColumnChoice[];
  timeZone: string;
  dateOrder: DateOrder | null;
  preview: ImportPreview | null;
  /** Bumped per request: a late answer to an older request is dropped. */
  request: number;
  card: HTMLElement;
}

export interface ImportWizardOptions {
  shell: Shell;
  formats: FormatInfo[];
  /** The project's time zones; the first is the default for files that state none. */
  projectTimeZones: string[];
  /** Start the import of these files (the wizard is done). */
  onImport: (files: FileImportOptions[]) => void;
  /** The user closed the wizard without importing. */
  onClose: () => void;
  /** Ask for more files (the open dialog). */
  onAddFiles: () => void;
}

export interface ImportWizard {
  root: HTMLElement;
  /** Add files (from the dialog or a drop); files already listed are skipped. */
  add(paths: string[]): void;
}

export function createImportWizard(opts: ImportWizardOptions): ImportWizard {
  const files: FileState[] = [];
  let nextKey = 0;
  let ipPolicy: IpPolicy = 'truncate';
  const defaultZone = opts.projectTimeZones[0] ?? 'UTC';
  const zones = timeZoneChoices(opts.projectTimeZones);

  const list = h('div', { class: 'import-files' });
  const summaryLine = h('p', { class: 'import-ready muted', id: 'import-ready', attrs: { 'aria-live': 'polite' } });
  const startButton = button('Import', () => start(), {
    class: 'button button-primary',
    attrs: { id: 'start-import', 'aria-describedby': 'import-ready' },
  });
  const ipFieldset = h(
    'fieldset',
    { class: 'ip-policy' },
    h('legend', {}, 'IP addresses in traffic files'),
    ...IP_POLICIES.map(([value, label, help]) => {
      const id = `ip-policy-${value}`;
      return h(
        'div',
        { class: 'radio-row' },
        h('input', {
          id,
          attrs: { type: 'radio', name: 'ip-policy', value, checked: value === ipPolicy, 'aria-describedby': `${id}-help` },
          on: {
            change: () => {
              ipPolicy = value;
            },
          },
        }),
        h('label', { attrs: { for: id } }, label),
        h('span', { class: 'radio-help muted', id: `${id}-help` }, help),
      );
    }),
  );
  const root = h(
    'section',
    { class: 'card import-wizard', id: 'import-wizard', attrs: { 'aria-labelledby': 'import-wizard-title' } },
    h(
      'div',
      { class: 'card-head' },
      h('h2', { id: 'import-wizard-title' }, 'Import files'),
      button('Add files…', opts.onAddFiles, { class: 'button', attrs: { id: 'add-import-files' } }),
    ),
    h(
      'p',
      { class: 'muted small' },
      'Check how each file will be read before anything is imported. Changes below preview the file again.',
    ),
    fileSourcesHelp(),
    list,
    ipFieldset,
    h(
      'div',
      { class: 'wizard-actions' },
      startButton,
      button('Cancel', opts.onClose, { class: 'button', attrs: { id: 'close-import-wizard' } }),
      summaryLine,
    ),
  );

  function optionsOf(file: FileState): FileImportOptions {
    return {
      path: file.path,
      format: file.format,
      mapping: file.overrides,
      timeZone: file.preview?.fileTimeZone ?? file.timeZone,
      dateOrder: file.dateOrder,
      ipPolicy,
    };
  }

  function ready(): FileState[] {
    return files.filter((f) => f.preview !== null && f.preview.error === null);
  }

  function showReadiness(): void {
    const ok = ready().length;
    const loading = files.filter((f) => f.preview === null).length;
    const problems = files.length - ok - loading;
    replace(startButton, `Import ${fmt.plural(ok, 'file', 'files')}`);
    startButton.disabled = ok === 0 || loading > 0;
    const parts: string[] = [];
    if (loading > 0) parts.push(`Reading ${fmt.plural(loading, 'file', 'files')}…`);
    if (problems > 0) parts.push(`${fmt.plural(problems, 'file', 'files')} with a problem will be left out.`);
    replace(summaryLine, parts.join(' '));
  }

  function start(): void {
    const chosen = ready();
    if (chosen.length === 0) return;
    opts.onImport(chosen.map(optionsOf));
  }

  async function refresh(file: FileState): Promise<void> {
    const request = ++file.request;
    file.card.setAttribute('aria-busy', 'true');
    showReadiness();
    try {
      const [preview] = await api.previewImport([optionsOf(file)]);
      if (request !== file.request || !preview) return;
      file.preview = preview;
    } catch (error) {
      if (request !== file.request) return;
      file.preview = failedPreview(file.path, error);
    }
    file.card.removeAttribute('aria-busy');
    renderCard(file);
    showReadiness();
  }

  /** Re-render a card, keeping keyboard focus on the control that had it. */
  function renderCard(file: FileState): void {
    const focused = document.activeElement instanceof HTMLElement && file.card.contains(document.activeElement) ? document.activeElement.id : '';
    replace(file.card, ...cardContent(file));
    if (focused) document.getElementById(focused)?.focus();
  }

  function remove(file: FileState): void {
    const at = files.indexOf(file);
    if (at < 0) return;
    files.splice(at, 1);
    file.card.remove();
    showReadiness();
    const next = files[at] ?? files[at - 1];
    if (next) document.getElementById(`imp-${next.key}-remove`)?.focus();
    else startButton.focus();
  }

  function cardContent(file: FileState): Child[] {
    const p = file.preview;
    const id = (part: string) => `imp-${file.key}-${part}`;
    const name = p?.name ?? file.path.split(/[\\/]/).pop() ?? file.path;
    const formatSelect = h(
      'select',
      {
        id: id('format'),
        on: {
          change: () => {
            file.format = formatSelect.value || null;
            file.overrides = [];
            void refresh(file);
          },
        },
      },
      h('option', { attrs: { value: '' } }, 'Detect automatically'),
      ...fmt.FORMAT_GROUPS.map(({ kind, title }) =>
        h(
          'optgroup',
          { attrs: { label: title } },
          ...opts.formats.filter((f) => f.kind === kind).map((f) => h('option', { attrs: { value: f.id, title: f.description } }, f.name)),
        ),
      ),
    );
    formatSelect.value = file.format ?? '';

    const stated = p?.fileTimeZone ?? null;
    const zoneSelect = h(
      'select',
      {
        id: id('zone'),
        attrs: { disabled: stated !== null, 'aria-describedby': id('zone-help') },
        on: {
          change: () => {
            file.timeZone = zoneSelect.value;
            void refresh(file);
          },
        },
      },
      ...(stated && !zones.includes(stated) ? [stated, ...zones] : zones).map((z) => h('option', { attrs: { value: z } }, z)),
    );
    zoneSelect.value = stated ?? file.timeZone;
    const zoneHelp = stated
      ? `The file states its time zone (${stated}); its dates are read in it.`
      : 'For times without an offset and for ad-account dates.';

    const showOrder = (p?.dateOrderMatters ?? false) || file.dateOrder !== null;
    const orderSelect = h(
      'select',
      {
        id: id('date-order'),
        attrs: { 'aria-describedby': id('date-order-help') },
        on: {
          change: () => {
            file.dateOrder = (orderSelect.value || null) as DateOrder | null;
            void refresh(file);
          },
        },
      },
      h('option', { attrs: { value: '' } }, 'Decide from the data'),
      h('option', { attrs: { value: 'day-first' } }, 'Day first (31/12/2024)'),
      h('option', { attrs: { value: 'month-first' } }, 'Month first (12/31/2024)'),
    );
    orderSelect.value = file.dateOrder ?? '';

    return [
      h(
        'div',
        { class: 'card-head' },
        h('h3', { class: 'file-name', id: id('title'), attrs: { title: file.path } }, name),
        button('Remove', () => remove(file), {
          class: 'button button-quiet',
          attrs: { id: id('remove'), 'aria-label': `Remove ${name} from this import` },
        }),
      ),
      h(
        'p',
        { class: 'detected', id: id('detected') },
        ...(p?.format
          ? [
              h('strong', { attrs: { title: p.description ?? undefined } }, p.formatName ?? p.format),
              ` · ${p.kind ? fmt.kindName(p.kind) : ''} · ${fmt.container(p.encoding, p.compression)}`,
            ]
          : [h('span', { class: 'muted' }, p ? 'Format not recognised' : 'Reading the start of the file…')]),
      ),
      h(
        'div',
        { class: 'file-options' },
        field(id('format'), 'Format', formatSelect),
        field(id('zone'), 'Time zone', zoneSelect, h('span', { class: 'field-help muted', id: id('zone-help') }, zoneHelp)),
        showOrder
          ? field(
              id('date-order'),
              'Date order',
              orderSelect,
              h('span', { class: 'field-help muted', id: id('date-order-help') }, 'Dates like 03/04/2024 read differently day first and month first.'),
            )
          : null,
      ),
      p && p.warnings.length > 0 ? fitWarnings(file, p) : null,
      p?.error ? problem(file, p) : null,
      p && p.mapping.length > 0 ? mappingEditor(file, p) : null,
      p && !p.error ? rowsPreview(p) : null,
      p && p.rejects.length > 0 ? rejectsPreview(p) : null,
    ];
  }

  function problem(file: FileState, p: ImportPreview): HTMLElement {
    const error = p.error!;
    let todo: string;
    if (error.code === 'io') {
      todo = 'Check that the file still exists and that you may read it, then add it again.';
    } else if (error.code === 'unreadable_file' && p.headers.length > 0) {
      todo = 'Choose the column that holds each row’s time (Timestamp, or Date and Time of day) under Columns.';
    } else if (error.code === 'unreadable_file' && file.format === null) {
      todo = 'If you know what the file is, choose its format above. Otherwise check it is the export you meant.';
    } else if (error.code === 'unreadable_file') {
      todo = 'The file does not read as the chosen format: choose another one, or Detect automatically.';
    } else {
      todo = 'Change the choice above, or remove the file from this import.';
    }
    return h(
      'div',
      { class: 'file-problem', id: `imp-${file.key}-problem` },
      h('p', {}, h('strong', {}, 'This file cannot be imported as it is: '), error.message),
      h('p', { class: 'file-todo' }, todo),
    );
  }

  /** Why the file may not line up with the project; it can still be imported. */
  function fitWarnings(file: FileState, p: ImportPreview): HTMLElement {
    return h(
      'div',
      { class: 'file-warning', id: `imp-${file.key}-warnings` },
      h('p', {}, h('strong', {}, 'Check this file before importing it:')),
      ...p.warnings.map((warning) => h('p', {}, warning)),
    );
  }

  function mappingEditor(file: FileState, p: ImportPreview): HTMLElement {
    const mapped = p.mapping.filter((c) => c.column !== null).length;
    const selects = p.mapping.map((choice) => {
      const selectId = `imp-${file.key}-map-${choice.field}`;
      const select = h(
        'select',
        {
          id: selectId,
          on: {
            change: () => {
              file.overrides = file.overrides.filter((o) => o.field !== choice.field);
              file.overrides.push({ field: choice.field, column: select.value === '' ? null : select.value });
              void refresh(file);
            },
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

  function add(paths: string[]): void {
    for (const path of paths) {
      if (files.some((f) => f.path === path)) continue;
      const file: FileState = {
        key: nextKey++,
        path,
        format: null,
        overrides: [],
        timeZone: defaultZone,
        dateOrder: null,
        preview: null,
        request: 0,
        card: h('section', { class: 'import-file', attrs: { 'aria-labelledby': `imp-${nextKey - 1}-title` } }),
      };
      file.card.id = `import-file-${file.key}`;
      files.push(file);
      list.append(file.card);
      renderCard(file);
      void refresh(file);
    }
    showReadiness();
  }

  showReadiness();
  return { root, add };
}

function field(id: string, label: string, control: HTMLElement, ...help: Child[]): HTMLElement {
  return h('div', { class: 'option-field' }, h('label', { attrs: { for: id } }, label), control, ...help);
}

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
    name: path.split(/[\\/]/).pop() ?? path,
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

/** UTC, the project's zones, then every zone the system knows. */
function timeZoneChoices(projectZones: string[]): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const known = intl.supportedValuesOf?.('timeZone') ?? [];
  return [...new Set(['UTC', ...projectZones, ...known])];
}
