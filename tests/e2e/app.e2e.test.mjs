// End to end: the built app under Xvfb, driven through tauri-driver and WebKitWebDriver.
// Run by scripts/e2e.sh, which builds the app, starts the display and the driver, and sets
// SESSIONLENS_APP, SESSIONLENS_FIXTURES, WEBDRIVER_URL and SCREENSHOT_DIR (a folder git ignores,
// or docs/screenshots when scripts/screenshots.sh refreshes the committed ones; without it, a
// new temp folder).
//
// Screenshots are taken of the X display (ImageMagick's `import`): WebKitWebDriver's own
// screenshot command never answers under Xvfb. The native file dialogs are real GTK windows,
// answered the way a person would (./desktop.mjs).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { answerFileDialog } from './desktop.mjs';
import { WebDriver } from './webdriver.mjs';

const app = process.env.SESSIONLENS_APP;
const accessLog = path.join(process.env.SESSIONLENS_FIXTURES ?? '', 'access-logs/basjes-hackers-access.log');
const screenshots = process.env.SCREENSHOT_DIR || fs.mkdtempSync(path.join(os.tmpdir(), 'sessionlens-e2e-screenshots-'));

let driver;

async function save(name) {
  await driver.painted();
  execFileSync('import', ['-window', 'root', path.join(screenshots, name)]);
}

/** The text of each cell of each row of the table `css`. */
async function tableCells(css) {
  const rows = await driver.findAll(`${css} tbody tr`);
  return Promise.all(
    rows.map(async (row) => {
      const cells = await driver.cmd('POST', `/element/${row}/elements`, { using: 'css selector', value: 'td' });
      return Promise.all(cells.map((cell) => driver.text(Object.values(cell)[0])));
    }),
  );
}

before(async () => {
  assert.ok(app && fs.existsSync(app), `SESSIONLENS_APP must name the built app (got ${app})`);
  assert.ok(fs.existsSync(accessLog), `fixture missing: ${accessLog}`);
  fs.mkdirSync(screenshots, { recursive: true });
  driver = await WebDriver.start(process.env.WEBDRIVER_URL, {
    browserName: 'wry',
    'tauri:options': { application: app },
  });
});

after(async () => {
  await driver?.quit();
});

test('the start screen offers the demo project', async () => {
  await driver.waitFor('#open-demo', { test: (t) => t === 'Open demo project' });
  assert.equal(await driver.text(await driver.find('h1')), 'Sessions and ad clicks, side by side');
  await driver.waitFor('.recent', { test: (t) => t.includes('Projects you open will be listed here.') });
  await save('start.png');
});

test('the demo project opens with its files listed', async () => {
  await driver.click(await driver.find('#open-demo'));
  await driver.waitFor('#files-table tbody tr', { timeout: 60_000, what: 'the files table' });
  const files = await tableCells('#files-table');
  const traffic = files.find((cells) => cells[0] === 'shop-traffic-2026-11.csv');
  assert.ok(traffic, JSON.stringify(files));
  // The last New York evening of November is 1 December in UTC.
  assert.deepEqual(traffic.slice(1, 6), ['CSV/TSV traffic export', 'traffic', '9,815 hits', '3', 'Nov 1, 2026 – Dec 1, 2026']);
  const ads = files.find((cells) => cells[0] === 'google-ads-campaigns-2026-11.csv');
  assert.ok(ads, `the demo's ad report is listed: ${JSON.stringify(files)}`);
  assert.equal(ads[2], 'ad data');
  await driver.waitFor('#rejects-table tbody tr', { what: 'the rejects table' });
  assert.equal(await driver.text(await driver.find('#rejects-title .count-badge')), '3');
  await save('project.png');
});

test('the discrepancy view answers first: the verdict of the demo, then its campaigns', async () => {
  await driver.click(await driver.find('#tab-discrepancy'));
  const verdict = await driver.waitForText('#discrepancy .verdict', {
    timeout: 60_000,
    test: (t) => t.startsWith('All campaigns: 1,886 clicks →'),
    what: 'the verdict',
  });
  assert.match(verdict, /GA4 sessions .*below the usual 80–120.*tags lost on the way to \/promo/);
  await driver.waitFor('#discrepancy-table tbody tr', { timeout: 60_000, what: 'the campaign table' });
  const campaigns = await tableCells('#discrepancy-table');
  assert.ok(campaigns.some((cells) => cells[0] === 'Brand - Exact'), JSON.stringify(campaigns));
  await driver.waitFor('#discrepancy .chart svg', { what: 'the waterfall' });
  await save('discrepancy.png');
  await driver.click(await driver.find('#discrepancy-table tbody tr .link-button'));
  await driver.waitFor('#campaign-detail .step-explanation', { what: 'the campaign explanation' });
});

