// The app's locked-down configuration, checked from its files without building the app:
// - tauri.conf.json: a Content-Security-Policy with default-src and script-src 'self', no remote
//   sources anywhere, no 'unsafe-inline'/'unsafe-eval' scripts, no dangerousRemoteDomainIpcAccess;
// - src-tauri/capabilities/*.json: no remote URLs, and no permission but `allow-<command>` for
//   each command the UI invokes, the dialog's open/save if the UI opens those dialogs, and event
//   listening if the UI listens (files dropped on the window);
// - the commands the UI invokes (ui/src) are each granted, listed in COMMANDS (src-tauri/build.rs)
//   and registered in generate_handler! (src-tauri/src/lib.rs), and those two lists agree.
// Every expected set is derived from the files, so adding a command means editing those files,
// not this test. Each failure names the file to change and what to change in it.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (file) => fs.readFileSync(path.join(repo, file), 'utf8');

const CONF = 'tauri.conf.json';
const CAPABILITIES = 'src-tauri/capabilities';
const BUILD_RS = 'src-tauri/build.rs';
const LIB_RS = 'src-tauri/src/lib.rs';
const IPC_TS = 'ui/src/ipc.ts';

// ---- Reading the files -------------------------------------------------------------------

/** Rust source without its comments (so a commented-out command does not count). */
function withoutRustComments(source) {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
}

