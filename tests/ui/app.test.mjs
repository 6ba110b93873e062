// UI flows against the built frontend with a mocked backend: start screen, demo project,
// import (through the wizard, see import.test.mjs) with progress and cancel, rejects, errors by
// code, and hostile data shown as text.

import assert from 'node:assert/strict';
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

const HOSTILE = '<img src=x onerror=alert(1)>';

async function openDemo(page) {
  await page.getByRole('button', { name: 'Open demo project' }).click();
  await page.locator('#files-table').waitFor();
}

test('an analytics report file is listed, asked about and deleted in the words of its kind', async () => {
  const { page, problems } = await openApp(browser.context, server.url, { withReport: true });
  await openDemo(page);
  const row = page.locator('#files-table tbody tr', { hasText: 'ga4-traffic-acquisition-2024-03.csv' });
  assert.deepEqual((await row.locator('td').allTextContents()).slice(0, 7), [
    'ga4-traffic-acquisition-2024-03.csv',
    'GA4 report download',
    'analytics report',
    '12 reported-session rows',
    '0',
    'Mar 1, 2024 – Mar 31, 2024',
    '—',
  ]);
  const ads = page.locator('#files-table tbody tr', { hasText: 'google-ads-campaigns-2024-03.csv' });
  assert.equal((await ads.locator('td').allTextContents())[5], 'Mar 1, 2024 – Mar 31, 2024', 'an ad file shows its days');
  await page.getByRole('button', { name: 'Delete the data of ga4-traffic-acquisition-2024-03.csv…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete the data of ga4-traffic-acquisition-2024-03.csv?' });
  await dialog.waitFor();
  const asked = await dialog.textContent();
  assert.match(asked, /This removes its 12 reported-session rows and 0 rejected rows from the project\. This cannot be undone\./);
  await dialog.getByRole('button', { name: 'Delete data' }).click();
  await page.getByText('Deleted the data of ga4-traffic-acquisition-2024-03.csv: 12 reported-session rows and 0 rejected rows removed.').waitFor();
  assert.equal(await page.locator('#files-table tbody tr').count(), 2);
  assert.deepEqual(problems, []);
  await page.close();
});

test('start screen offers open, new, demo and the recent projects', async () => {
  const { page, problems } = await openApp(browser.context, server.url, {
    recent: [
      { path: '/home/user/Shop.sessionlens', name: 'Shop', exists: true },
      { path: '/home/user/Old.sessionlens', name: 'Old', exists: false },
    ],
  });
  await page.getByRole('heading', { level: 1 }).waitFor();
  for (const name of ['Open project…', 'New project…', 'Open demo project']) {
    assert.ok(await page.getByRole('button', { name }).isVisible(), name);
  }
  const shop = page.getByRole('button', { name: 'Open Shop, /home/user/Shop.sessionlens' });
  assert.ok(await shop.isEnabled());
  assert.ok(await page.getByRole('button', { name: /Old was moved or deleted/ }).isDisabled());
  const formats = page.getByRole('region', { name: 'What you can import' });
  assert.deepEqual(await formats.locator('li').allTextContents(), [
    'CSV/TSV traffic export (one hit per row)',
    "Apache/NCSA combined log (nginx's default log format)",
    'Google Ads report downloaded from the web interface (CSV or CSV for Excel)',
    'GA4 report or exploration downloaded as CSV (sessions by campaign, source/medium, channel or day)',
  ]);
  assert.deepEqual(await formats.locator('h3').allTextContents(), ['Website traffic', 'Ad platforms', 'Analytics reports']);
  await shop.click();
  await page.getByRole('heading', { name: 'Shop', level: 1 }).waitFor();
  assert.deepEqual((await calls(page)).sort(), ['list_rejects', 'open_project', 'recent_projects', 'saved_views', 'startup_project', 'supported_formats']);
  assert.deepEqual(problems, []);
  await page.close();
});

