// Client-ready and agency-ready (issue #15) against the mocked backend: the project opens on
// the tab, rules and days it was left with; views saved under a name are picked, saved and
// deleted in the rules panel; compare puts any presets side by side; the clients view lists a
// folder's projects, opens, renames and copies rules between them. SCREENSHOTS=dir saves PNGs.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { launchBrowser, openApp, startServer } from './harness.mjs';

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
  if (process.env.SCREENSHOTS) await page.screenshot({ path: path.join(process.env.SCREENSHOTS, name), fullPage: false });
}

/** The arguments of the last call to `cmd`. */
function lastArgs(page, cmd) {
  return page.evaluate((c) => window.__slCalls.filter((x) => x.cmd === c).at(-1)?.args, cmd);
}

/** Wait until the last call to `cmd` satisfies `test` (run in the page on its arguments, as a string). */
function waitForCall(page, cmd, test) {
  return page.waitForFunction(([c, t]) => {
    const args = window.__slCalls.filter((x) => x.cmd === c).at(-1)?.args;
    return args !== undefined && new Function('args', `return ${t}`)(args);
  }, [cmd, test]);
}

const UA_WEEK = {
  rules: { preset: 'ua', changes: { timeout: '1h' } },
  range: { from: '2024-03-04', to: '2024-03-10' },
  tab: 'discrepancy',
};

const NAMED = [
  { name: 'GA4 as configured', savedAt: '2024-04-01T08:00:00Z', view: { rules: { preset: 'ga4', changes: {} }, range: null, tab: null } },
  { name: 'UA legacy', savedAt: '2024-04-01T08:05:00Z', view: { rules: { preset: 'ua', changes: {} }, range: { from: '2024-03-01', to: '2024-03-15' }, tab: null } },
];

test('the project opens on the tab, rules and days it was left with, and keeps them as they change', async () => {
  const { page, problems } = await openApp(browser.context, server.url, { lastView: UA_WEEK });
  await page.getByRole('button', { name: 'Open demo project' }).click();
  await page.locator('#discrepancy').waitFor();
  assert.equal(await page.getByRole('tab', { name: 'Discrepancy' }).getAttribute('aria-selected'), 'true');
  assert.equal(await page.locator('#rule-preset').inputValue(), 'ua');
  assert.equal(await page.locator('#rule-timeout').inputValue(), '1h');
  assert.deepEqual([await page.locator('#range-from').inputValue(), await page.locator('#range-to').inputValue()], ['2024-03-04', '2024-03-10']);
  assert.deepEqual((await lastArgs(page, 'discrepancy')).rules, UA_WEEK.rules);
  assert.ok(!(await page.evaluate(() => window.__slCalls.some((c) => c.cmd === 'dashboard'))), 'the default view is never computed');

  await page.locator('#rule-timeout').fill('10m');
  await page.locator('#rule-timeout').dispatchEvent('change');
  await waitForCall(page, 'remember_view', "args.view.rules.changes.timeout === '10m'");
  assert.deepEqual(await lastArgs(page, 'remember_view'), { view: { rules: { preset: 'ua', changes: { timeout: '10m' } }, range: UA_WEEK.range, tab: 'discrepancy' } });
  await page.getByRole('tab', { name: 'Files' }).click();
  await waitForCall(page, 'remember_view', "args.view.tab === 'files'");
  assert.deepEqual(problems, []);
  await page.close();
});

