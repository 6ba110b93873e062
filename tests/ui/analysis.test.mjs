// The analysis screens against the mocked backend: the rules panel recomputes the dashboard,
// headers sort the breakdowns, the discrepancy answers in plain words first, drills into a
// campaign and maps an unmatched one, compare shows differences, and a hostile campaign name
// stays text everywhere. SCREENSHOTS=dir saves PNGs.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import catalogue from '../../ui/src/bindings/rule-choices.json' with { type: 'json' };
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

const HOSTILE = '<img src=x onerror=alert(1)>';

async function openTab(page, name) {
  await page.getByRole('button', { name: 'Open demo project' }).click();
  await page.locator('#files-table').waitFor();
  await page.getByRole('tab', { name }).click();
}

async function screenshot(page, name) {
  if (process.env.SCREENSHOTS) await page.screenshot({ path: path.join(process.env.SCREENSHOTS, name), fullPage: false });
}

/** The arguments of the last call to `cmd`. */
function lastArgs(page, cmd) {
  return page.evaluate((c) => window.__slCalls.filter((x) => x.cmd === c).at(-1)?.args, cmd);
}

test('a rules toggle recomputes the dashboard while the last numbers stay on screen', async () => {
  const { page, problems } = await openApp(browser.context, server.url);
  await openTab(page, 'Dashboard');
  const sessions = page.locator('#kpi-sessions .kpi-value');
  await page.waitForFunction(() => document.querySelector('#kpi-sessions .kpi-value')?.textContent === '754');
  assert.equal(await page.locator('#rule-preset').inputValue(), 'ga4');
  assert.equal(await page.locator('#rule-preset-help').textContent(), '30 min timeout, no midnight or campaign split; bounce means not engaged.');
  assert.equal(await page.locator('.kpi').count(), 8);
  assert.equal(await page.locator('#kpi-click-to-session .kpi-value').textContent(), '91');
  assert.equal(await page.locator('#kpi-sessions .kpi-change').textContent(), 'no previous data');
  assert.ok(!(await page.locator('.period-line').textContent()).includes('changes against'), 'no empty period offered');
  assert.equal(await page.locator('.chart svg').count(), 1);
  await screenshot(page, 'dashboard.png');

  // While the backend recomputes, the last numbers stay on screen, marked busy.
  await page.evaluate(() => (window.__slHoldDashboard = true));
  await page.locator('#rule-timeout').fill('10m');
  await page.locator('#rule-timeout').dispatchEvent('change');
  await page.locator('#analysis-status', { hasText: 'Recomputing sessions…' }).waitFor();
  assert.equal(await sessions.textContent(), '754');
  assert.equal(await page.locator('.analysis').getAttribute('aria-busy'), 'true');
  await page.evaluate(() => {
    window.__slHoldDashboard = false;
    window.__slReleaseDashboard();
  });
  await page.waitForFunction(() => document.querySelector('#kpi-sessions .kpi-value')?.textContent === '1,574');
  assert.equal(await page.locator('.analysis').getAttribute('aria-busy'), null);
  assert.deepEqual((await lastArgs(page, 'dashboard')).rules, { preset: 'ga4', changes: { timeout: '10m' } });
  assert.equal(await page.locator('#rule-timeout').inputValue(), '10m');
  // A changed preset says what changed and offers the way back.
  assert.equal(await page.locator('#rules-modified p').textContent(), 'Modified: Session timeout');
  assert.match(await page.locator('.period-line').textContent(), /Google Analytics 4 \(modified\)/);

  await page.locator('#rule-bots').uncheck();
  await page.waitForFunction(() => document.querySelector('#kpi-sessions .kpi-value')?.textContent === '1,594');
  assert.equal((await lastArgs(page, 'dashboard')).rules.changes.bots, 'off');
  await page.locator('#rules-reset').click();
  await page.waitForFunction(() => document.querySelector('#kpi-sessions .kpi-value')?.textContent === '754');
  assert.deepEqual((await lastArgs(page, 'dashboard')).rules, { preset: 'ga4', changes: {} });
  assert.equal(await page.locator('#rules-modified').count(), 0);
  assert.equal(await page.locator('#rule-bots').isChecked(), true);

  // A new preset starts from its own rules.
  await page.locator('#rule-preset').selectOption('ua');
  await page.waitForFunction(() => document.querySelector('#kpi-sessions .kpi-value')?.textContent === '762');
  assert.equal(await page.locator('#rule-midnight').isChecked(), true);
  assert.equal(await sessions.textContent(), '762');
  assert.deepEqual(problems, []);
  await page.close();
});