/** The string literals of `const COMMANDS: &[&str] = &[...]` in build.rs. */
export function buildCommands(source) {
  const list = withoutRustComments(source).match(/const\s+COMMANDS\s*:\s*&\[&str\]\s*=\s*&\[([\s\S]*?)\];/);
  if (!list) return null;
  return [...list[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
}

/** The commands in `generate_handler![...]` in lib.rs (the last path segment of each). */
export function handlerCommands(source) {
  const list = withoutRustComments(source).match(/generate_handler!\s*\[([\s\S]*?)\]/);
  if (!list) return null;
  return list[1]
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => entry.split('::').at(-1));
}

/** Command names the UI sources pass to `invoke(...)` or to ipc.ts's `call(...)` as literals. */
export function invokedCommands(sources) {
  const invoked = new Map();
  for (const [file, source] of Object.entries(sources)) {
    for (const m of source.matchAll(/\b(?:invoke|call)\s*(?:<[^()]*?>)?\s*\(\s*(['"`])([\w-]+)\1/g)) {
      if (!invoked.has(m[2])) invoked.set(m[2], file);
    }
  }
  return invoked;
}

/** What else of Tauri the UI uses that needs a permission. */
export function uiNeeds(sources) {
  const all = Object.values(sources).join('\n');
  const dialog = all.match(/import\s*\{([^}]*)\}\s*from\s*['"]@tauri-apps\/plugin-dialog['"]/);
  const names = dialog ? dialog[1].split(',').map((n) => n.trim().split(/\s+as\s+/)[0]) : [];
  return {
    dialogOpen: names.includes('open'),
    dialogSave: names.includes('save'),
    events:
      /from\s*['"]@tauri-apps\/api\/(event|webview|window)['"]/.test(all) &&
      /\b(onDragDropEvent|listen|once)\s*\(/.test(all),
  };
}

/** The directives of a CSP (a string or Tauri's object form), as name -> sources. */
export function parseCsp(csp) {
  const directives = new Map();
  if (typeof csp === 'string') {
    for (const part of csp.split(';')) {
      const [name, ...sources] = part.trim().split(/\s+/).filter(Boolean);
      if (name) directives.set(name.toLowerCase(), sources);
    }
  } else if (csp && typeof csp === 'object') {
    for (const [name, value] of Object.entries(csp)) {
      directives.set(name.toLowerCase(), Array.isArray(value) ? value : String(value).split(/\s+/).filter(Boolean));
    }
  }
  return directives;
}

// ---- The rules -----------------------------------------------------------------------------

/** Sources that stay on the machine: the app's own files and Tauri's local protocols. */
const LOCAL_SOURCES = new Set([
  "'self'",
  "'none'",
  'ipc:',
  'http://ipc.localhost',
  'asset:',
  'http://asset.localhost',
  'data:',
  'blob:',
]);
/** Directives that govern scripts (default-src is their fallback). */
const SCRIPT_DIRECTIVES = ['default-src', 'script-src', 'script-src-elem', 'script-src-attr'];

export function cspProblems(conf) {
  const problems = [];
  const csp = conf?.app?.security?.csp;
  const where = `${CONF} app.security.csp`;
  if (!csp) return [`${where} is missing: without it the webview applies no Content-Security-Policy; restore it`];
  const directives = parseCsp(csp);
  for (const required of ['default-src', 'script-src']) {
    const sources = directives.get(required);
    if (!sources) problems.push(`${where} has no ${required}: add "${required} 'self'"`);
    else if (!sources.includes("'self'")) {
      problems.push(`${where}: ${required} must be 'self' (it is "${sources.join(' ')}")`);
    }
  }
  for (const [name, sources] of directives) {
    for (const source of sources) {
      const lower = source.toLowerCase();
      if (lower === "'unsafe-eval'" || lower === "'wasm-unsafe-eval'") {
        problems.push(`${where}: ${name} allows ${source}; remove it (no code may be built from strings)`);
      } else if (lower === "'unsafe-inline'" && SCRIPT_DIRECTIVES.includes(name)) {
        problems.push(`${where}: ${name} allows 'unsafe-inline' scripts; remove it and move the script into a file`);
      } else if ((lower === 'data:' || lower === 'blob:') && SCRIPT_DIRECTIVES.includes(name)) {
        problems.push(`${where}: ${name} allows ${source} scripts; remove it`);
      } else if (!LOCAL_SOURCES.has(lower) && !lower.startsWith("'nonce-") && !lower.startsWith("'sha")) {
        problems.push(
          `${where}: ${name} allows "${source}", which is not local; SessionLens loads nothing from the network, ` +
            `so remove it (allowed: ${[...LOCAL_SOURCES].join(' ')})`,
        );
      }
    }
  }
  if (JSON.stringify(conf).includes('dangerousRemoteDomainIpcAccess')) {
    problems.push(`${CONF} sets dangerousRemoteDomainIpcAccess: remove it, no remote page may call the app`);
  }
  return problems;
}

/** Every string in a JSON value that is a URL with a scheme (http://, https://, ...). */
function urlsIn(value, found = []) {
  if (typeof value === 'string') {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) found.push(value);
  } else if (Array.isArray(value)) {
    value.forEach((v) => urlsIn(v, found));
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) if (key !== '$schema') urlsIn(v, found);
  }
  return found;
}

const permissionOf = (command) => `allow-${command.replaceAll('_', '-')}`;

/**
 * What the capabilities grant beyond what the UI uses, and what the UI invokes that is not
 * granted, listed or registered. `capabilities` maps file name to parsed JSON.
 */
export function permissionProblems({ capabilities, invoked, needs, build, handlers }) {
  const problems = [];
  const allowed = new Map(); // permission -> why it is allowed
  for (const [command, file] of invoked) allowed.set(permissionOf(command), `${file} invokes ${command}`);
  if (needs.dialogOpen) allowed.set('dialog:allow-open', 'the UI opens files with the dialog plugin');
  if (needs.dialogSave) allowed.set('dialog:allow-save', 'the UI saves files with the dialog plugin');
  if (needs.events) {
    allowed.set('core:event:allow-listen', 'the UI listens to events (files dropped on the window)');
    allowed.set('core:event:allow-unlisten', 'the UI stops listening to events');
  }

  const granted = new Set();
  for (const [file, capability] of Object.entries(capabilities)) {
    const where = `${CAPABILITIES}/${file}`;
    if (capability.remote) problems.push(`${where} has "remote": remove it, no remote page may call the app`);
    for (const url of urlsIn(capability)) problems.push(`${where} names the remote URL ${url}: remove it`);
    for (const entry of capability.permissions ?? []) {
      const permission = typeof entry === 'string' ? entry : entry?.identifier;
      granted.add(permission);
      if (allowed.has(permission)) continue;
      const command = /^allow-([a-z0-9-]+)$/.exec(permission ?? '')?.[1]?.replaceAll('-', '_');
      let why;
      if (!permission) why = 'an entry without an identifier';
      else if (permission.includes('*')) why = 'a wildcard, which grants more than the UI uses';
      else if (permission.endsWith(':default')) why = 'a default set, which grants more than the UI uses';
      else if (/^(fs|shell|http|process|opener|os):/.test(permission)) {
        why = 'file system, shell, network or process access';
      }
      else if (command) why = `a command the UI never invokes (no call('${command}') in ui/src)`;
      else why = 'not a permission the UI needs';
      problems.push(
        `${where} grants "${permission ?? JSON.stringify(entry)}": ${why}; remove it` +
          (command ? `, or invoke ${command} from ${IPC_TS}` : ''),
      );
    }
  }
  for (const [permission, reason] of allowed) {
    if (!granted.has(permission)) {
      problems.push(`${reason}, but no capability in ${CAPABILITIES} grants "${permission}": add it to default.json`);
    }
  }
  for (const [command, file] of invoked) {
    if (!build.includes(command)) {
      problems.push(`${file} invokes ${command}, which is not in COMMANDS in ${BUILD_RS}: add "${command}"`);
    }
    if (!handlers.includes(command)) {
      problems.push(
        `${file} invokes ${command}, which is not in generate_handler! in ${LIB_RS}: add commands::${command}`,
      );
    }
  }
  for (const command of build) {
    if (!handlers.includes(command)) {
      problems.push(
        `${BUILD_RS} lists ${command} in COMMANDS but ${LIB_RS} does not register it in generate_handler!: ` +
          'add it there or remove it from COMMANDS',
      );
    }
  }
  for (const command of handlers) {
    if (!build.includes(command)) {
      problems.push(
        `${LIB_RS} registers ${command} in generate_handler! but ${BUILD_RS} does not list it in COMMANDS: ` +
          `add "${command}" there (without it no capability can grant it)`,
      );
    }
  }
  for (const list of [build, handlers]) {
    const repeated = list.filter((c, i) => list.indexOf(c) !== i);
    if (repeated.length) problems.push(`${list === build ? BUILD_RS : LIB_RS} lists ${repeated.join(', ')} twice`);
  }
  return problems;
}

// ---- The real configuration ----------------------------------------------------------------

function uiSources() {
  const sources = {};
  const walk = (dir) => {
    for (const entry of fs.readdirSync(path.join(repo, dir), { withFileTypes: true })) {
      const file = `${dir}/${entry.name}`;
      if (entry.isDirectory() && entry.name !== 'bindings') walk(file);
      else if (/\.(ts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) sources[file] = read(file);
    }
  };
  walk('ui/src');
  return sources;
}

function realConfig() {
  const capabilities = {};
  for (const file of fs.readdirSync(path.join(repo, CAPABILITIES)).filter((f) => f.endsWith('.json'))) {
    capabilities[file] = JSON.parse(read(`${CAPABILITIES}/${file}`));
  }
  const sources = uiSources();
  const build = buildCommands(read(BUILD_RS));
  const handlers = handlerCommands(read(LIB_RS));
  assert.ok(build?.length, `no COMMANDS list found in ${BUILD_RS}: if it moved, update tests/ui/config.test.mjs`);
  assert.ok(handlers?.length, `no generate_handler! list in ${LIB_RS}: if it moved, update tests/ui/config.test.mjs`);
  const invoked = invokedCommands(sources);
  assert.ok(invoked.size > 0, `no invoked commands found in ui/src (expected call('command', ...) in ${IPC_TS})`);
  return { capabilities, invoked, needs: uiNeeds(sources), build, handlers };
}

test('the CSP keeps everything local and allows no inline or eval scripts', () => {
  assert.deepEqual(cspProblems(JSON.parse(read(CONF))), []);
});

test('the capabilities grant exactly what the UI uses, and every invoked command is listed and registered', () => {
  const config = realConfig();
  assert.ok(config.invoked.has('open_project'), `${IPC_TS} invokes open_project`);
  assert.deepEqual(permissionProblems(config), []);
});

// ---- The rules catch what they should --------------------------------------------------------

test('a CSP with remote sources, inline or eval scripts, or without default-src/script-src is refused', () => {
  const conf = (csp) => ({ app: { security: { csp } } });
  assert.deepEqual(cspProblems(conf("default-src 'self'; script-src 'self'; img-src 'self' data:")), []);
  const cases = [
    ["default-src 'self'; script-src 'self' https://cdn.example", 'script-src allows "https://cdn.example"'],
    ["default-src 'self'; script-src 'self'; connect-src *", 'connect-src allows "*"'],
    ["default-src 'self'; script-src 'self'; img-src https:", 'img-src allows "https:"'],
    ["default-src 'self'; script-src 'self' 'unsafe-inline'", "script-src allows 'unsafe-inline' scripts"],
    ["default-src 'self' 'unsafe-eval'; script-src 'self'", "default-src allows 'unsafe-eval'"],
    ["default-src 'self'; script-src 'self' data:", 'script-src allows data: scripts'],
    ["script-src 'self'", 'has no default-src'],
    ["default-src 'self'", 'has no script-src'],
    ["default-src 'none'; script-src 'none'", "default-src must be 'self'"],
    [null, 'is missing'],
    [{ 'default-src': "'self'", 'script-src': ["'self'", 'http://evil.example'] }, '"http://evil.example"'],
  ];
  for (const [csp, expected] of cases) {
    const problems = cspProblems(conf(csp));
    assert.ok(problems.some((p) => p.includes(expected)), `${JSON.stringify(csp)}: ${problems.join(' | ')}`);
  }
  const csp = "default-src 'self'; script-src 'self'";
  const remoteIpc = { app: { security: { csp, dangerousRemoteDomainIpcAccess: [] } } };
  assert.match(cspProblems(remoteIpc).join('\n'), /dangerousRemoteDomainIpcAccess: remove it/);
});

test('permissions beyond the UI, commands not granted, listed or registered, and remote URLs are refused', () => {
  const base = () => ({
    capabilities: {
      'default.json': {
        windows: ['main'],
        permissions: [
          'allow-open-project',
          'allow-import-files',
          'dialog:allow-open',
          'core:event:allow-listen',
          'core:event:allow-unlisten',
        ],
      },
    },
    invoked: new Map([
      ['open_project', IPC_TS],
      ['import_files', IPC_TS],
    ]),
    needs: { dialogOpen: true, dialogSave: false, events: true },
    build: ['open_project', 'import_files'],
    handlers: ['open_project', 'import_files'],
  });
  assert.deepEqual(permissionProblems(base()), []);
  const expectProblem = (change, expected) => {
    const config = base();
    change(config);
    const problems = permissionProblems(config);
    assert.ok(problems.some((p) => p.includes(expected)), `expected "${expected}" in: ${problems.join(' | ')}`);
  };
  const grant = (permission) => (c) => c.capabilities['default.json'].permissions.push(permission);
  expectProblem(grant('core:default'), 'grants "core:default": a default set');
  expectProblem(grant('fs:allow-read-text-file'), 'grants "fs:allow-read-text-file": file system, shell, network');
  expectProblem(grant('shell:allow-execute'), 'grants "shell:allow-execute"');
  expectProblem(grant('http:default'), 'grants "http:default"');
  expectProblem(grant('dialog:*'), 'a wildcard');
  expectProblem(grant({ identifier: 'fs:scope', allow: [{ path: '$HOME/**' }] }), 'grants "fs:scope"');
  expectProblem(grant('dialog:allow-save'), 'grants "dialog:allow-save": not a permission the UI needs');
  expectProblem(grant('allow-delete-file'), "a command the UI never invokes (no call('delete_file') in ui/src)");
  expectProblem(
    (c) => c.invoked.set('delete_file', IPC_TS),
    `invokes delete_file, but no capability in ${CAPABILITIES} grants "allow-delete-file": add it to default.json`,
  );
  const invokeDelete = (c) => c.invoked.set('delete_file', IPC_TS);
  expectProblem(invokeDelete, `which is not in COMMANDS in ${BUILD_RS}: add "delete_file"`);
  expectProblem(invokeDelete, `not in generate_handler! in ${LIB_RS}: add commands::delete_file`);
  expectProblem((c) => c.build.push('save_csv'), `lists save_csv in COMMANDS but ${LIB_RS} does not register it`);
  expectProblem((c) => c.handlers.push('save_csv'), `registers save_csv in generate_handler! but ${BUILD_RS} does not`);
  expectProblem((c) => (c.needs.dialogSave = true), 'grants "dialog:allow-save": add it');
  const remote = { urls: ['https://*.example'] };
  expectProblem((c) => (c.capabilities['default.json'].remote = remote), '"remote": remove it');
  const remoteWindow = { permissions: [], windows: ['https://evil.example'] };
  expectProblem((c) => (c.capabilities['other.json'] = remoteWindow), 'names the remote URL https://evil.example');
});

test('the readers find commands as the app writes them, and skip commented-out ones', () => {
  const build = `const COMMANDS: &[&str] = &[\n    "open_project",\n    // "old_one",\n    "import_files",\n];`;
  assert.deepEqual(buildCommands(build), ['open_project', 'import_files']);
  const lib = `.invoke_handler(tauri::generate_handler![
    commands::open_project,
    /* commands::gone, */
    commands::import_files,
  ])`;
  assert.deepEqual(handlerCommands(lib), ['open_project', 'import_files']);
  const ipc =
    "call<ProjectView>('open_project', { path }); call<Array<Map<string, number>>>(\"import_files\"); invoke(`x_y`);";
  assert.deepEqual([...invokedCommands({ [IPC_TS]: ipc }).keys()], ['open_project', 'import_files', 'x_y']);
  assert.deepEqual(uiNeeds({ a: "import { open, save as saveDialog } from '@tauri-apps/plugin-dialog';" }), {
    dialogOpen: true,
    dialogSave: true,
    events: false,
  });
});
