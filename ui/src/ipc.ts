// The one typed door to the Rust side: every command the UI calls, with the generated
// transfer types from ./bindings, and the native file dialogs. Commands reject with an
// `IpcError` whose `code` the UI branches on (never on the message text).

import { Channel, invoke } from '@tauri-apps/api/core';
import { open, save } from '@tauri-apps/plugin-dialog';

import type { AppError } from './bindings/AppError';
import type { CompareView } from './bindings/CompareView';
import type { DashboardView } from './bindings/DashboardView';
import type { DayRange } from './bindings/DayRange';
import type { DiscrepancyView } from './bindings/DiscrepancyView';
import type { FidelityView } from './bindings/FidelityView';
import type { RuleChoices } from './bindings/RuleChoices';
import type { RulesInput } from './bindings/RulesInput';
import type { ViewKind } from './bindings/ViewKind';
import type { FormatInfo } from './bindings/FormatInfo';
import type { ImportProgress } from './bindings/ImportProgress';
import type { ImportSummary } from './bindings/ImportSummary';
import type { ColumnChoice } from './bindings/ColumnChoice';
import type { FileDeleted } from './bindings/FileDeleted';
import type { FileImportOptions } from './bindings/FileImportOptions';
import type { ImportPreview } from './bindings/ImportPreview';
import type { ProjectView } from './bindings/ProjectView';
import type { RecentProject } from './bindings/RecentProject';
import type { RejectsPage } from './bindings/RejectsPage';
import type { ChartFormat } from './bindings/ChartFormat';
import type { CsvTable } from './bindings/CsvTable';
import type { ReportSettings } from './bindings/ReportSettings';
import type { SavedFile } from './bindings/SavedFile';
import type { NamedView } from './bindings/NamedView';
import type { SavedViews } from './bindings/SavedViews';
import type { ViewState } from './bindings/ViewState';
import type { ClientsView } from './bindings/ClientsView';
import type { SettingsCopied } from './bindings/SettingsCopied';

export type { AppError, FormatInfo, ImportProgress, ImportSummary, ProjectView, RecentProject, RejectsPage };
export type { CompareView, DashboardView, DayRange, DiscrepancyView, FidelityView, RuleChoices, RulesInput };
export type { ChartFormat, CsvTable, ReportSettings, SavedFile };
export type { NamedView, SavedViews, ViewState };
export type { ClientsView, SettingsCopied };
export type { ClientProject } from './bindings/ClientProject';
export type { BreakdownTable } from './bindings/BreakdownTable';
export type { CampaignLine } from './bindings/CampaignLine';
export type { CauseView } from './bindings/CauseView';
export type { CompareLine } from './bindings/CompareLine';
export type { EffectiveRules } from './bindings/EffectiveRules';
export type { FidelityCounts } from './bindings/FidelityCounts';
export type { FidelityReason } from './bindings/FidelityReason';
export type { RuleInfo } from './bindings/RuleInfo';
export type { KpiChanges } from './bindings/KpiChanges';
export type { Kpis } from './bindings/Kpis';
export type { StepView } from './bindings/StepView';
export type { UnmatchedLine } from './bindings/UnmatchedLine';
export type { FileOutcome } from './bindings/FileOutcome';
export type { RejectedRow } from './bindings/RejectedRow';
export type { ColumnChoice, FileDeleted, FileImportOptions, ImportPreview };
export type IpPolicy = FileImportOptions['ipPolicy'];
export type DateOrder = NonNullable<FileImportOptions['dateOrder']>;
export type { SourceFile } from './bindings/SourceFile';
export type { ProjectSummary } from './bindings/ProjectSummary';

/** The error codes the UI treats specially; any other code is shown with its message. */
export const ErrorCode = {
  noProject: 'no_project',
  importRunning: 'import_running',
  cancelled: 'cancelled',
  duplicateFile: 'duplicate_file',
} as const;

export class IpcError extends Error {
  readonly code: string;

