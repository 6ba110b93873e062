// The import wizard against the mocked backend: each chosen file previewed with its format and
// first rows, a file that cannot be read shown with what to do, a CSV's columns mapped and the
// mapping, time zone, date order and IP policy sent with the import; formats by their names;
// warnings for a file that does not fit the project; where to get each kind of file; files
// dropped on the window; and the project tabs driven by keyboard. SCREENSHOTS=dir saves
// screenshots.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { calls, launchBrowser, openApp, startServer } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function screenshot(page, name) {
  if (!process.env.SCREENSHOTS) return;
  fs.mkdirSync(process.env.SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(process.env.SCREENSHOTS, name), fullPage: true });
}

async function openDemo(page) {
  await page.getByRole('button', { name: 'Open demo project' }).click();
  await page.locator('#files-table').waitFor();
}

/** The arguments of the last call of `cmd` the app sent. */
async function lastArgs(page, cmd) {
  return page.evaluate((c) => window.__slCalls.filter((x) => x.cmd === c).at(-1)?.args, cmd);
}

const card = (page, name) => page.locator('.import-file', { has: page.getByRole('heading', { name, level: 3 }) });

test('the wizard previews each file, shows a file it cannot read with what to do, and imports the rest', async () => {
  const { page, problems } = await openApp(browser.context, server.url, {
    importPaths: ['/home/user/logs/access.log', '/home/user/data/broken.bin', '/home/user/data/ads-march.csv'],
  });
  await openDemo(page);
  await page.getByRole('button', { name: 'Import files…' }).click();
  const wizard = page.getByRole('region', { name: 'Import files' });
  await wizard.waitFor();

  const log = card(page, 'access.log');
  await log.locator('.preview-table').waitFor();
  assert.equal(await log.locator('.detected').textContent(), 'Apache/nginx access log (combined) · traffic · UTF-8');
  assert.deepEqual(await log.locator('.preview-table th').allTextContents(), ['Time (UTC)', 'Event', 'URL', 'Referrer', 'User agent']);
  assert.equal(await log.locator('.preview-table tbody tr').count(), 3);
  assert.equal(await log.locator('.preview-table tbody tr td').first().textContent(), '2015-10-25 03:11:20');
  assert.match(await log.locator('h4').textContent(), /^The first 3 rows, as they will be imported/);
  assert.equal(await log.locator('.mapping').count(), 0, 'a log has no columns to map');

  const broken = card(page, 'broken.bin');
  const problem = broken.locator('.file-problem');
  await problem.waitFor();
  assert.match(await problem.textContent(), /cannot be imported as it is: .*not a format SessionLens recognises/);
  assert.match(await problem.locator('.file-todo').textContent(), /choose its format above/);
  assert.equal(await broken.locator('.preview-table').count(), 0);

  const ads = card(page, 'ads-march.csv');
  await ads.locator('.preview-table').waitFor();
  const zone = ads.getByLabel('Time zone');
  assert.ok(await zone.isDisabled(), 'the zone the file states is used');
  assert.equal(await zone.inputValue(), 'America/New_York');
  assert.match(await ads.textContent(), /The file states its time zone \(America\/New_York\)/);

  const start = page.locator('#start-import');
  assert.equal(await start.textContent(), 'Import 2 files');
  assert.equal(await page.locator('#import-ready').textContent(), '1 file with a problem will be left out.');
  assert.equal(await wizard.getByRole('radio', { name: 'Shorten (recommended)' }).isChecked(), true);
  await screenshot(page, 'import-wizard.png');

  await start.click();
  await page.locator('#import-detail', { hasText: '1,234 rows' }).waitFor();
  const sent = await lastArgs(page, 'import_files');
  assert.deepEqual(
    sent.files.map((f) => [f.path, f.format, f.timeZone, f.ipPolicy]),
    [
      ['/home/user/logs/access.log', null, 'Europe/Berlin', 'truncate'],
      ['/home/user/data/ads-march.csv', null, 'America/New_York', 'truncate'],
    ],
  );
  await page.evaluate(() => window.__slReleaseImport());
  await page.locator('#import-summary').waitFor();
  assert.equal(await page.locator('#import-wizard').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test('choosing a format for an unrecognised file previews it again with that format', async () => {
  const { page, problems } = await openApp(browser.context, server.url, { importPaths: ['/home/user/data/broken-export.csv'] });
  await openDemo(page);
  await page.getByRole('button', { name: 'Import files…' }).click();
  const broken = card(page, 'broken-export.csv');
  await broken.locator('.file-problem').waitFor();
  assert.ok(await page.locator('#start-import').isDisabled());
  await broken.getByLabel('Format').selectOption('csv');
  await broken.locator('.file-problem', { hasText: 'no timestamp column' }).waitFor();
  assert.equal((await lastArgs(page, 'preview_import')).files[0].format, 'csv');
  assert.deepEqual(problems, []);
  await page.close();
});

test("a CSV's columns are mapped in the wizard, and the mapping, time zone, date order and IP policy are sent", async () => {
  const { page, problems } = await openApp(browser.context, server.url, { importPaths: ['/home/user/data/hits.csv'] });
  await openDemo(page);
  await page.getByRole('button', { name: 'Import files…' }).click();
  const hits = card(page, 'hits.csv');
  const problem = hits.locator('.file-problem');
  await problem.waitFor();
  assert.match(await problem.textContent(), /no timestamp column/);
  assert.match(await problem.locator('.file-todo').textContent(), /Choose the column that holds each row’s time/);
  assert.match(await hits.locator('.mapping summary').textContent(), /^Columns: 3 of 8 fields found in the file’s 4 columns/);
  const timestamp = hits.getByLabel('Timestamp', { exact: true });
  assert.equal(await timestamp.inputValue(), '');
  assert.deepEqual(await timestamp.locator('option').allTextContents(), ['not mapped', 'when', 'visitor', 'page', 'ref']);
  assert.equal(await hits.getByLabel('Client id').inputValue(), 'visitor');

  await timestamp.focus();
  await timestamp.selectOption('when');
  const firstCell = hits.locator('.preview-table tbody td').first();
  await firstCell.waitFor();
  // Read in the project's time zone (Europe/Berlin) until another is chosen.
  assert.equal(await firstCell.textContent(), '2024-03-04 09:00:00');
  assert.equal(await page.evaluate(() => document.activeElement?.id), await timestamp.getAttribute('id'), 'focus stays on the control');

  await hits.getByLabel('Time zone').selectOption('UTC');
  await hits.locator('.preview-table td', { hasText: '2024-03-04 10:00:00' }).waitFor();
  await hits.getByLabel('Date order').selectOption('day-first');
  await hits.locator('.preview-table td', { hasText: '2024-04-03 10:00:00' }).waitFor();
  await hits.getByLabel('Client id').selectOption('');
  await hits.locator('.mapping summary', { hasText: 'Columns: 3 of 8' }).waitFor();
  await page.getByRole('radio', { name: 'Replace with a code' }).check();
  await screenshot(page, 'import-mapping.png');

  await page.getByRole('button', { name: 'Import 1 file' }).click();
  await page.locator('#import-detail').waitFor();
  const sent = (await lastArgs(page, 'import_files')).files[0];
  assert.deepEqual(sent, {
    path: '/home/user/data/hits.csv',
    format: null,
    mapping: [
      { field: 'timestamp', column: 'when' },
      { field: 'client_id', column: null },
    ],
    timeZone: 'UTC',
    dateOrder: 'day-first',
    ipPolicy: 'hash',
  });
  assert.deepEqual(problems, []);
  await page.close();
});

test('every wizard control has a label and shows where focus is', async () => {
  const { page, problems } = await openApp(browser.context, server.url, { importPaths: ['/home/user/data/hits.csv'] });
  await openDemo(page);
  await page.getByRole('button', { name: 'Import files…' }).click();
  await card(page, 'hits.csv').locator('.mapping').waitFor();
  const unlabelled = await page
    .locator('#import-wizard select, #import-wizard input')
    .evaluateAll((controls) => controls.filter((c) => c.labels.length === 0 || !c.labels[0].textContent.trim()).map((c) => c.id));
  assert.deepEqual(unlabelled, []);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('id')), 'imp-0-format', 'the first control has focus');
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => ({ id: document.activeElement?.id, outline: getComputedStyle(document.activeElement).outlineStyle }));
  assert.equal(focused.id, 'imp-0-zone');
  assert.equal(focused.outline, 'solid');
  assert.deepEqual(problems, []);
  await page.close();
});