test('the dashboard recomputes after a rules toggle', async () => {
  await driver.click(await driver.find('#tab-dashboard'));
  const tile = '#kpi-sessions .kpi-value';
  const first = await driver.waitForText(tile, { timeout: 60_000, test: (t) => /^[1-9][\d,]*$/.test(t), what: 'the sessions tile' });
  await driver.waitFor('#dashboard .chart svg', { what: 'the sessions chart' });
  await save('dashboard.png');
  // A 5-minute timeout splits sessions the 30-minute default keeps whole.
  await driver.execute(
    "const input = document.getElementById('rule-timeout'); input.value = '5m'; input.dispatchEvent(new Event('change'));",
  );
  const second = await driver.waitForText(tile, { timeout: 60_000, test: (t) => /^[1-9][\d,]*$/.test(t) && t !== first, what: 'recomputed sessions' });
  const number = (t) => Number(t.replace(/,/g, ''));
  assert.ok(number(second) > number(first), `${second} sessions at 5 min, ${first} at the default`);
});

test('the PDF report is saved from the discrepancy view and holds the figures shown', async () => {
  await driver.click(await driver.find('#tab-dashboard'));
  const sessions = await driver.waitForText('#kpi-sessions .kpi-value', { timeout: 60_000, test: (t) => /^[1-9][\d,]*$/.test(t), what: 'the sessions tile' });
  await driver.click(await driver.find('#tab-discrepancy'));
  await driver.waitFor('#discrepancy #save-report', { timeout: 60_000, what: 'the report button' });
  await driver.click(await driver.find('#discrepancy #save-report'));
  await driver.waitFor('#report-dialog #report-save', { what: 'the report form' });
  await driver.execute("document.getElementById('report-title').value = 'November 2026 review';");
  await save('report-dialog.png');
  // The form scrolls inside a window shorter than it; WebKit's driver clicks only what is in view.
  await driver.execute("document.getElementById('report-save').scrollIntoView({ block: 'nearest' });");
  await driver.click(await driver.find('#report-dialog #report-save'));
  const pdf = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sessionlens-e2e-')), 'audit.pdf');
  answerFileDialog('Save report', pdf, screenshots);
  await driver.waitFor('.notice', { timeout: 120_000, test: (t) => t.startsWith('Saved '), what: 'the saved notice' });
  assert.equal(fs.readFileSync(pdf).subarray(0, 5).toString(), '%PDF-');
  const text = execFileSync('pdftotext', ['-layout', pdf, '-']).toString();
  assert.match(text, /November 2026 review/);
  // The same 5-minute rules as the dashboard shows: its sessions figure is in the summary.
  assert.ok(text.includes(sessions), `the report shows ${sessions} sessions`);
});

test('compare shows the rules panel preset against another, side by side', async () => {
  await driver.click(await driver.find('#tab-compare'));
  await driver.waitFor('#compare-table tbody tr', { timeout: 60_000, what: 'the comparison table' });
  const rows = await tableCells('#compare-table');
  assert.ok(rows.length >= 8, `a row per KPI: ${JSON.stringify(rows)}`);
  await save('compare.png');
});

test('an access log chosen in the file dialog is previewed in the wizard, then imports with a summary', async () => {
  await driver.click(await driver.find('#import-files'));
  answerFileDialog('Import files', accessLog, screenshots);
  const detected = await driver.waitForText('#import-wizard .detected', {
    timeout: 60_000,
    test: (t) => t.includes('· traffic ·'),
    what: 'the detected format in the wizard',
  });
  assert.match(detected, /log/i);
  // The cells' text as the page holds it: the table may be below the fold, where WebKit's
  // driver reports no rendered text.
  const preview = await driver.execute(
    "return [...document.querySelectorAll('#import-wizard .preview-table tbody tr')].map((r) => [...r.cells].map((c) => c.textContent));",
  );
  assert.equal(preview.length, 10, 'the first 10 rows are previewed');
  assert.equal(preview[0][0], '2015-10-25 03:11:25', '04:11:25 +0100 in the log, shown in UTC');
  const start = await driver.waitFor('#start-import', { test: (t) => t === 'Import 1 file', what: 'the import button' });
  await save('import-wizard.png');
  await driver.click(start);
  const text = await driver.waitForText('#import-summary', {
    timeout: 120_000,
    test: (t) => t.startsWith('Import finished'),
    what: 'the import summary',
  });
  assert.match(text, /basjes-hackers-access\.log — .+: [\d,]+ hits imported, [\d,]+ rejected/);
  const files = await tableCells('#files-table');
  const log = files.find((cells) => cells[0] === 'basjes-hackers-access.log');
  assert.ok(log, JSON.stringify(files));
  assert.equal(log[2], 'traffic');
  assert.match(log[3], /^[1-9][\d,]* hits$/);
  await save('import-done.png');
});