test('a project that kept nothing opens on its files with the default preset, and keeps nothing until something changes', async () => {
  const { page, problems } = await openApp(browser.context, server.url);
  await page.getByRole('button', { name: 'Open demo project' }).click();
  await page.locator('#files-table').waitFor();
  await page.waitForFunction(() => window.__slCalls.some((c) => c.cmd === 'saved_views'));
  assert.equal(await page.getByRole('tab', { name: 'Files' }).getAttribute('aria-selected'), 'true');
  assert.ok(!(await page.evaluate(() => window.__slCalls.some((c) => c.cmd === 'remember_view'))));
  await page.getByRole('tab', { name: 'Dashboard' }).click();
  await waitForCall(page, 'remember_view', "args.view.tab === 'dashboard' && args.view.rules.preset === 'ga4' && args.view.range === null");
  assert.match(await page.locator('#saved-views-none').textContent(), /None yet/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a named view is picked, saved and deleted in the rules panel', async () => {
  const { page, problems } = await openApp(browser.context, server.url, { namedViews: NAMED });
  await page.getByRole('button', { name: 'Open demo project' }).click();
  await page.getByRole('tab', { name: 'Dashboard' }).click();
  await page.waitForFunction(() => document.querySelector('#kpi-sessions .kpi-value')?.textContent === '754');
  const picker = page.getByLabel('Saved view', { exact: true });
  assert.deepEqual(await picker.locator('option').allTextContents(), ['Choose a saved view…', 'GA4 as configured', 'UA legacy']);
  assert.equal(await picker.inputValue(), 'GA4 as configured', 'the default rules are the ones of that view');
  await screenshot(page, 'saved-views.png');

  // Picking a view shows its rules and days.
  await picker.selectOption('UA legacy');
  await waitForCall(page, 'dashboard', "args.rules.preset === 'ua' && args.range?.to === '2024-03-15'");
  await page.waitForFunction(() => document.querySelector('#rule-preset')?.value === 'ua');
  assert.equal(await page.locator('#range-from').inputValue(), '2024-03-01');
  assert.equal(await page.locator('#saved-view-help').textContent(), 'Days Mar 1, 2024 – Mar 15, 2024. Saved Apr 1, 2024.');

  // A changed rule is no saved view any more; saving it under a name keeps it.
  await page.locator('#rule-timeout').fill('45m');
  await page.locator('#rule-timeout').dispatchEvent('change');
  await page.waitForFunction(() => document.querySelector('#saved-view')?.value === '');
  assert.ok(await page.locator('#saved-view-delete').isDisabled());
  await page.getByLabel('Save these rules and days as').fill('  UA, 45 minutes ');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.locator('.notice', { hasText: 'Saved the view “UA, 45 minutes”' }).waitFor();
  assert.deepEqual(await lastArgs(page, 'save_named_view'), {
    name: 'UA, 45 minutes',
    view: { rules: { preset: 'ua', changes: { timeout: '45m' } }, range: { from: '2024-03-01', to: '2024-03-15' }, tab: null },
  });
  assert.equal(await picker.inputValue(), 'UA, 45 minutes');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'saved-view');

  // The same name in another case replaces it.
  await page.getByLabel('Save these rules and days as').fill('ua, 45 MINUTES');
  await page.getByLabel('Save these rules and days as').press('Enter');
  await page.locator('.notice', { hasText: 'Replaced the view “ua, 45 MINUTES”' }).waitFor();
  assert.equal(await picker.locator('option').count(), 4);

  // An empty name sends nothing.
  const saves = await page.evaluate(() => window.__slCalls.filter((c) => c.cmd === 'save_named_view').length);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'saved-view-name');
  assert.equal(await page.evaluate(() => window.__slCalls.filter((c) => c.cmd === 'save_named_view').length), saves);

  await page.getByRole('button', { name: 'Delete the view ua, 45 MINUTES' }).click();
  await page.locator('.notice', { hasText: 'Deleted the view “ua, 45 MINUTES”' }).waitFor();
  assert.deepEqual(await lastArgs(page, 'delete_named_view'), { name: 'ua, 45 MINUTES' });
  assert.deepEqual(await picker.locator('option').allTextContents(), ['Choose a saved view…', 'GA4 as configured', 'UA legacy']);
  assert.equal(await page.locator('#rule-timeout').inputValue(), '45m', 'the rules shown stay');
  assert.deepEqual(problems, []);
  await page.close();
});