test('files dropped on the window open the wizard; without a project or during an import the drop says what to do', async () => {
  const { page, problems } = await openApp(browser.context, server.url);
  await page.getByRole('button', { name: 'Open demo project' }).waitFor();
  const overlay = page.locator('#drop-overlay');
  await overlay.waitFor({ state: 'attached' });

  await page.evaluate(() => window.__slDragFiles('enter', ['/home/user/logs/dropped.log']));
  await overlay.getByText('Files cannot be imported here').waitFor();
  await page.evaluate(() => window.__slDragFiles('drop', ['/home/user/logs/dropped.log']));
  await page.getByRole('alert').getByText('open or create a project first').waitFor();
  assert.ok(await overlay.isHidden());

  await openDemo(page);
  await page.locator('#tab-dashboard').click();
  await page.evaluate(() => window.__slDragFiles('enter', ['/home/user/logs/dropped.log']));
  await overlay.getByText('Drop to import into Demo shop v1').waitFor();
  await screenshot(page, 'import-drop.png');
  await page.evaluate(() => window.__slDragFiles('leave'));
  await overlay.waitFor({ state: 'hidden' });
  await page.evaluate(() => window.__slDragFiles('drop', ['/home/user/logs/dropped.log', '/home/user/logs/more.log']));
  await card(page, 'dropped.log').locator('.preview-table').waitFor();
  assert.equal(await page.locator('#tab-files').getAttribute('aria-selected'), 'true', 'the wizard is on the Files tab');
  await page.evaluate(() => window.__slDragFiles('drop', ['/home/user/logs/dropped.log', '/home/user/logs/third.log']));
  await card(page, 'third.log').waitFor();
  assert.equal(await page.locator('.import-file').count(), 3, 'a dropped file already listed is not added twice');

  await page.getByRole('button', { name: 'Import 3 files' }).click();
  await page.locator('#import-detail').waitFor();
  await page.evaluate(() => window.__slDragFiles('drop', ['/home/user/logs/late.log']));
  await page.getByRole('alert').getByText('An import is running').waitFor();
  await page.evaluate(() => window.__slReleaseImport());
  await page.locator('#import-summary').waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});