  constructor(error: AppError) {
    super(error.message);
    this.name = 'IpcError';
    this.code = error.code;
  }
}

function isAppError(value: unknown): value is AppError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AppError).code === 'string' &&
    typeof (value as AppError).message === 'string'
  );
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    if (isAppError(error)) throw new IpcError(error);
    throw new IpcError({ code: 'internal', message: String(error) });
  }
}

export const api = {
  /** The project to show at start (named on the command line, or still open), or null. */
  startupProject: () => call<ProjectView | null>('startup_project'),
  openProject: (path: string) => call<ProjectView>('open_project', { path }),
  openDemoProject: () => call<ProjectView>('open_demo_project'),
  closeProject: () => call<void>('close_project'),
  projectInfo: () => call<ProjectView>('project_info'),
  recentProjects: () => call<RecentProject[]>('recent_projects'),
  /** The clients (projects) in `folder`, which is remembered; null: the folder remembered (null when none was chosen yet). */
  listClients: (folder: string | null) => call<ClientsView | null>('list_clients', { folder }),
  /** Renames a client's project file to `name` (never overwriting one); resolves to its folder's clients. */
  renameClient: (path: string, name: string) => call<ClientsView>('rename_client', { path, name }),
  /** Copies the saved views and campaign mappings of the project at `from` into the one at `to`. */
  copyClientSettings: (from: string, to: string) => call<SettingsCopied>('copy_client_settings', { from, to }),
  /** The formats this build reads (the core's registry). */
  supportedFormats: () => call<FormatInfo[]>('supported_formats'),
  /** What each file would import as under its options: format, first rows, mapping, or why not. */
  previewImport: (files: FileImportOptions[]) => call<ImportPreview[]>('preview_import', { files }),
  /** Import files one after another, each under its options; `onProgress` is called at most ten times a second. */
  importFiles: (files: FileImportOptions[], onProgress: (progress: ImportProgress) => void) => {
    const channel = new Channel<ImportProgress>();
    channel.onmessage = onProgress;
    return call<ImportSummary>('import_files', { files, onProgress: channel });
  },
  cancelImport: () => call<void>('cancel_import'),
  /** Removes one imported file's rows, rejects and the sessions computed from them; cannot be undone. */
  deleteFile: (fileId: number) => call<FileDeleted>('delete_file', { fileId }),
  listRejects: (offset: number, limit: number) => call<RejectsPage>('list_rejects', { offset, limit }),
  /** Writes all rejected rows as spreadsheet-safe CSV; resolves to the number of rows. */
  exportRejects: (path: string) => call<number>('export_rejects', { path }),
  /** The presets, identities and time zones the rules panel offers. */
  ruleChoices: () => call<RuleChoices>('rule_choices'),
  /** Re-sessionizes under `rules` (in memory, off the UI thread); `range` null is every day. */
  dashboard: (rules: RulesInput, range: DayRange | null) => call<DashboardView>('dashboard', { rules, range }),
  discrepancy: (rules: RulesInput, range: DayRange | null) => call<DiscrepancyView>('discrepancy', { rules, range }),
  /** Computes the `view` under each of `rules` in the background (returns at once), so a click to one of them redraws at once. */
  prefetch: (rules: RulesInput[], range: DayRange | null, view: ViewKind) => call<void>('prefetch', { rules, range, view }),
  /** Stores in the project that the ad campaign's clicks land as `utmCampaign`; the next analysis uses it. */
  mapCampaign: (platform: string, adCampaign: string, utmCampaign: string) =>
    call<void>('map_campaign', { platform, adCampaign, utmCampaign }),
  /** The open project's view last shown (to restore) and its named views. */
  savedViews: () => call<SavedViews>('saved_views'),
  /** Keeps the rules, days and tab shown in the project, to show them when it opens again. */
  rememberView: (view: ViewState) => call<void>('remember_view', { view }),
  /** Saves the rules and days of `view` under `name` (replacing a view of that name); resolves to the named views. */
  saveNamedView: (name: string, view: ViewState) => call<NamedView[]>('save_named_view', { name, view }),
  deleteNamedView: (name: string) => call<NamedView[]>('delete_named_view', { name }),
  /** The KPIs of each of `rules` over `range` (the first is the one the others are measured against), in total, by campaign and by day. */
  compareRules: (rules: RulesInput[], range: DayRange | null) => call<CompareView>('compare_rules', { rules, range }),
  /** Our sessions under `rules` against the platform's own over `range` (null: every day). */
  fidelity: (rules: RulesInput, range: DayRange | null) => call<FidelityView>('fidelity', { rules, range }),
  /** Writes the PDF report of `rules` over `range` to `path` (from a save dialog). */
  saveReport: (rules: RulesInput, range: DayRange | null, settings: ReportSettings, path: string) =>
    call<SavedFile>('save_report', { rules, range, settings, path }),
  /** Writes one table as CSV (with a byte-order mark, for spreadsheets) to `path`. */
  saveCsv: (table: CsvTable, rules: RulesInput, range: DayRange | null, path: string) =>
    call<SavedFile>('save_csv', { table, rules, range, path }),
  /** Writes a chart's SVG document to `path` as SVG or PNG. */
  saveChart: (svg: string, format: ChartFormat, path: string) => call<SavedFile>('save_chart', { svg, format, path }),
};