test('compare puts the rules panel beside every preset ticked, in total, by campaign and by day', async () => {
  const { page, problems } = await openApp(browser.context, server.url);
  await page.getByRole('button', { name: 'Open demo project' }).click();
  await page.getByRole('tab', { name: 'Compare' }).click();
  await page.locator('#compare-table').waitFor();
  await page.getByRole('checkbox', { name: 'Matomo' }).check();
  await page.waitForFunction(() => document.querySelector('#compare-table thead')?.textContent?.includes('Matomo'));
  await page.getByRole('checkbox', { name: /Server-log/ }).check();
  await page.waitForFunction(() => document.querySelector('#compare-table thead')?.textContent?.includes('Server-log'));
  // Ticked presets come in the presets' order, each in the rules panel's time zone.
  assert.deepEqual((await lastArgs(page, 'compare_rules')).rules.map((r) => r.preset), ['ga4', 'ua', 'matomo', 'server-log']);
  const head = await page.locator('#compare-table thead th').allTextContents();
  assert.deepEqual(head, ['Figure', 'Google Analytics 4', 'Universal Analytics', 'Difference', 'Matomo', 'Difference', 'Server-log heuristic', 'Difference']);
  const sessions = await page.locator('#compare-table tbody tr').first().locator('th, td').allTextContents();
  assert.equal(sessions.length, 8);
  assert.deepEqual(sessions.slice(0, 4), ['All sessions', '754', '762', '+8']);
  await screenshot(page, 'compare-presets.png');

  // By campaign: one figure per preset, with the difference from the first column.
  await page.getByRole('button', { name: 'By campaign' }).click();
  const table = page.locator('#compare-breakdown-table');
  await table.waitFor();
  assert.equal(await page.getByRole('button', { name: 'By campaign' }).getAttribute('aria-pressed'), 'true');
  assert.deepEqual(await table.locator('tbody tr').first().locator('td').allTextContents(), ['(not set)', '588', '594', '+6', '594', '+6', '588', '+0']);
  await page.getByLabel('Figure').selectOption('Ad clicks');
  await page.waitForFunction(() => document.querySelector('#compare-breakdown-table tbody tr:nth-child(2) td:nth-child(2)')?.textContent === '149');
  assert.deepEqual(await table.locator('tbody tr').nth(1).locator('td').allTextContents(), ['spring_sale', '149', '149', '+0', '149', '+0', '149', '+0']);
  await screenshot(page, 'compare-by-campaign.png');

  // By day, and the switch and figure stay while the rules change; no new computation to switch.
  const computed = await page.evaluate(() => window.__slCalls.filter((c) => c.cmd === 'compare_rules').length);
  await page.getByRole('button', { name: 'By day' }).click();
  await page.getByLabel('Figure').selectOption('All sessions');
  await page.waitForFunction(() => document.querySelector('#compare-breakdown-table tbody td')?.textContent === 'Mar 1, 2024');
  assert.equal(await page.evaluate(() => window.__slCalls.filter((c) => c.cmd === 'compare_rules').length), computed);
  await page.locator('#rule-timeout').fill('10m');
  await page.locator('#rule-timeout').dispatchEvent('change');
  await waitForCall(page, 'compare_rules', "args.rules[0].changes.timeout === '10m' && args.rules.length === 4");
  await page.waitForFunction(() => document.querySelector('#compare-table, #compare-breakdown-table thead')?.textContent?.includes('(modified)'));
  assert.equal(await page.getByRole('button', { name: 'By day' }).getAttribute('aria-pressed'), 'true');
  assert.deepEqual(await table.locator('tbody td').first().textContent(), 'Mar 1, 2024');
  assert.ok(!(await lastArgs(page, 'compare_rules')).rules.slice(1).some((r) => r.changes.timeout), 'the presets keep their own rules');

  await page.getByRole('button', { name: 'Totals' }).click();
  await page.locator('#compare-table').waitFor();
  assert.ok(await page.getByLabel('Figure').isHidden());
  assert.deepEqual(problems, []);
  await page.close();
});

const FOLDER = '/home/user/Clients';

/** The clients table's rows: each row's header and cells as text. */
async function clientRows(page) {
  return page.locator('#clients-table tbody tr:not(.client-form-row)').evaluateAll((rows) =>
    rows.map((row) => [...row.querySelectorAll('th, td:not(.client-actions-cell)')].map((cell) => cell.textContent)),
  );
}