test('the project tabs follow the tabs pattern: arrow keys, Home and End, one tab stop', async () => {
  const { page, problems } = await openApp(browser.context, server.url);
  await openDemo(page);
  const tabs = page.getByRole('tab');
  assert.deepEqual(await tabs.evaluateAll((all) => all.map((t) => t.tabIndex)), [0, -1, -1, -1]);
  await page.locator('#tab-files').focus();
  const state = () =>
    page.evaluate(() => ({
      focused: document.activeElement?.id,
      selected: [...document.querySelectorAll('[role=tab][aria-selected=true]')].map((t) => t.id),
    }));
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await state(), { focused: 'tab-dashboard', selected: ['tab-dashboard'] });
  assert.ok(await page.locator('#panel-analysis').isVisible());
  assert.ok(await page.locator('#panel-files').isHidden());
  await page.keyboard.press('End');
  assert.deepEqual(await state(), { focused: 'tab-compare', selected: ['tab-compare'] });
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await state(), { focused: 'tab-files', selected: ['tab-files'] });
  await page.keyboard.press('ArrowLeft');
  assert.deepEqual(await state(), { focused: 'tab-compare', selected: ['tab-compare'] });
  await page.keyboard.press('Home');
  assert.deepEqual(await state(), { focused: 'tab-files', selected: ['tab-files'] });
  assert.deepEqual(await tabs.evaluateAll((all) => all.map((t) => t.tabIndex)), [0, -1, -1, -1]);
  assert.equal(await page.locator('#tab-files').getAttribute('aria-controls'), 'panel-files');
  assert.deepEqual(problems, []);
  await page.close();
});