const projectFilter = [{ name: 'SessionLens project', extensions: ['sessionlens'] }];

/** Native file dialogs; each resolves to null when the user cancels. */
export const dialogs = {
  async pickProject(): Promise<string | null> {
    const picked = await open({ title: 'Open project', multiple: false, directory: false, filters: projectFilter });
    return typeof picked === 'string' ? picked : null;
  },
  async pickNewProject(): Promise<string | null> {
    const path = await save({ title: 'New project', defaultPath: 'Untitled.sessionlens', filters: projectFilter });
    if (path === null) return null;
    return path.endsWith('.sessionlens') ? path : `${path}.sessionlens`;
  },
  async pickClientsFolder(): Promise<string | null> {
    const picked = await open({ title: 'Choose the clients folder', directory: true, multiple: false });
    return typeof picked === 'string' ? picked : null;
  },
  async pickImportFiles(): Promise<string[]> {
    const picked = await open({
      title: 'Import files',
      multiple: true,
      directory: false,
      filters: [
        {
          name: 'Traffic, ad and analytics exports',
          extensions: ['csv', 'tsv', 'txt', 'xlsx', 'xls', 'ods', 'json', 'ndjson', 'jsonl', 'log', 'gz', 'bz2'],
        },
        { name: 'All files', extensions: ['*'] },
      ],
    });
    if (picked === null) return [];
    return Array.isArray(picked) ? picked : [picked];
  },
  async pickLogo(): Promise<string | null> {
    const picked = await open({
      title: 'Logo for the report cover',
      multiple: false,
      directory: false,
      filters: [{ name: 'Images', extensions: ['png', 'jpg', 'jpeg', 'svg'] }],
    });
    return typeof picked === 'string' ? picked : null;
  },
  /** A place to save a file of `kind` (its extension), suggesting `name`; the extension is added when left off. */
  async pickSaveFile(title: string, name: string, kind: 'pdf' | 'csv' | 'svg' | 'png'): Promise<string | null> {
    const path = await save({
      title,
      defaultPath: `${name}.${kind}`,
      filters: [{ name: kind.toUpperCase(), extensions: [kind] }],
    });
    if (path === null) return null;
    return path.toLowerCase().endsWith(`.${kind}`) ? path : `${path}.${kind}`;
  },
  async pickRejectsExport(projectName: string): Promise<string | null> {
    return save({
      title: 'Export rejected rows',
      defaultPath: `${projectName} rejected rows.csv`,
      filters: [{ name: 'CSV', extensions: ['csv'] }],
    });
  },
};