test('once a view is shown, the backend is asked to compute the presets ahead in the same time zone', async () => {
  const { page, problems } = await openApp(browser.context, server.url);
  await openTab(page, 'Dashboard');
  await page.waitForFunction(() => window.__slCalls.some((c) => c.cmd === 'prefetch'));
  const presets = catalogue.presets.map((p) => p.id);
  assert.deepEqual(await lastArgs(page, 'prefetch'), {
    rules: presets.map((preset) => ({ preset, changes: {} })),
    range: null,
    view: 'dashboard',
  });

  await page.locator('#rule-tz').fill('Europe/Berlin');
  await page.locator('#rule-tz').dispatchEvent('change');
  await page.waitForFunction(() => window.__slCalls.at(-1).cmd === 'prefetch' && window.__slCalls.at(-1).args.rules[0].changes.tz);
  const again = await lastArgs(page, 'prefetch');
  assert.deepEqual(again.rules.map((r) => r.changes), presets.map(() => ({ tz: 'Europe/Berlin' })));

  await page.getByRole('tab', { name: 'Discrepancy' }).click();
  await page.waitForFunction(() => window.__slCalls.some((c) => c.cmd === 'prefetch' && c.args.view === 'discrepancy'));
  assert.deepEqual((await lastArgs(page, 'prefetch')).rules, again.rules);
  const asked = () => page.evaluate(() => window.__slCalls.filter((c) => c.cmd === 'prefetch').length);
  const before = await asked();
  await page.getByRole('tab', { name: 'Compare' }).click();
  await page.locator('#compare').waitFor();
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  assert.equal(await asked(), before, 'compare asks for nothing ahead');
  assert.deepEqual(problems, []);
});

test('rules the backend refuses leave the last view on screen with the reason', async () => {
  const { page, problems } = await openApp(browser.context, server.url);
  await openTab(page, 'Dashboard');
  await page.waitForFunction(() => document.querySelector('#kpi-sessions .kpi-value')?.textContent === '754');
  await page.locator('#rule-tz').fill('Mars/Olympus');
  await page.locator('#rule-tz').dispatchEvent('change');
  await page.getByRole('alert').getByText("unknown time zone 'Mars/Olympus'", { exact: false }).waitFor();
  assert.equal(await page.locator('#kpi-sessions .kpi-value').textContent(), '754');
  assert.equal(await page.locator('#analysis-status').textContent(), 'The view shows the last rules that worked.');
  // Fixing the zone recomputes and clears the message.
  await page.locator('#rule-tz').fill('Europe/Berlin');
  await page.locator('#rule-tz').dispatchEvent('change');
  await page.waitForFunction(() => document.querySelector('.period-line')?.textContent?.includes('Europe/Berlin'));
  assert.equal(await page.locator('.alert-area').textContent(), '');
  assert.deepEqual(problems, []);
  await page.close();
});

