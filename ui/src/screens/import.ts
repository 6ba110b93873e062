// The import wizard: the files chosen or dropped, each on its card (./import-file.ts), what
// happens to IP addresses in all of them, where each kind of file comes from, and the Import
// button, which says how many files are ready and which will be left out.

import './import.css';

import { button, h, replace } from '../dom';
import * as fmt from '../format';
import { fileSourcesHelp } from '../help/file-help';
import type { FileImportOptions, FormatInfo, IpPolicy } from '../ipc';
import { createImportFile, type FileContext, type ImportFile } from './import-file';

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

export interface ImportWizardOptions {
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
  const files: ImportFile[] = [];
  let nextKey = 0;
  const list = h('div', { class: 'import-files' });
  const ipPolicy = ipPolicyChoice();
  const commit = commitControls(() => {
    const chosen = ready(files);
    if (chosen.length > 0) opts.onImport(chosen.map((f) => f.options()));
  });
  const showReadiness = () => commit.show(files);
  const context: FileContext = {
    formats: opts.formats,
    zones: timeZoneChoices(opts.projectTimeZones),
    defaultZone: opts.projectTimeZones[0] ?? 'UTC',
    ipPolicy: ipPolicy.value,
    changed: showReadiness,
    remove,
  };

  function add(paths: string[]): void {
    for (const path of paths) {
      if (files.some((f) => f.path === path)) continue;
      const file = createImportFile(nextKey++, path, context);
      files.push(file);
      list.append(file.card);
      void file.refresh();
    }
    showReadiness();
  }

  /** Take a file out of the import; focus goes to the next file's Remove, or to Import. */
  function remove(file: ImportFile): void {
    const at = files.indexOf(file);
    if (at < 0) return;
    files.splice(at, 1);
    file.card.remove();
    showReadiness();
    const next = files[at] ?? files[at - 1];
    if (next) document.getElementById(`imp-${next.key}-remove`)?.focus();
    else commit.startButton.focus();
  }

  showReadiness();
  return { root: wizardCard(opts, list, ipPolicy.fieldset, commit), add };
}

/** The files whose preview came without a problem: those the Import button imports. */
function ready(files: ImportFile[]): ImportFile[] {
  return files.filter((f) => {
    const p = f.preview();
    return p !== null && p.error === null;
  });
}

/** The radio buttons for what happens to IP addresses, in every file of the import. */
function ipPolicyChoice(): { fieldset: HTMLElement; value: () => IpPolicy } {
  let policy: IpPolicy = 'truncate';
  const fieldset = h(
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
          attrs: { type: 'radio', name: 'ip-policy', value, checked: value === policy, 'aria-describedby': `${id}-help` },
          on: {
            change: () => {
              policy = value;
            },
          },
        }),
        h('label', { attrs: { for: id } }, label),
        h('span', { class: 'radio-help muted', id: `${id}-help` }, help),
      );
    }),
  );
  return { fieldset, value: () => policy };
}

interface CommitControls {
  startButton: HTMLButtonElement;
  /** Says which files are still read and how many will be left out. */
  summaryLine: HTMLElement;
  /** Count the files again: the button names how many it imports, and waits for those still read. */
  show(files: ImportFile[]): void;
}

function commitControls(start: () => void): CommitControls {
  const summaryLine = h('p', { class: 'import-ready muted', id: 'import-ready', attrs: { 'aria-live': 'polite' } });
  const startButton = button('Import', start, {
    class: 'button button-primary',
    attrs: { id: 'start-import', 'aria-describedby': 'import-ready' },
  });
  const show = (files: ImportFile[]) => {
    const ok = ready(files).length;
    const loading = files.filter((f) => f.preview() === null).length;
    const problems = files.length - ok - loading;
    replace(startButton, `Import ${fmt.plural(ok, 'file', 'files')}`);
    startButton.disabled = ok === 0 || loading > 0;
    const parts: string[] = [];
    if (loading > 0) parts.push(`Reading ${fmt.plural(loading, 'file', 'files')}…`);
    if (problems > 0) parts.push(`${fmt.plural(problems, 'file', 'files')} with a problem will be left out.`);
    replace(summaryLine, parts.join(' '));
  };
  return { startButton, summaryLine, show };
}

function wizardCard(opts: ImportWizardOptions, list: HTMLElement, ipFieldset: HTMLElement, commit: CommitControls): HTMLElement {
  return h(
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
      commit.startButton,
      button('Cancel', opts.onClose, { class: 'button', attrs: { id: 'close-import-wizard' } }),
      commit.summaryLine,
    ),
  );
}

/** UTC, the project's zones, then every zone the system knows. */
function timeZoneChoices(projectZones: string[]): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const known = intl.supportedValuesOf?.('timeZone') ?? [];
  return [...new Set(['UTC', ...projectZones, ...known])];
}