test("opening the demo lists its files with the format's name, kind, rows, dates and time zone", async () => {
  const { page, problems } = await openApp(browser.context, server.url);
  await openDemo(page);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Demo shop v1Demo');
  const rows = page.locator('#files-table tbody tr');
  assert.equal(await rows.count(), 2);
  const traffic = (await rows.nth(0).locator('td').allTextContents()).slice(0, 7);
  assert.deepEqual(traffic, ['shop-traffic-2024-03.csv', 'CSV/TSV traffic export', 'traffic', '3,000 hits', '3', 'Mar 1, 2024 – Mar 31, 2024', '—']);
  const ads = (await rows.nth(1).locator('td').allTextContents()).slice(0, 7);
  assert.deepEqual(ads, ['google-ads-campaigns-2024-03.csv', 'Google Ads report', 'ad data', '31 ad rows', '0', 'Mar 1, 2024 – Mar 31, 2024', 'Europe/Berlin']);
  const stats = await page.locator('.stat').allTextContents();
  assert.ok(stats.includes('Hits3,000'), stats.join('|'));
  assert.ok(stats.includes('Ad clicks712'), stats.join('|'));
  await page.locator('#rejects-table').waitFor();
  assert.equal(await page.locator('#rejects-table tbody tr').count(), 3);
  assert.deepEqual(problems, []);
  await page.close();
});

test('an import shows progress, then its summary, and the new rejects', async () => {
  const { page, problems } = await openApp(browser.context, server.url, {
    importPaths: ['/home/user/logs/access.log', '/home/user/logs/access-copy.log'],
  });
  await openDemo(page);
  await page.getByRole('button', { name: 'Import files…' }).click();
  await page.getByRole('button', { name: 'Import 2 files' }).click();
  const bar = page.locator('#import-progress');
  await page.locator('#import-detail', { hasText: '1,234 rows read · 2 rejected · 40%' }).waitFor();
  assert.equal(await bar.evaluate((el) => el.value / el.max), 0.4);
  assert.equal(await page.locator('#import-label').textContent(), 'File 1 of 2: access.log');
  assert.ok(await page.getByRole('button', { name: 'Import files…' }).isDisabled());
  assert.ok(await page.getByRole('button', { name: 'Cancel' }).isEnabled());

  await page.evaluate(() => window.__slReleaseImport());
  const summary = page.locator('#import-summary');
  await summary.waitFor();
  assert.equal(await summary.locator('h2').textContent(), 'Import finished: 1 file not imported');
  const outcomes = await summary.locator('li').allTextContents();
  assert.match(outcomes[0], /access\.log — Apache\/nginx access log \(combined\): 5,000 hits imported, 2 rejected/);
  assert.match(outcomes[1], /access-copy\.log — already in this project/);
  assert.equal(await page.locator('#files-table tbody tr').count(), 3);
  await page.locator('#rejects-table tbody tr').nth(4).waitFor();
  assert.equal(await page.locator('#rejects-title .count-badge').textContent(), '5');
  assert.ok(await page.getByRole('button', { name: 'Import files…' }).isEnabled());

  await page.getByRole('button', { name: 'Export to CSV…' }).click();
  await page.getByText('Exported 5 rejected rows to').waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});

test('cancel stops the import and says nothing from the file was kept', async () => {
  const { page, problems } = await openApp(browser.context, server.url);
  await openDemo(page);
  await page.getByRole('button', { name: 'Import files…' }).click();
  await page.getByRole('button', { name: 'Import 1 file' }).click();
  await page.locator('#import-detail', { hasText: '1,234 rows' }).waitFor();
  await page.getByRole('button', { name: 'Cancel' }).click();
  const summary = page.locator('#import-summary');
  await summary.waitFor();
  assert.equal(await summary.locator('h2').textContent(), 'Import cancelled');
  assert.match(await summary.locator('li').first().textContent(), /access\.log — cancelled; nothing from this file was kept/);
  assert.equal(await page.locator('#files-table tbody tr').count(), 2);
  assert.ok((await calls(page)).includes('cancel_import'));
  assert.deepEqual(problems, []);
  await page.close();
});