test('breakdown tables switch by dimension and sort by clicking a header', async () => {
  const { page, problems } = await openApp(browser.context, server.url);
  await openTab(page, 'Dashboard');
  await page.locator('#breakdown-channel').waitFor();
  const firstColumn = () => page.locator('#breakdown-channel tbody tr td:first-child').allTextContents();
  assert.deepEqual(await firstColumn(), ['Direct', 'Paid Search', 'Organic Search', 'Referral']);
  await page.locator('#breakdown-channel th', { hasText: 'Sessions' }).getByRole('button').click();
  assert.deepEqual(await firstColumn(), ['Direct', 'Organic Search', 'Paid Search', 'Referral']);
  assert.equal(await page.locator('#breakdown-channel th', { hasText: 'Sessions' }).getAttribute('aria-sort'), 'descending');
  await page.locator('#breakdown-channel th', { hasText: 'Channel' }).getByRole('button').click();
  assert.deepEqual(await firstColumn(), ['Direct', 'Organic Search', 'Paid Search', 'Referral']);
  await page.locator('#breakdown-channel th', { hasText: 'Channel' }).getByRole('button').click();
  assert.deepEqual(await firstColumn(), ['Referral', 'Paid Search', 'Organic Search', 'Direct']);

  await page.getByRole('button', { name: 'Device' }).click();
  assert.deepEqual(await page.locator('#breakdown-device_category tbody tr td:first-child').allTextContents(), ['desktop', 'mobile', 'tablet']);
  // The date range goes with the next request.
  await page.locator('#range-from').fill('2024-03-08');
  await page.locator('#range-to').fill('2024-03-14');
  await page.locator('#range-to').dispatchEvent('change');
  await page.waitForFunction(() => document.querySelector('.period-line')?.textContent?.startsWith('Mar 8, 2024 – Mar 14, 2024'));
  assert.deepEqual((await lastArgs(page, 'dashboard')).range, { from: '2024-03-08', to: '2024-03-14' });
  if (process.env.SCREENSHOTS) await page.screenshot({ path: path.join(process.env.SCREENSHOTS, 'dashboard-full.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the discrepancy view answers first: the verdict, then the causes with their counts and what to do', async () => {
  const { page, problems } = await openApp(browser.context, server.url);
  await openTab(page, 'Discrepancy');
  const verdict = page.locator('#verdict');
  await verdict.waitFor();
  const said = await verdict.textContent();
  assert.match(said, /^All campaigns: 5,010 clicks → 3,656 GA4 sessions \(73 per 100\), below the usual 80–120\. Likely causes, largest first: tags lost on the way to \/promo \(1,060\);/);
  assert.match(said, /2 of 3 campaigns are outside the usual range: brand \(73 per 100\), Brand - Exact \(0 per 100\)\.$/);
  const text = (await page.locator('#discrepancy').innerText()).trim();
  assert.ok(text.startsWith(said), `the verdict is the view's first text, not: ${text.slice(0, 80)}`);
  assert.ok(parseFloat(await verdict.evaluate((el) => getComputedStyle(el).fontSize)) >= 17, 'larger than body text');

  const causes = page.locator('#discrepancy > .answer .cause');
  assert.equal(await page.locator('#causes-title').textContent(), 'Why, largest first');
  assert.deepEqual(await causes.locator('.cause-count').allTextContents(), ['−1,060', '419moved to another day', '−179', '−61', '−54']);
  const first = causes.first();
  assert.match(await first.locator('.cause-text').textContent(), /^Tags lost on the way to \/promo/);
  assert.equal(await first.locator('.cause-action').textContent(), "What to do: Fix the redirect on /promo: it must keep the query string (utm tags and gclid); check the ads' final URLs and that auto-tagging is on");
  assert.equal(await causes.nth(1).getAttribute('data-kind'), 'day_shift');
  assert.match(await causes.nth(1).getAttribute('class'), /cause-info/, 'the day shift reads as information');
  const [plain, detail] = await Promise.all([page.locator('#discrepancy > .answer').boundingBox(), page.locator('.chart-pair').boundingBox()]);
  assert.ok(plain.y < detail.y, 'plain words above the charts');
  await screenshot(page, 'discrepancy-verdict.png');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the discrepancy view lists campaigns with flags and explains one on click with its verdict', async () => {
  const { page, problems } = await openApp(browser.context, server.url);
  await openTab(page, 'Discrepancy');
  await page.locator('#discrepancy-table').waitFor();
  const rows = page.locator('#discrepancy-table tbody tr');
  assert.deepEqual(await rows.nth(0).locator('td').allTextContents(), ['spring_sale', 'Google Ads', '149', '136', '91 per 100', 'ok']);
  assert.deepEqual(await rows.nth(1).locator('td').allTextContents(), ['brand', 'Google Ads', '4,800', '3,520', '73 per 100', 'below 80–120']);
  assert.deepEqual(await rows.nth(2).locator('td').allTextContents(), ['Brand - Exact', 'Google Ads', '61', '0', '0 per 100', 'below 80–120, unusual among campaigns']);
  assert.equal(await rows.nth(1).locator('.flag.bad').count(), 1);
  assert.equal(await page.locator('.discrepancy .chart svg').count(), 2);
  assert.ok(await page.locator('#campaign-detail').isHidden());

  await page.getByRole('button', { name: 'brand', exact: true }).click();
  const brand = page.locator('#campaign-detail');
  await brand.locator('#campaign-verdict').waitFor();
  assert.match(await brand.locator('#campaign-verdict').textContent(), /^brand: 4,800 clicks → 3,520 GA4 sessions \(73 per 100\), below the usual 80–120\./);
  assert.equal(await brand.locator('.flag.bad').textContent(), 'Outside the usual 80–120 sessions per 100 clicks');
  assert.deepEqual(await brand.locator('.cause-count').allTextContents(), ['−1,060', '412moved to another day', '−170', '−50']);
  assert.equal(await brand.locator('.cause-action').count(), 4);

  await page.getByRole('button', { name: 'spring_sale' }).click();
  const detail = page.locator('#campaign-detail');
  await detail.locator('#campaign-verdict', { hasText: 'spring_sale: 149 clicks → 136 GA4 sessions (91 per 100), within the usual 80–120: nothing needs fixing.' }).waitFor();
  assert.equal(await detail.locator('.flag.bad').count(), 0, 'a campaign within the band is not flagged');
  assert.match(await detail.locator('h2').textContent(), /Why spring_sale has 136 sessions from 149 clicks/);
  // The steps are the analyst's detail, folded under the plain words.
  assert.ok(await detail.getByText('Daily totals only: clicks minus tagged landings').isHidden());
  await detail.getByText('Step by step, with examples').click();
  assert.deepEqual(await detail.locator('.step-count').allTextContents(), ['149', '−13', '136']);
  await detail.getByText('2 clicks, 1 session').click();
  assert.ok(await detail.getByText('session starts on /sale').isVisible());
  await screenshot(page, 'discrepancy-drill.png');
  assert.deepEqual(problems, []);
  await page.close();
});

test('an unmatched ad campaign is mapped to the closest utm_campaign in one click, or to one typed in', async () => {
  const { page, problems } = await openApp(browser.context, server.url);
  await openTab(page, 'Discrepancy');
  const unmatched = page.getByRole('region', { name: 'Ad campaigns matching no utm_campaign' });
  await unmatched.waitFor();
  assert.match(await unmatched.locator('.unmatched').textContent(), /Brand - Exact \(Google Ads\): 61 clicks — closest utm_campaign “brand_exact”/);
  const before = await page.evaluate(() => window.__slCalls.filter((c) => c.cmd === 'discrepancy').length);
  await unmatched.getByRole('button', { name: "Map to 'brand_exact'" }).click();
  await page.locator('.notice', { hasText: "Mapped Brand - Exact (Google Ads) to utm_campaign 'brand_exact'." }).waitFor();
  assert.deepEqual(await lastArgs(page, 'map_campaign'), { platform: 'google_ads', adCampaign: 'Brand - Exact', utmCampaign: 'brand_exact' });
  // The view is computed again: the campaign now meets its sessions and the list is gone.
  await unmatched.waitFor({ state: 'detached' });
  assert.ok((await page.evaluate(() => window.__slCalls.filter((c) => c.cmd === 'discrepancy').length)) > before);
  assert.deepEqual(await page.locator('#discrepancy-table tbody tr').nth(2).locator('td').allTextContents(), ['Brand - Exact', 'Google Ads', '61', '52', '85 per 100', 'ok']);
  assert.doesNotMatch(await page.locator('#verdict').textContent(), /no session carries this campaign/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a utm_campaign typed in maps the campaign; an empty one sends nothing', async () => {
  const { page, problems } = await openApp(browser.context, server.url);
  await openTab(page, 'Discrepancy');
  const field = page.getByLabel('utm_campaign for Brand - Exact');
  await field.waitFor();
  await page.getByRole('button', { name: 'Map Brand - Exact to the utm_campaign typed' }).click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), await field.getAttribute('id'), 'empty: the field gets focus');
  assert.ok(!(await page.evaluate(() => window.__slCalls.some((c) => c.cmd === 'map_campaign'))));
  await field.fill('  brand-exact-2024 ');
  await field.press('Enter');
  await page.locator('.notice', { hasText: "to utm_campaign 'brand-exact-2024'" }).waitFor();
  assert.deepEqual(await lastArgs(page, 'map_campaign'), { platform: 'google_ads', adCampaign: 'Brand - Exact', utmCampaign: 'brand-exact-2024' });
  assert.deepEqual(problems, []);
  await page.close();
});

test('compare shows every KPI under two presets with the difference', async () => {
  const { page, problems } = await openApp(browser.context, server.url);
  await openTab(page, 'Compare');
  await page.locator('#compare-table').waitFor();
  await screenshot(page, 'compare.png');
  const sessionsRow = await page.locator('#compare-table tbody tr').first().locator('th, td').allTextContents();
  assert.deepEqual(sessionsRow, ['All sessions', '754', '762', '+8']);
  assert.equal(await page.locator('#compare-table tbody tr').count(), 8);
  await page.getByRole('checkbox', { name: 'Universal Analytics' }).uncheck();
  await page.waitForFunction(() => !document.querySelector('#compare-table thead')?.textContent?.includes('Universal'));
  await page.getByRole('checkbox', { name: /Server-log/ }).check();
  await page.waitForFunction(() => document.querySelector('#compare-table thead')?.textContent?.includes('Server-log'));
  const args = await lastArgs(page, 'compare_rules');
  assert.equal(args.rules[0].preset, 'ga4');
  assert.equal(args.rules[1].preset, 'server-log');
  assert.deepEqual(problems, []);
  await page.close();
});

test('compare then says in plain words how the rules split the platform’s own sessions, or why it cannot', async () => {
  const { page, problems } = await openApp(browser.context, server.url);
  await openTab(page, 'Compare');
  const why = page.locator('#fidelity-unavailable');
  await why.waitFor();
  assert.match(await why.textContent(), /needs the platform's own session ids .* none of this project's hits carries one/);
  assert.equal(await page.locator('#fidelity-table').count(), 0);
  await page.close();

  const ua = await openApp(browser.context, server.url, { withUaExport: true });
  await openTab(ua.page, 'Compare');
  const summary = ua.page.locator('#fidelity-summary');
  await summary.waitFor();
  assert.equal(await summary.textContent(), 'Our GA4 rules give the same 1,000 sessions UA counted: none was split or merged.');
  await ua.page.locator('#rule-preset').selectOption('ua');
  await ua.page.locator('#fidelity-summary', { hasText: 'Our UA rules' }).waitFor();
  assert.equal(
    await summary.textContent(),
    "Our UA rules give 1,014 sessions where UA counted 1,000: 14 of UA's sessions were split, mostly at midnight.",
  );
  assert.deepEqual(await lastArgs(ua.page, 'fidelity'), { rules: { preset: 'ua', changes: {} }, range: null });
  const headers = await ua.page.locator('#fidelity-table thead th').allTextContents();
  assert.deepEqual(headers, ['Day', 'UA sessions', 'Our sessions', 'Split', 'Merged', 'Where ours were cut']);
  const rows = ua.page.locator('#fidelity-table tbody tr');
  assert.equal(await rows.count(), 3);
  assert.deepEqual(await rows.last().locator('td').allTextContents(), [
    'All days',
    '1,000',
    '1,014',
    '14',
    '0',
    'at midnight (9), on a campaign change (5)',
  ]);
  await ua.page.locator('#fidelity').scrollIntoViewIfNeeded();
  await screenshot(ua.page, 'fidelity.png');
  assert.deepEqual(problems, []);
  assert.deepEqual(ua.problems, []);
  await ua.page.close();
});

test('a hostile campaign name stays text on every analysis screen', async () => {
  const { page, problems } = await openApp(browser.context, server.url, { hostile: true });
  await openTab(page, 'Dashboard');
  await page.getByRole('button', { name: 'Campaign' }).click();
  await page.locator('#breakdown-campaign').getByText(HOSTILE).waitFor();
  await page.getByRole('tab', { name: 'Discrepancy' }).click();
  await page.locator('#discrepancy-table').getByText(HOSTILE).waitFor();
  await page.getByRole('button', { name: HOSTILE, exact: true }).click();
  await page.locator('#campaign-detail').getByText(HOSTILE).first().waitFor();
  // The chart's label arrived escaped and is drawn as SVG text, not markup.
  assert.equal(await page.locator('.discrepancy .chart svg text').first().textContent(), HOSTILE);
  assert.equal(await page.locator('img[src=x]').count(), 0);
  assert.ok((await page.locator('.discrepancy').textContent()).includes(`closest utm_campaign “${HOSTILE}”`));
  assert.ok(await page.getByRole('button', { name: `Map to '${HOSTILE}'` }).isVisible());
  assert.deepEqual(problems, []);
  await page.close();
});

test('the report, CSV tables and charts are saved with the rules and days shown', async () => {
  const { page, problems } = await openApp(browser.context, server.url);
  await openTab(page, 'Dashboard');
  await page.locator('#kpi-sessions .kpi-value', { hasText: '754' }).waitFor();
  await page.locator('#range-from').fill('2024-03-04');
  await page.locator('#range-to').fill('2024-03-10');
  await page.locator('#range-to').dispatchEvent('change');
  await page.waitForFunction(() => window.__slCalls.filter((c) => c.cmd === 'dashboard').at(-1)?.args.range?.to === '2024-03-10');

  // The report: a form for the cover, then the save dialog, then the Rust side writes it.
  await page.locator('#save-report').click();
  const dialog = page.getByRole('dialog', { name: 'PDF report' });
  await dialog.waitFor();
  await dialog.getByLabel('Title on the cover').fill('March audit');
  await dialog.getByLabel('Prepared by').fill('Northwind Marketing');
  await dialog.getByRole('button', { name: 'Choose logo…' }).click();
  await dialog.locator('#report-logo-name', { hasText: 'northwind-logo.svg' }).waitFor();
  await dialog.getByLabel('Findings and next steps').fill('Fix the redirect on /promo.\n\nCheck again in April.');
  await dialog.getByLabel('Methodology appendix').uncheck();
  await dialog.getByLabel('Paper').selectOption('letter');
  await screenshot(page, 'report-dialog.png');
  await dialog.getByRole('button', { name: 'Save PDF…' }).click();
  await page.locator('.notice', { hasText: 'Saved /home/user/sessionlens-report-ga4-2024-03-04-2024-03-10.pdf (48 KB).' }).waitFor();
  const report = await lastArgs(page, 'save_report');
  assert.deepEqual(report.settings, {
    title: 'March audit',
    client: null,
    agency: 'Northwind Marketing',
    findings: 'Fix the redirect on /promo.\n\nCheck again in April.',
    logoPath: '/home/user/brand/northwind-logo.svg',
    sections: ['traffic', 'discrepancy'],
    paper: 'letter',
  });
  assert.deepEqual(report.range, { from: '2024-03-04', to: '2024-03-10' });
  assert.equal(report.rules.preset, 'ga4');

  // The breakdown shown is the one exported.
  await page.locator('[data-dimension="campaign"]').click();
  await page.locator('#export-breakdown').click();
  await page.locator('.notice', { hasText: '12 rows' }).waitFor();
  const breakdown = await lastArgs(page, 'save_csv');
  assert.deepEqual(breakdown.table, { kind: 'metrics', dimension: 'campaign' });
  assert.equal(breakdown.path, '/home/user/sessionlens-campaign-ga4-2024-03-04-2024-03-10.csv');

  // A chart goes back to Rust as the SVG it was drawn from.
  await page.locator('.chart-card [data-save="png"]').click();
  await page.waitForFunction(() => window.__slCalls.some((c) => c.cmd === 'save_chart'));
  const chart = await lastArgs(page, 'save_chart');
  assert.equal(chart.format, 'png');
  assert.match(chart.svg, /^<svg/);
  assert.ok(chart.path.endsWith('sessionlens-sessions-per-day-ga4-2024-03-04-2024-03-10.png'), chart.path);

  // The discrepancy view exports its campaign table.
  await page.getByRole('tab', { name: 'Discrepancy' }).click();
  await page.locator('#export-campaigns').click();
  await page.waitForFunction(() => window.__slCalls.filter((c) => c.cmd === 'save_csv').length === 2);
  assert.deepEqual((await lastArgs(page, 'save_csv')).table, { kind: 'discrepancy', table: 'campaigns' });
  assert.equal(await page.locator('#discrepancy #save-report').count(), 1);
  assert.deepEqual(problems, []);
  await page.close();
});

test('every other rule is under "More rules", each explained, and a change recomputes', async () => {
  const { page, problems } = await openApp(browser.context, server.url);
  await openTab(page, 'Dashboard');
  await page.locator('#kpi-sessions .kpi-value', { hasText: '754' }).waitFor();
  const more = page.locator('details.more-rules');
  assert.equal(await more.getAttribute('open'), null, 'folded at first');
  await more.locator('summary').click();
  // Every rule of the catalogue is on the panel, labelled and explained: the main ones above,
  // the others here.
  assert.ok(catalogue.rules.length >= 20);
  for (const rule of catalogue.rules) {
    const id = `rule-${rule.id}`;
    assert.ok((await page.locator(`#${id}-help`).textContent()).length > 10, `${id} says what it does`);
    assert.equal(await page.locator(`label[for="${id}"]`).count(), 1, `${id} is labelled`);
    assert.equal(await more.locator(`#${id}`).count(), rule.main ? 0 : 1, `${id} is folded unless main`);
  }
  await page.locator('#rule-hour').check();
  await page.locator('#kpi-sessions .kpi-value', { hasText: '864' }).waitFor();
  assert.equal((await lastArgs(page, 'dashboard')).rules.changes.hour, 'on');
  // The panel is drawn again with the answer; "More rules" stays open and shows the new value.
  assert.equal(await page.locator('details.more-rules').getAttribute('open'), '');
  assert.equal(await page.locator('#rule-hour').isChecked(), true);

  await page.locator('#rule-exclude-referrer').fill(' pay.example , shop.example ,');
  await page.locator('#rule-exclude-referrer').dispatchEvent('change');
  await page.waitForFunction(() => window.__slCalls.filter((c) => c.cmd === 'dashboard').at(-1)?.args.rules.changes['exclude-referrer'] === 'pay.example , shop.example ,');
  await page.locator('#rule-max-hits').fill('500');
  await page.locator('#rule-max-hits').dispatchEvent('change');
  await page.waitForFunction(() => window.__slCalls.filter((c) => c.cmd === 'dashboard').at(-1)?.args.rules.changes['max-hits'] === '500');
  await page.locator('#rule-bounce').selectOption('one-hit');
  await page.waitForFunction(() => window.__slCalls.filter((c) => c.cmd === 'dashboard').at(-1)?.args.rules.changes.bounce === 'one-hit');
  await page.locator('#rule-bounce-help', { hasText: 'Exactly one hit of any kind.' }).waitFor();
  await screenshot(page, 'more-rules.png');
  assert.deepEqual(problems, []);
  await page.close();
});