test("deleting a file's data asks first, says what goes and that it cannot be undone, then refreshes the project", async () => {
  const { page, problems } = await openApp(browser.context, server.url);
  await openDemo(page);
  const remove = page.getByRole('button', { name: 'Delete the data of shop-traffic-2024-03.csv…' });
  await remove.click();
  const dialog = page.getByRole('dialog', { name: 'Delete the data of shop-traffic-2024-03.csv?' });
  await dialog.waitFor();
  assert.match(
    await dialog.textContent(),
    /This removes its 3,000 hits and 3 rejected rows from the project, and the sessions computed from them\. This cannot be undone\./,
  );
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'keep-file-data', 'the safe choice has focus');
  await screenshot(page, 'delete-file.png');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.ok(!(await calls(page)).includes('delete_file'));
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Delete the data of shop-traffic-2024-03.csv…');

  await remove.click();
  await dialog.getByRole('button', { name: 'Delete data' }).click();
  await page.getByText('Deleted the data of shop-traffic-2024-03.csv: 3,000 hits and 3 rejected rows removed.').waitFor();
  assert.deepEqual(await lastArgs(page, 'delete_file'), { fileId: 1 });
  assert.deepEqual(await page.locator('#files-table tbody tr td:first-child').allTextContents(), ['google-ads-campaigns-2024-03.csv']);
  const stats = await page.locator('.stat').allTextContents();
  assert.ok(stats.includes('Hits0') && stats.includes('Rejected rows0'), stats.join('|'));
  assert.equal(await page.locator('#rejects-title .count-badge').textContent(), '0');
  assert.deepEqual(problems, []);
  await page.close();
});

test('"Where do I get these files?" opens by keyboard onto each platform\'s menu steps, in the wizard and in an empty project', async () => {
  const { page, problems } = await openApp(browser.context, server.url, { emptyProject: true });
  await page.getByRole('button', { name: 'Open demo project' }).click();
  const files = page.locator('#panel-files');
  await files.getByText('No files yet.').waitFor();
  const emptyHelp = files.locator('.file-help');
  assert.equal(await emptyHelp.count(), 1, 'an empty project shows where to get files');
  assert.equal(await emptyHelp.getAttribute('open'), null, 'closed until asked for');

  await page.getByRole('button', { name: 'Import files…' }).click();
  const wizard = page.locator('#import-wizard');
  await card(page, 'access.log').locator('.preview-table').waitFor();
  const help = wizard.locator('.file-help');
  const summary = help.locator('> summary');
  assert.equal(await summary.textContent(), 'Where do I get these files?');
  await summary.focus();
  await page.keyboard.press('Enter');
  assert.equal(await help.getAttribute('open'), '', 'Enter opens it');
  const titles = await help.locator('.file-source > summary').allTextContents();
  assert.deepEqual(titles, [
    'Google Ads: campaign report',
    'Google Ads: click performance report',
    'Google Analytics 4: traffic acquisition',
    'Meta (Facebook, Instagram): Ads Manager export',
    'Microsoft Advertising: campaign report',
    'Web server access logs (nginx, Apache)',
  ]);
  const focusStyle = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.equal(focusStyle, 'solid', 'the focused summary shows it');

  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  const googleAds = help.locator('[data-source="google-ads-campaigns"]');
  assert.equal(await googleAds.getAttribute('open'), '', 'Tab then Enter opens the first platform');
  const steps = await googleAds.locator('.file-source-steps li').allTextContents();
  assert.match(steps[0], /open Campaigns/);
  assert.match(steps[2], /Segment, then Time → Day/);
  assert.match(steps[3], /Download .*\.csv/);
  assert.deepEqual(await googleAds.locator('.file-source-steps li').nth(2).locator('strong').allTextContents(), ['Segment', 'Time', 'Day']);
  assert.match(await googleAds.locator('.file-source-notes').textContent(), /auto-tagging on/);
  assert.ok(await help.locator('[data-source="ga4-traffic-acquisition"] .file-source-steps').isHidden(), 'other platforms stay closed');

  await help.locator('[data-source="ga4-traffic-acquisition"] > summary').click();
  const ga4 = await help.locator('[data-source="ga4-traffic-acquisition"]').textContent();
  assert.match(ga4, /Reports → Acquisition → Traffic acquisition/);
  assert.match(ga4, /Share this report.*Download File/);
  assert.match(ga4, /imports as GA4’s reported sessions: one total per campaign/, 'says plainly what the download gives');
  assert.match(await googleAds.locator('.file-source-notes').textContent(), /The Day segment is optional\. Without it .* imports as totals/);
  assert.ok(!/cannot be read|cannot import|is needed/.test(await help.textContent()), 'no feature is said to be missing that exists');
  await screenshot(page, 'import-help.png');
  assert.deepEqual(problems, []);
  await page.close();
});

