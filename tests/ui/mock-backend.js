// A stand-in for the Rust side in UI tests, loaded before the app's own script. It answers
// the app's commands (and the dialog plugin's) from an in-memory project, records every call
// in window.__slCalls, and lets a test hold an import open (window.__slReleaseImport) to look
// at its progress. window.__SL_SCENARIO__ (set by the test before the page loads) picks the data.

import { mockIPC } from '/__test/tauri-mocks.js';

const scenario = window.__SL_SCENARIO__ ?? {};
const HOSTILE = '<img src=x onerror=alert(1)>';
window.__slCalls = [];

const DAY = 86_400_000;
const MARCH_1 = Date.UTC(2024, 2, 1);

function file(id, name, format, kind, rowsImported, rowsRejected, first, last, timeZone) {
  return {
    id,
    name,
    path: `/home/user/data/${name}`,
    size: 1024 * (rowsImported + rowsRejected),
    format,
    kind,
    encoding: 'UTF-8',
    timeZone,
    rowsImported,
    rowsRejected,
    rowsDuplicate: 0,
    firstTsMs: first,
    lastTsMs: last,
    importedAt: '2024-04-02T09:00:00Z',
  };
}

const project = {
  open: false,
  files: [
    file(1, 'shop-traffic-2024-03.csv', 'csv', 'traffic', 3000, 3, MARCH_1, MARCH_1 + 30 * DAY + 3_600_000, null),
    file(2, 'google-ads-campaigns-2024-03.csv', 'google-ads-ui', 'ads', 31, 0, null, null, 'Europe/Berlin'),
  ],
  rejects: [
    { file: 'shop-traffic-2024-03.csv', line: 3002, raw: '2024-03-32T10:00:00Z,1000000001.1700000001,,https://shop.example/shop', reason: 'no valid timestamp' },
    { file: 'shop-traffic-2024-03.csv', line: 3003, raw: 'yesterday,1000000002.1700000002,,https://shop.example/cart', reason: 'no valid timestamp' },
    { file: 'shop-traffic-2024-03.csv', line: 3004, raw: '=HYPERLINK("http://evil.example"),1000000003', reason: 'no valid timestamp' },
  ],
};

function view() {
  const traffic = project.files.filter((f) => f.kind === 'traffic');
  return {
    path: '/home/user/.local/share/app.sessionlens.desktop/demo/Demo shop v1.sessionlens',
    name: 'Demo shop v1',
    isDemo: true,
    info: {
      files: project.files,
      hits: traffic.reduce((n, f) => n + f.rowsImported, 0),
      adStatRows: 31,
      adClickRows: 0,
      adClicks: 712,
      rejects: project.rejects.length,
      firstHitMs: Math.min(...traffic.map((f) => f.firstTsMs)),
      lastHitMs: Math.max(...traffic.map((f) => f.lastTsMs)),
      firstAdDate: '2024-03-01',
      lastAdDate: '2024-03-31',
      timeZones: ['Europe/Berlin'],
    },
  };
}

function fail(code, message) {
  return Promise.reject({ code, message });
}

let pendingImport = null;

function importFiles({ paths, onProgress }) {
  const name = paths[0].split('/').pop();
  const total = 500_000;
  onProgress.onmessage({ fileIndex: 0, fileCount: paths.length, fileName: name, rows: 0, rejected: 0, bytesRead: 0, bytesTotal: total });
  onProgress.onmessage({ fileIndex: 0, fileCount: paths.length, fileName: name, rows: 1234, rejected: 2, bytesRead: 200_000, bytesTotal: total });
  return new Promise((resolve) => {
    pendingImport = (cancelled) => {
      pendingImport = null;
      if (cancelled) {
        resolve({ files: [{ path: paths[0], name, imported: null, error: { code: 'cancelled', message: 'cancelled; the project is unchanged' } }], cancelled: true, project: view() });
        return;
      }
      const hostile = scenario.hostile === true;
      const fileName = hostile ? `campaign-${HOSTILE}.csv` : name;
      project.files.push(file(3, fileName, 'combined', 'traffic', 5000, 2, MARCH_1, MARCH_1 + DAY, null));
      project.rejects.push(
        { file: fileName, line: 17, raw: `GET /?utm_campaign=${HOSTILE} HTTP/1.1`, reason: `unparseable request ${HOSTILE}` },
        { file: fileName, line: 99, raw: '- - [bad date]', reason: 'no valid timestamp' },
      );
      const extra = paths.slice(1).map((p) => ({
        path: p,
        name: p.split('/').pop(),
        imported: null,
        error: { code: 'duplicate_file', message: `${p} has the same content as '${name}', imported before` },
      }));
      resolve({
        files: [
          {
            path: paths[0],
            name: fileName,
            imported: {
              format: 'combined',
              description: hostile ? `Access log ${HOSTILE}` : 'Apache/nginx combined access log',
              kind: 'traffic',
              encoding: 'UTF-8',
              rowsImported: 5000,
              rowsRejected: 2,
              rowsDuplicate: 0,
              timeZone: null,
            },
            error: null,
          },
          ...extra,
        ],
        cancelled: false,
        project: view(),
      });
    };
  });
}

window.__slReleaseImport = () => pendingImport?.(false);
window.__slImportPending = () => pendingImport !== null;

mockIPC((cmd, args) => {
  window.__slCalls.push({ cmd, args: cmd === 'import_files' ? { paths: args.paths } : args });
  switch (cmd) {
    case 'startup_project':
      return null;
    case 'recent_projects':
      return scenario.recent ?? [];
    case 'supported_formats':
      return [
        { id: 'csv', description: 'CSV traffic export', kind: 'traffic' },
        { id: 'apache-combined', description: 'Apache/NCSA combined log', kind: 'traffic' },
        { id: 'google-ads-report', description: 'Google Ads report download', kind: 'ads' },
      ];
    case 'open_demo_project':
      project.open = true;
      return view();
    case 'open_project':
      if (scenario.openError) return fail(scenario.openError.code, scenario.openError.message);
      project.open = true;
      return { ...view(), path: args.path, name: args.path.split('/').pop().replace(/\.sessionlens$/, ''), isDemo: false };
    case 'close_project':
      project.open = false;
      return null;
    case 'project_info':
      return project.open ? view() : fail('no_project', 'no project is open');
    case 'list_rejects':
      return { total: project.rejects.length, offset: args.offset, rows: project.rejects.slice(args.offset, args.offset + args.limit) };
    case 'import_files':
      return importFiles(args);
    case 'cancel_import':
      pendingImport?.(true);
      return null;
    case 'export_rejects':
      return project.rejects.length;
    case 'plugin:dialog|open':
      if (args.options.multiple) return scenario.importPaths ?? ['/home/user/logs/access.log'];
      return scenario.projectPath ?? '/home/user/Shop.sessionlens';
    case 'plugin:dialog|save':
      return '/home/user/rejects.csv';
    default:
      return fail('internal', `the UI test mock does not know the command ${cmd}`);
  }
});
