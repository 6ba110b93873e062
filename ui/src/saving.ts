// Buttons that save what a view shows to a file the user picks: the PDF report (with a small
// form for its title, client and paper), a table as CSV, a chart as PNG or SVG. The Rust side
// writes the file; the UI only passes the path the native save dialog returned.

import { button, h } from './dom';
import * as fmt from './format';
import { api, dialogs, type ChartFormat, type CsvTable, type SavedFile } from './ipc';
import type { RulesState } from './rules';
import type { Shell } from './shell';

/** What the save buttons of a view need: the shell for busy/notice/errors, and the rules and days shown. */
export interface SaveContext {
  shell: Shell;
  state: RulesState;
}

function saidSaved(shell: Shell, saved: SavedFile | undefined): void {
  if (!saved) return;
  const size = saved.bytes < 1024 ? `${saved.bytes} bytes` : `${fmt.count(Math.ceil(saved.bytes / 1024))} KB`;
  const rows = saved.rows === null ? '' : `${fmt.plural(saved.rows, 'row', 'rows')}, `;
  shell.notify(`Saved ${saved.path} (${rows}${size}).`);
}

/** A file name for the rules and days shown: `sessionlens-campaigns-ga4-2024-03-01-2024-03-31`. */
export function suggestedName(what: string, state: RulesState): string {
  const days = state.range ? `-${state.range.from}-${state.range.to}` : '';
  return `sessionlens-${what}-${state.input.preset}${days}`;
}

/** "Export CSV…" for one table. */
export function csvButton(ctx: SaveContext, label: string, what: string, table: CsvTable, id?: string): HTMLButtonElement {
  return button(
    label,
    () =>
      void (async () => {
        const path = await dialogs.pickSaveFile(`Export ${what} as CSV`, suggestedName(what, ctx.state), 'csv');
        if (path === null) return;
        const saved = await ctx.shell.busy(`Exporting ${what}`, () =>
          api.saveCsv(table, ctx.state.input, ctx.state.range, path),
        );
        saidSaved(ctx.shell, saved);
      })(),
    { class: 'button button-quiet', attrs: { id } },
  );
}

/** "PNG…" and "SVG…" for a chart, saving the SVG document it was drawn from. */
export function chartButtons(ctx: SaveContext, svg: string, what: string): HTMLElement {
  const save = (format: ChartFormat) => async () => {
    const path = await dialogs.pickSaveFile(`Save chart as ${format.toUpperCase()}`, suggestedName(what, ctx.state), format);
    if (path === null) return;
    saidSaved(ctx.shell, await ctx.shell.busy('Saving chart', () => api.saveChart(svg, format, path)));
  };
  return h(
    'div',
    { class: 'chart-actions', attrs: { role: 'group', 'aria-label': `Save the ${what} chart` } },
    h('span', { class: 'muted small' }, 'Save chart as'),
    button('PNG…', () => void save('png')(), { class: 'button button-quiet', attrs: { 'data-save': 'png' } }),
    button('SVG…', () => void save('svg')(), { class: 'button button-quiet', attrs: { 'data-save': 'svg' } }),
  );
}

/** The parts of the report after its summary that a user can leave out. */
const SECTIONS: [string, string][] = [
  ['traffic', 'Traffic in detail (channels and campaigns)'],
  ['discrepancy', 'Why clicks and sessions differ'],
  ['methodology', 'Methodology appendix'],
];

/**
 * "Report (PDF)…": asks for what makes the report the client's — title, client, agency, logo,
 * findings and the parts to print — and the paper, then where to save.
 */
export function reportButton(ctx: SaveContext): HTMLElement {
  const title = h('input', { id: 'report-title', attrs: { type: 'text', placeholder: 'Sessions and ad clicks' } });
  const client = h('input', { id: 'report-client', attrs: { type: 'text', placeholder: 'The project’s name' } });
  const agency = h('input', { id: 'report-agency', attrs: { type: 'text', placeholder: 'Your agency or team (optional)' } });
  const findings = h('textarea', {
    id: 'report-findings',
    attrs: { rows: 3, placeholder: 'What you found and what to do next, for the summary page (optional)' },
  });
  let logoPath: string | null = null;
  const logoName = h('span', { class: 'muted small', id: 'report-logo-name' }, 'No logo');
  const logo = button(
    'Choose logo…',
    () =>
      void dialogs.pickLogo().then((path) => {
        if (path === null) return;
        logoPath = path;
        logoName.textContent = path.split(/[\\/]/).pop() ?? path;
      }),
    { class: 'button button-quiet', attrs: { id: 'report-logo', type: 'button' } },
  );
  const sections = SECTIONS.map(([id, label]) =>
    h('label', { class: 'check' }, h('input', { attrs: { type: 'checkbox', checked: true, value: id, name: 'report-section' } }), ' ', label),
  );
  const paper = h(
    'select',
    { id: 'report-paper' },
    h('option', { attrs: { value: 'a4' } }, 'A4'),
    h('option', { attrs: { value: 'letter' } }, 'US Letter'),
  );
  const row = (label: string, control: HTMLElement, ...extra: HTMLElement[]) =>
    h('div', { class: 'field' }, h('label', { attrs: { for: control.id } }, label), control, ...extra);
  const form = h(
    'form',
    { attrs: { method: 'dialog' } },
    h('h2', { id: 'report-dialog-title' }, 'PDF report'),
    h(
      'p',
      { class: 'muted small' },
      'The report uses the rules and days shown now. It opens with the answer in plain words and the key figures; choose the parts that follow.',
    ),
    row('Title on the cover', title),
    row('Prepared for', client),
    row('Prepared by', agency),
    h('div', { class: 'field' }, h('span', { class: 'field-label' }, 'Logo on the cover'), h('div', { class: 'logo-field' }, logo, logoName)),
    row('Findings and next steps', findings),
    h('fieldset', { class: 'field' }, h('legend', {}, 'Parts after the summary'), ...sections),
    row('Paper', paper),
    h(
      'div',
      { class: 'dialog-actions' },
      h('button', { class: 'button', attrs: { type: 'submit', value: 'cancel' } }, 'Cancel'),
      h('button', { class: 'button button-primary', id: 'report-save', attrs: { type: 'submit', value: 'save' } }, 'Save PDF…'),
    ),
  );
  const dialog = h('dialog', { class: 'report-dialog', id: 'report-dialog', attrs: { 'aria-labelledby': 'report-dialog-title' } }, form);
  dialog.addEventListener('close', () => {
    if (dialog.returnValue !== 'save') return;
    void (async () => {
      const path = await dialogs.pickSaveFile('Save report', suggestedName('report', ctx.state), 'pdf');
      if (path === null) return;
      const settings = {
        title: title.value || null,
        client: client.value || null,
        agency: agency.value || null,
        findings: findings.value || null,
        logoPath,
        sections: sections.map((s) => s.querySelector('input') as HTMLInputElement).filter((i) => i.checked).map((i) => i.value),
        paper: paper.value,
      };
      const saved = await ctx.shell.busy('Building the report', () =>
        api.saveReport(ctx.state.input, ctx.state.range, settings, path),
      );
      saidSaved(ctx.shell, saved);
    })();
  });
  const open = button(
    'Report (PDF)…',
    () => {
      dialog.returnValue = '';
      dialog.showModal();
    },
    { class: 'button', attrs: { id: 'save-report' } },
  );
  return h('span', { class: 'report-action' }, open, dialog);
}