test('the clients view lists the projects of a folder chosen once, and opens one', async () => {
  const { page, problems } = await openApp(browser.context, server.url);
  await page.getByRole('button', { name: 'Clients', exact: true }).click();
  assert.equal(await page.locator('#recent-title').textContent(), 'Clients');
  await screenshot(page, 'clients-no-folder.png');
  await page.getByRole('button', { name: 'Choose clients folder…' }).click();
  await page.locator('#clients-table').waitFor();
  assert.deepEqual(await lastArgs(page, 'list_clients'), { folder: FOLDER });
  assert.equal(await page.locator('#clients-folder').textContent(), FOLDER);
  assert.deepEqual(await clientRows(page), [
    ['Acme Corp', 'Mar 1, 2024 – Mar 31, 2024', 'Apr 2, 2024', 'CSV/TSV traffic export, Google Ads report'],
    ['Globex', 'No data yet', 'Not yet', 'No files yet'],
    ['Initech', 'Cannot be read: this project was written by a newer SessionLens (project schema version 9, this build reads up to 6); update SessionLens to open it'],
  ]);
  assert.ok(await page.getByRole('button', { name: 'Open Initech' }).isDisabled());
  await screenshot(page, 'clients.png');

  await page.getByRole('button', { name: 'Open Acme Corp' }).click();
  await page.getByRole('heading', { name: 'Acme Corp', level: 1 }).waitFor();
  assert.deepEqual(await lastArgs(page, 'open_project'), { path: `${FOLDER}/Acme Corp.sessionlens` });

  // Back on the start screen, the clients of the folder remembered are listed again.
  await page.getByRole('button', { name: 'Close project' }).click();
  await page.locator('#clients-table').waitFor();
  assert.deepEqual(await lastArgs(page, 'list_clients'), { folder: null });
  assert.equal(await page.getByRole('button', { name: 'Clients', exact: true }).getAttribute('aria-pressed'), 'true');
  await page.getByRole('button', { name: 'Recent', exact: true }).click();
  assert.equal(await page.locator('#recent-title').textContent(), 'Recent projects');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a client is renamed in place, never onto another client', async () => {
  const { page, problems } = await openApp(browser.context, server.url, { clientsFolder: FOLDER });
  await page.getByRole('button', { name: 'Clients', exact: true }).click();
  await page.locator('#clients-table').waitFor();
  await page.getByRole('button', { name: 'Rename Globex' }).click();
  const field = page.getByLabel('New name for Globex');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'client-new-name');
  assert.equal(await field.inputValue(), 'Globex');

  await field.fill('Acme Corp');
  await page.getByRole('button', { name: 'Rename', exact: true }).click();
  await page.locator('.alert', { hasText: 'Acme Corp.sessionlens is already there; choose another name' }).waitFor();
  assert.ok(await field.isVisible(), 'the form stays to try another name');
  await screenshot(page, 'clients-rename.png');

  await field.fill('  Globex Europe ');
  await field.press('Enter');
  await page.locator('.notice', { hasText: 'Renamed Globex to Globex Europe.' }).waitFor();
  assert.deepEqual(await lastArgs(page, 'rename_client'), { path: `${FOLDER}/Globex.sessionlens`, name: 'Globex Europe' });
  assert.deepEqual((await clientRows(page)).map((r) => r[0]), ['Acme Corp', 'Globex Europe', 'Initech']);

  // Cancel closes the form and sends nothing.
  const renames = await page.evaluate(() => window.__slCalls.filter((c) => c.cmd === 'rename_client').length);
  await page.getByRole('button', { name: 'Rename Acme Corp' }).click();
  await page.getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await page.locator('#client-new-name').count(), 0);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Open Acme Corp');
  assert.equal(await page.evaluate(() => window.__slCalls.filter((c) => c.cmd === 'rename_client').length), renames);
  assert.deepEqual(problems, []);
  await page.close();
});

test("one client's rules and campaign mappings are copied to another", async () => {
  const { page, problems } = await openApp(browser.context, server.url, { clientsFolder: FOLDER });
  await page.getByRole('button', { name: 'Clients', exact: true }).click();
  await page.locator('#clients-table').waitFor();
  await page.getByRole('button', { name: 'Copy the rules and campaign mappings of Acme Corp to another client' }).click();
  const picker = page.getByLabel('Copy the rules and campaign mappings of Acme Corp to', { exact: true });
  assert.deepEqual(await picker.locator('option').allTextContents(), ['Globex'], 'not itself, not a client that cannot be read');
  await screenshot(page, 'clients-copy.png');
  await page.getByRole('button', { name: 'Copy', exact: true }).click();
  await page.locator('.notice', { hasText: 'Copied 2 saved views and 3 new campaign mappings from Acme Corp to Globex.' }).waitFor();
  assert.match(await page.locator('.notice').textContent(), /Globex now opens on the rules and days Acme Corp was left with/);
  assert.deepEqual(await lastArgs(page, 'copy_client_settings'), { from: `${FOLDER}/Acme Corp.sessionlens`, to: `${FOLDER}/Globex.sessionlens` });
  assert.equal(await picker.count(), 0, 'the form closes');
  assert.deepEqual(problems, []);
  await page.close();
});