test('imported text that looks like HTML is shown as text, never run', async () => {
  const { page, problems } = await openApp(browser.context, server.url, { hostile: true });
  await openDemo(page);
  await page.getByRole('button', { name: 'Import files…' }).click();
  await page.getByRole('button', { name: 'Import 1 file' }).click();
  await page.locator('#import-detail', { hasText: '1,234 rows' }).waitFor();
  await page.evaluate(() => window.__slReleaseImport());
  await page.locator('#import-summary').waitFor();
  await page.locator('#rejects-table tbody tr').nth(4).waitFor();

  assert.ok((await page.locator('#files-table').textContent()).includes(`campaign-${HOSTILE}.csv`));
  assert.ok((await page.locator('#import-summary').textContent()).includes(`Access log ${HOSTILE}`));
  const rejects = await page.locator('#rejects-table').textContent();
  assert.ok(rejects.includes(`GET /?utm_campaign=${HOSTILE} HTTP/1.1`));
  assert.ok(rejects.includes(`unparseable request ${HOSTILE}`));
  // The only image is the app's own logo; nothing from the data became an element.
  assert.deepEqual(await page.locator('img').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src'))), ['/icon.svg']);
  assert.deepEqual(problems, []);
  await page.close();
});

test('an error is shown by its message until dismissed; closing the project returns to the start screen', async () => {
  const { page, problems } = await openApp(browser.context, server.url, {
    openError: { code: 'not_a_project', message: '/home/user/notes.txt is not a SessionLens project: it is not a SQLite database' },
  });
  await page.getByRole('button', { name: 'Open project…' }).click();
  const alert = page.getByRole('alert');
  await alert.getByText('is not a SessionLens project').waitFor();
  assert.ok(await page.getByRole('button', { name: 'Open demo project' }).isVisible());
  await alert.getByRole('button', { name: 'Dismiss message' }).click();
  assert.equal(await page.locator('.alert-area').textContent(), '');

  await openDemo(page);
  await page.getByRole('button', { name: 'Close project' }).click();
  await page.getByRole('button', { name: 'Open demo project' }).waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});

test('every control is reachable by keyboard and shows where focus is', async () => {
  const { page, problems } = await openApp(browser.context, server.url);
  await page.getByRole('button', { name: 'Open demo project' }).waitFor();
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => ({
    text: document.activeElement?.textContent,
    outline: getComputedStyle(document.activeElement).outlineStyle,
  }));
  assert.equal(focused.text, 'Open project…');
  assert.equal(focused.outline, 'solid');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the File menu does what the screen’s own buttons do, and says why when a screen has none', async () => {
  const { page, problems } = await openApp(browser.context, server.url);
  await page.getByRole('button', { name: 'Open demo project' }).waitFor();
  await page.evaluate(() => window.__slMenu('import'));
  await page.locator('.notice', { hasText: 'Open a project first: files are imported into a project.' }).waitFor();
  await openDemo(page);
  await page.evaluate(() => window.__slMenu('open'));
  await page.locator('.notice', { hasText: 'Close this project first (Ctrl+W) to open another.' }).waitFor();
  // Import files… opens the file dialog, then the wizard with the chosen file.
  await page.evaluate(() => window.__slMenu('import'));
  await page.getByRole('region', { name: 'Import files' }).waitFor();
  assert.equal((await calls(page)).filter((c) => c === 'plugin:dialog|open').length, 1);
  await page.locator('#close-import-wizard').click();
  await page.evaluate(() => window.__slMenu('close'));
  await page.getByRole('button', { name: 'Open demo project' }).waitFor();
  assert.equal(await page.locator('#files-table').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});