test('format names are readable in the wizard: the detected format and the format menu', async () => {
  const { page, problems } = await openApp(browser.context, server.url, { importPaths: ['/home/user/data/ads-march.csv'] });
  await openDemo(page);
  await page.getByRole('button', { name: 'Import files…' }).click();
  const ads = card(page, 'ads-march.csv');
  await ads.locator('.preview-table').waitFor();
  assert.equal(await ads.locator('.detected strong').textContent(), 'Google Ads report');
  const menu = ads.getByLabel('Format');
  assert.deepEqual(await menu.locator('option').allTextContents(), [
    'Detect automatically',
    'CSV/TSV traffic export',
    'Apache/nginx access log (combined)',
    'Google Ads report',
    'GA4 report download',
  ]);
  assert.deepEqual(
    await menu.locator('optgroup').evaluateAll((groups) => groups.map((g) => `${g.label}: ${g.children.length}`)),
    ['Website traffic: 2', 'Ad platforms: 1', 'Analytics reports: 1'],
  );
  assert.equal(await menu.locator('option[value="google-ads-report"]').getAttribute('title'), 'Google Ads report downloaded from the web interface (CSV or CSV for Excel)');
  const shown = await page.locator('#import-wizard').textContent();
  assert.ok(!/google-ads-report|apache-combined/.test(shown), 'no format id is shown as text');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a file that does not fit the project says why: another site, or days nowhere near the project', async () => {
  const { page, problems } = await openApp(browser.context, server.url, {
    importPaths: ['/home/user/logs/access.log', '/home/user/logs/www-example-org.log', '/home/user/data/ads-march.csv'],
  });
  await openDemo(page);
  await page.getByRole('button', { name: 'Import files…' }).click();
  const old = card(page, 'access.log').locator('.file-warning');
  await old.waitFor();
  assert.deepEqual(await old.locator('p').allTextContents(), [
    'Check this file before importing it:',
    "This file starts in Oct 2015; the project's data covers Mar 2024: nothing will line up.",
  ]);
  const other = card(page, 'www-example-org.log').locator('.file-warning');
  await other.waitFor();
  assert.match(await other.textContent(), /This file's traffic is for www\.example\.org; the project's traffic is for shop\.example\./);
  await card(page, 'ads-march.csv').locator('.preview-table').waitFor();
  assert.equal(await card(page, 'ads-march.csv').locator('.file-warning').count(), 0, 'a file that fits has no warning');
  assert.equal(await page.locator('#start-import').textContent(), 'Import 3 files', 'a warning does not stop the import');
  await screenshot(page, 'import-warnings.png');
  assert.deepEqual(problems, []);
  await page.close();
});
