// A stand-in for the Rust side in UI tests, loaded before the app's own script. It answers
// the app's commands (and the dialog plugin's) from an in-memory project, records every call
// in window.__slCalls, and lets a test hold an import open (window.__slReleaseImport) to look
// at its progress. window.__SL_SCENARIO__ (set by the test before the page loads) picks the data
// (`emptyProject`: the demo holds no files yet; `withReport`: it also holds a GA4 report download;
// `lastView` and `namedViews`: the views the project kept; `clientsFolder`: the clients folder
// remembered, `clientsPicked`: the folder the folder dialog answers).

import { mockIPC, mockWindows } from '/__test/tauri-mocks.js';
import CHOICES from '/__test/rule-choices.js';

const scenario = window.__SL_SCENARIO__ ?? {};
const HOSTILE = '<img src=x onerror=alert(1)>';
window.__slCalls = [];

const DAY = 86_400_000;
const MARCH_1 = Date.UTC(2024, 2, 1);

// The formats `supported_formats` lists; names and descriptions as the core gives them.
const FORMATS = [
  { id: 'csv', name: 'CSV/TSV traffic export', description: 'CSV/TSV traffic export (one hit per row)', kind: 'traffic' },
  { id: 'apache-combined', name: 'Apache/nginx access log (combined)', description: "Apache/NCSA combined log (nginx's default log format)", kind: 'traffic' },
  { id: 'google-ads-report', name: 'Google Ads report', description: 'Google Ads report downloaded from the web interface (CSV or CSV for Excel)', kind: 'ads' },
  { id: 'ga4-report', name: 'GA4 report download', description: 'GA4 report or exploration downloaded as CSV (sessions by campaign, source/medium, channel or day)', kind: 'report' },
];
const formatName = (id) => FORMATS.find((f) => f.id === id)?.name ?? id;
const describe = (id) => ({ format: id, formatName: formatName(id), description: FORMATS.find((f) => f.id === id)?.description ?? id });

function file(id, name, format, kind, rowsImported, rowsRejected, first, last, timeZone) {
  return {
    id,
    name,
    path: `/home/user/data/${name}`,
    size: 1024 * (rowsImported + rowsRejected),
    format,
    formatName: formatName(format),
    kind,
    encoding: 'UTF-8',
    timeZone,
    rowsImported,
    rowsRejected,
    rowsDuplicate: 0,
    firstTsMs: first,
    lastTsMs: last,
    firstDate: kind === 'traffic' ? null : '2024-03-01',
    lastDate: kind === 'traffic' ? null : '2024-03-31',
    importedAt: '2024-04-02T09:00:00Z',
  };
}

const project = {
  open: false,
  files: [
    file(1, 'shop-traffic-2024-03.csv', 'csv', 'traffic', 3000, 3, MARCH_1, MARCH_1 + 30 * DAY + 3_600_000, null),
    file(2, 'google-ads-campaigns-2024-03.csv', 'google-ads-report', 'ads', 31, 0, null, null, 'Europe/Berlin'),
  ],
  rejects: [
    { file: 'shop-traffic-2024-03.csv', line: 3002, raw: '2024-03-32T10:00:00Z,1000000001.1700000001,,https://shop.example/shop', reason: 'no valid timestamp' },
    { file: 'shop-traffic-2024-03.csv', line: 3003, raw: 'yesterday,1000000002.1700000002,,https://shop.example/cart', reason: 'no valid timestamp' },
    { file: 'shop-traffic-2024-03.csv', line: 3004, raw: '=HYPERLINK("http://evil.example"),1000000003', reason: 'no valid timestamp' },
  ],
  /** The campaign mappings stored with `map_campaign`, as [platform, ad campaign, utm_campaign]. */
  mappings: [],
  /** The view last shown ({rules, range, tab}) and the views saved under a name ({name, savedAt, view}). */
  lastView: scenario.lastView ?? null,
  namedViews: scenario.namedViews ?? [],
};

// The clients folder: Acme Corp with data, Globex still empty, Initech from a newer build.
const clients = { folder: scenario.clientsFolder ?? null, list: [] };

function client(name, fields = {}) {
  return { path: `${clients.folder}/${name}.sessionlens`, name, firstDay: null, lastDay: null, lastOpened: null, sources: [], files: 0, error: null, ...fields };
}

function listClients(folder) {
  if (folder === null && clients.folder === null) return null;
  if (folder !== null && folder !== clients.folder) {
    clients.folder = folder;
    clients.list = [];
  }
  if (clients.list.length === 0) {
    clients.list = [
      client('Acme Corp', { firstDay: '2024-03-01', lastDay: '2024-03-31', lastOpened: '2024-04-02T09:00:00Z', sources: ['CSV/TSV traffic export', 'Google Ads report'], files: 2 }),
      client('Globex'),
      client('Initech', { error: { code: 'project_too_new', message: 'this project was written by a newer SessionLens (project schema version 9, this build reads up to 6); update SessionLens to open it' } }),
    ];
  }
  // Copies, as the IPC's JSON gives: the app's objects are not the mock's.
  return structuredClone({ folder: clients.folder, clients: clients.list });
}

/** Rename as the app does: in the same folder, refusing a taken name or one a file system forbids. */
function renameClient(path, name) {
  const trimmed = name.trim().replace(/\.sessionlens$/i, '');
  if (!trimmed) return fail('invalid_input', "a client's name cannot be empty");
  const bad = [...trimmed].find((c) => '/\\:*?"<>|'.includes(c));
  if (bad) return fail('invalid_input', `a client's name cannot hold '${bad}'`);
  if (clients.list.some((c) => c.path !== path && c.name === trimmed)) {
    return fail('invalid_input', `${trimmed}.sessionlens is already there; choose another name`);
  }
  const renamed = clients.list.find((c) => c.path === path);
  Object.assign(renamed, { name: trimmed, path: `${clients.folder}/${trimmed}.sessionlens` });
  clients.list.sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
  return structuredClone({ folder: clients.folder, clients: clients.list });
}

/** Save `view` under `name` as the app does: trimmed, replacing one of the same name in any case, listed by name. */
function saveNamedView(name, view) {
  const trimmed = name.trim();
  if (!trimmed) return fail('invalid_input', 'a saved view needs a name');
  project.namedViews = project.namedViews.filter((v) => v.name.toLowerCase() !== trimmed.toLowerCase());
  project.namedViews.push({ name: trimmed, savedAt: '2024-04-02T09:30:00Z', view: { ...view, tab: null } });
  project.namedViews.sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
  return project.namedViews;
}

if (scenario.withReport) {
  project.files.push(file(4, 'ga4-traffic-acquisition-2024-03.csv', 'ga4-report', 'report', 12, 0, null, null, null));
}

if (scenario.withUaExport) {
  project.files.push(file(5, 'ga_sessions_20240301.ndjson', 'ua', 'traffic', 2400, 0, MARCH_1, MARCH_1 + 2 * DAY, null));
}

if (scenario.emptyProject) {
  project.files = [];
  project.rejects = [];
}

function view() {
  const traffic = project.files.filter((f) => f.kind === 'traffic');
  const ads = project.files.some((f) => f.kind === 'ads');
  return {
    path: '/home/user/.local/share/app.sessionlens.desktop/demo/Demo shop v1.sessionlens',
    name: 'Demo shop v1',
    isDemo: true,
    info: {
      files: project.files,
      hits: traffic.reduce((n, f) => n + f.rowsImported, 0),
      adStatRows: ads ? 31 : 0,
      adClickRows: 0,
      adClicks: ads ? 712 : 0,
      rejects: project.rejects.length,
      firstHitMs: traffic.length ? Math.min(...traffic.map((f) => f.firstTsMs)) : null,
      lastHitMs: traffic.length ? Math.max(...traffic.map((f) => f.lastTsMs)) : null,
      firstAdDate: ads ? '2024-03-01' : null,
      lastAdDate: ads ? '2024-03-31' : null,
      timeZones: ads ? ['Europe/Berlin'] : [],
    },
  };
}

function fail(code, message) {
  return Promise.reject({ code, message });
}

let pendingImport = null;

// The analysis screens. The rules are the core's rule catalogue as the Rust side offers it
// (generated with the TypeScript bindings); numbers follow the rules the way real
// sessionization does in direction: a shorter timeout gives more sessions, UA a few more than
// GA4 (midnight and campaign splits).

const CAMPAIGN = () => (scenario.hostile === true ? HOSTILE : 'spring_sale');

/** The rules a view was computed with: the preset's values, with the input's changes. */
function effectiveRules(input) {
  const preset = CHOICES.presets.find((p) => p.id === input.preset) ?? CHOICES.presets.find((p) => p.id === 'ga4');
  const values = Object.fromEntries(CHOICES.rules.map((r) => [r.id, input.changes?.[r.id] ?? r.presetValues[preset.id]]));
  const changed = CHOICES.rules.filter((r) => r.id !== 'tz' && values[r.id] !== r.presetValues[preset.id]);
  const title = changed.length ? `${preset.title} (modified: ${changed.map((r) => r.title.toLowerCase()).join(', ')})` : preset.title;
  return { preset: preset.id, presetTitle: preset.title, title, changed: changed.map((r) => r.id), values };
}

/** Minutes of a duration as the catalogue writes it (`30m`, `1h`, `90s`). */
function minutes(text) {
  const [, h = 0, m = 0, s = 0] = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text) ?? [];
  return Number(h) * 60 + Number(m) + Number(s) / 60;
}

function sessionsUnder(rules) {
  const v = rules.values;
  let n = 754 + Math.max(0, 30 - minutes(v.timeout)) * 41;
  if (v.hour === 'on') n += 110;
  if (v.midnight === 'on') n += 3;
  if (v['campaign-change'] === 'on') n += 5;
  if (v.bots === 'off') n += 20;
  return n;
}

function kpis(rules) {
  const sessions = sessionsUnder(rules);
  return {
    sessions,
    users: 314,
    pageviews: 2980,
    bounceRate: 0.3196,
    avgDurationS: 894.6 * (754 / sessions),
    engagementRate: 0.6804,
    clicks: 149,
    clickToSession: (136 + sessions - 754) / 149,
  };
}

function chartSvg(title, labels) {
  const texts = labels.map((l, i) => `<text x="10" y="${30 + 20 * i}" fill="currentColor">${l.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 200" width="100%"><title>${title}</title><polyline points="20,180 200,60 400,120 580,40" fill="none" stroke="#2f6bd8" stroke-width="3"/>${texts.join('')}</svg>`;
}

function dashboard({ rules: input, range }) {
  const rules = effectiveRules(input);
  const now = kpis(rules);
  const line = (key, share, clicks) => ({
    key,
    sessions: Math.round(now.sessions * share),
    users: Math.round(314 * share),
    pageviews: Math.round(2980 * share),
    bounceRate: 0.32,
    engagementRate: 0.68,
    avgDurationS: 880,
    clicks,
  });
  const table = (dimension, title, rows) => ({ dimension, title, rows, totalRows: rows.length });
  const march = { from: '2024-03-01', to: '2024-03-31' };
  return {
    rules,
    period: range ?? march,
    previousPeriod: { from: '2024-01-30', to: '2024-02-29' },
    dataSpan: march,
    kpis: now,
    previous: { ...now, sessions: 0, users: 0, pageviews: 0, clicks: 0 },
    change: { sessions: null, users: null, pageviews: null, bounceRatePoints: null, avgDurationS: null, engagementRatePoints: null, clicks: null, clickToSessionPoints: null },
    overTimeSvg: chartSvg('Sessions and ad clicks per day', []),
    breakdowns: [
      table('channel', 'Channel', [line('Direct', 0.48, 0), line('Paid Search', 0.18, 149), line('Organic Search', 0.2, 0), line('Referral', 0.14, 0)]),
      table('source_medium', 'Source / medium', [line('(direct) / (none)', 0.48, 0), line('google / cpc', 0.18, 149)]),
      table('campaign', 'Campaign', [line('(not set)', 0.78, 0), line(CAMPAIGN(), 0.18, 149), line('newsletter', 0.04, 0)]),
      table('landing_page', 'Landing page', [line('/contact', 0.085, null), line('/', 0.3, null)]),
      table('device_category', 'Device', [line('desktop', 0.51, 0), line('mobile', 0.42, 0), line('tablet', 0.07, 0)]),
    ],
    notes: ['ad clicks and cost have no landing-page (ad platforms report none); they appear in the totals only'],
  };
}

/** Each rule set's KPIs, and shares of them by campaign and by day (the first three days asked). */
function compareView({ rules, range }) {
  const columns = rules.map((input) => ({ rules: effectiveRules(input), kpis: kpis(effectiveRules(input)) }));
  const part = (key, share, clicks) => ({
    key,
    columns: columns.map(({ kpis: k }) => {
      const sessions = Math.round(k.sessions * share);
      return { ...k, sessions, users: Math.round(k.users * share), pageviews: Math.round(k.pageviews * share), clicks, clickToSession: clicks ? sessions / clicks : null };
    }),
  });
  const period = range ?? { from: '2024-03-01', to: '2024-03-31' };
  const first = Date.parse(`${period.from}T00:00:00Z`);
  const days = [0, 1, 2].map((i) => new Date(first + i * DAY).toISOString().slice(0, 10));
  const table = (dimension, title, rows) => ({ dimension, title, rows, totalRows: rows.length });
  return {
    period,
    columns,
    byCampaign: table('campaign', 'Campaign', [part('(not set)', 0.78, null), part(CAMPAIGN(), 0.18, 149), part('newsletter', 0.04, null)]),
    byDay: table('day', 'Day', days.map((day, i) => part(day, [0.3, 0.5, 0.2][i], null))),
  };
}

// The discrepancy's causes in the core's words, by kind.
const CAUSE_WORDS = {
  name_mismatch: ['No session carries this campaign: its name matches no utm_campaign', "Map this campaign to utm_campaign 'brand_exact' (Discrepancy → Unmatched campaigns)"],
  tags_lost: [
    'Tags lost on the way to /promo: visits from the ad network arrived with no utm tags and no gclid',
    "Fix the redirect on /promo: it must keep the query string (utm tags and gclid); check the ads' final URLs and that auto-tagging is on",
  ],
  repeat_clicks: ['Repeat clicks inside one visit: the same visitor clicked again within 30 minutes', 'Nothing to fix: the ad platform counts every click, analytics one visit'],
  no_landing: [
    'Clicks with no landing we can see: tag blocked, consent declined, or the visitor left before the page loaded',
    'Up to 10–20 % is usual. If more, check landing-page speed, that the analytics tag loads on every landing page, and how many visitors decline consent',
  ],
  extra_sessions: ['Visits that went on past the 30-minute timeout or midnight, or came back through the same ad link', 'Nothing to fix: one click can start more than one session'],
  day_shift: [
    "Sessions on another day in the analytics time zone (UTC) than in the ad account's (Europe/Berlin); they are compared here on the account's days",
    "Set the analytics property's time zone to the ad account's (Europe/Berlin) so daily reports line up",
  ],
};
const NEEDS_A_FIX = ['tags_lost', 'name_mismatch', 'bot_sessions'];
const thousands = (n) => `${n < 0 ? '−' : ''}${Math.abs(n).toLocaleString('en-US')}`;
const lowerFirst = (t) => t.charAt(0).toLowerCase() + t.slice(1);

/** The causes of the given counts, largest first, with the core's words; zero counts left out. */
function causes(counts) {
  return Object.entries(counts)
    .filter(([, count]) => count !== 0)
    .map(([kind, count]) => ({ kind, cause: CAUSE_WORDS[kind][0], count, action: CAUSE_WORDS[kind][1] }))
    .sort((a, b) => Math.abs(b.count) - Math.abs(a.count));
}

/** A verdict worded as the core words it (src: crates/core/src/discrepancy/verdict.rs). */
function verdict(subject, clicks, sessions, list) {
  const ratio = sessions / clicks;
  const head = `${subject}: ${thousands(clicks)} clicks → ${thousands(sessions)} GA4 sessions (${Math.round(ratio * 100)} per 100)`;
  const fix = list.find((c) => NEEDS_A_FIX.includes(c.kind));
  if (ratio >= 0.8 && ratio <= 1.2) {
    return fix ? `${head}, within the usual 80–120. Still worth fixing: ${lowerFirst(fix.action)}.` : `${head}, within the usual 80–120: nothing needs fixing.`;
  }
  const pushing = list.filter((c) => c.kind !== 'day_shift' && c.count < 0 === ratio < 0.8).slice(0, 3);
  const named = pushing.map((c) => `${lowerFirst(c.cause.split(':')[0])} (${thousands(Math.abs(c.count))})`);
  return `${head}, ${ratio < 0.8 ? 'below' : 'above'} the usual 80–120. Likely causes, largest first: ${named.join('; ')}. What to do: ${lowerFirst((fix ?? pushing[0]).action)}.`;
}

function campaignLine(platform, campaign, clicks, sessions, counts, steps) {
  const list = causes(counts);
  const ratio = sessions / clicks;
  return { verdict: verdict(campaign, clicks, sessions, list), causes: list, platform, platformName: 'Google Ads', campaign, clicks, sessions, ratio, outsideBand: ratio < 0.8 || ratio > 1.2, controlFlag: ratio < 0.5, steps };
}

// Three Google Ads campaigns: spring_sale within the band (its sessions follow the rules),
// brand losing its tags on a redirect, and "Brand - Exact" matching no utm_campaign until it
// is mapped to brand_exact.
function discrepancyView({ rules: input, range }) {
  const rules = effectiveRules(input);
  const springSessions = 136 + sessionsUnder(rules) - 754;
  const steps = [
    {
      label: 'Residual (daily totals)',
      count: springSessions - 149,
      separable: false,
      explanation: `Daily totals only: clicks minus tagged landings ${scenario.hostile ? HOSTILE : ''}`.trim(),
      examples: [
        {
          summary: `2 clicks, 1 session: clicks on ${CAMPAIGN()} carried the same manual tags`,
          timeline: [
            { localTime: '2024-03-04 10:01', kind: 'click', text: `click on ${CAMPAIGN()}` },
            { localTime: '2024-03-04 10:02', kind: 'session_start', text: 'session starts on /sale' },
          ],
        },
      ],
    },
  ];
  const springGap = springSessions - 149;
  const spring = campaignLine('google_ads', CAMPAIGN(), 149, springSessions, {
    repeat_clicks: -9,
    [springGap + 9 < 0 ? 'no_landing' : 'extra_sessions']: springGap + 9,
    day_shift: 7,
  }, steps);
  const brand = campaignLine('google_ads', 'brand', 4_800, 3_520, { tags_lost: -1_060, repeat_clicks: -170, no_landing: -50, day_shift: 412 }, []);
  const exactMapped = project.mappings.some(([, ad]) => ad === 'Brand - Exact');
  const exact = exactMapped
    ? campaignLine('google_ads', 'Brand - Exact', 61, 52, { repeat_clicks: -6, no_landing: -3 }, [])
    : campaignLine('google_ads', 'Brand - Exact', 61, 0, { name_mismatch: -61 }, []);
  const campaigns = [spring, brand, exact];
  const clicks = campaigns.reduce((n, c) => n + c.clicks, 0);
  const sessions = campaigns.reduce((n, c) => n + c.sessions, 0);
  const overall = {};
  for (const c of campaigns) for (const k of c.causes) overall[k.kind] = (overall[k.kind] ?? 0) + k.count;
  const list = causes(overall);
  const outside = campaigns.filter((c) => c.outsideBand);
  const outsideText = outside.length
    ? ` ${outside.length} of ${campaigns.length} campaigns ${outside.length === 1 ? 'is' : 'are'} outside the usual range: ${outside.map((c) => `${c.campaign} (${Math.round(c.ratio * 100)} per 100)`).join(', ')}.`
    : '';
  const unmatched = exactMapped ? [] : [{ platform: 'google_ads', platformName: 'Google Ads', campaign: 'Brand - Exact', clicks: 61, suggestion: 'brand_exact' }];
  if (scenario.hostile) unmatched.push({ platform: 'google_ads', platformName: 'Google Ads', campaign: HOSTILE, clicks: 3, suggestion: HOSTILE });
  return {
    verdict: `${verdict('All campaigns', clicks, sessions, list)}${outsideText}`,
    causes: list,
    rules,
    period: range ?? { from: '2024-03-01', to: '2024-03-31' },
    bandLow: 0.8,
    bandHigh: 1.2,
    clicks,
    sessions,
    steps: [{ ...steps[0], count: sessions - clicks }],
    campaigns,
    unmatched,
    waterfallSvg: chartSvg('From ad clicks to sessions', [CAMPAIGN()]),
    controlSvg: chartSvg('Sessions per 100 clicks, by day', []),
    notes: ["the export does not state the account's time zone; its days are taken as UTC days"],
  };
}

// The import wizard's previews, by file name: *.log an access log from 2015 (far from the
// project's March 2024; *example-org* also for another site), *ads*.csv an ad report that
// states its zone, *broken* an unrecognised file, any other .csv a traffic table whose time
// column is found only once the user maps it (to `when`).
// Fidelity: 1,000 UA sessions over two days when a UA export is imported; the rules split them
// at midnight and on campaign changes, a shorter timeout cuts more, a longer one joins some.
const FIDELITY_UNAVAILABLE =
  "The fidelity check needs the platform's own session ids (GA4 export ga_session_id, Universal Analytics ga_sessions rows, Snowplow domain_sessionid), and none of this project's hits carries one.";
const CUT_WORDS = { midnight: 'at midnight', 'campaign-change': 'on a campaign change', timeout: 'by the inactivity timeout' };

function fidelityView({ rules: input, range }) {
  const rules = effectiveRules(input);
  const none = { platformSessions: 0, ourSessions: 0, split: 0, merged: 0, notCounted: 0 };
  if (!project.files.some((f) => f.format === 'ua')) {
    return { rules, period: range, unavailable: FIDELITY_UNAVAILABLE, summary: '', platform: 'the source', totals: none, reasons: [], days: [] };
  }
  const v = rules.values;
  const cuts = [
    ['midnight', v.midnight === 'on' ? 9 : 0],
    ['campaign-change', v['campaign-change'] === 'on' ? 5 : 0],
    ['timeout', Math.round(Math.max(0, 30 - minutes(v.timeout)) * 4)],
  ].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  const split = cuts.reduce((n, [, k]) => n + k, 0);
  const merged = Math.round(Math.max(0, minutes(v.timeout) - 30) / 10);
  const totals = { platformSessions: 1000, ourSessions: 1000 + split - merged, split, merged, notCounted: 0 };
  const reasons = cuts.map(([reason, sessions]) => ({ reason, words: CUT_WORDS[reason], sessions }));
  const parts = [];
  if (split) parts.push(`${thousands(split)} of UA's sessions were split, mostly ${reasons[0].words}`);
  if (merged) parts.push(`${thousands(merged)} of ours joined several of UA's`);
  const head = totals.ourSessions === 1000 ? `Our ${rules.preset.toUpperCase()} rules give the same 1,000 sessions UA counted` : `Our ${rules.preset.toUpperCase()} rules give ${thousands(totals.ourSessions)} sessions where UA counted 1,000`;
  const summary = `${head}: ${parts.length ? `${parts.join(' and ')}.` : 'none was split or merged.'}`;
  const day = (date, share) => ({
    date,
    counts: { platformSessions: 1000 * share, ourSessions: Math.round(totals.ourSessions * share), split: Math.round(split * share), merged: Math.round(merged * share), notCounted: 0 },
    reasons,
  });
  return { rules, period: range, unavailable: null, summary, platform: 'UA', totals, reasons, days: [day('2024-03-01', 0.5), day('2024-03-02', 0.5)] };
}

function preview(file) {
  const name = file.path.split('/').pop();
  const base = { path: file.path, name, encoding: 'UTF-8', compression: null, rejects: [], headers: [], mapping: [], fileTimeZone: null, dateOrderMatters: false, complete: false, error: null, warnings: [] };
  const table = (columns, rows) => ({ columns, numeric: columns.map((c) => c === 'Clicks'), rows });
  if (name.includes('broken') && !file.format) {
    return { ...base, format: null, formatName: null, description: null, kind: null, encoding: null, table: table([], []), error: { code: 'unreadable_file', message: `${file.path}: not a format SessionLens recognises` } };
  }
  if (name.endsWith('.log')) {
    const host = name.includes('example-org') ? 'www.example.org' : 'howto.basjes.nl';
    const hit = (i) => [`2015-10-25 03:11:2${i}`, 'page_view', `http://${host}/page-${i}`, `http://${host}/`, 'Mozilla/5.0 (Windows NT 5.1; rv:35.0)'];
    const warnings = [
      ...(host === 'www.example.org' ? ["This file's traffic is for www.example.org; the project's traffic is for shop.example. Check that it is the site you meant."] : []),
      "This file starts in Oct 2015; the project's data covers Mar 2024: nothing will line up.",
    ];
    return { ...base, ...describe('apache-combined'), kind: 'traffic', warnings: project.open && project.files.length > 0 ? warnings : [], table: table(['Time (UTC)', 'Event', 'URL', 'Referrer', 'User agent'], [0, 1, 2].map(hit)) };
  }
  if (name.includes('ads')) {
    return { ...base, ...describe('google-ads-report'), kind: 'ads', fileTimeZone: 'America/New_York', complete: true, table: table(['Date', 'Campaign', 'Clicks'], [['2024-03-01', 'spring_sale', '49']]) };
  }
  const headers = ['when', 'visitor', 'page', 'ref'];
  const sniffed = { client_id: 'visitor', url: 'page', referrer: 'ref' };
  const fields = ['timestamp', 'date', 'time', 'client_id', 'user_id', 'url', 'referrer', 'ip'];
  const chosen = Object.fromEntries(file.mapping.map((c) => [c.field, c.column]));
  const mapping = fields.map((field) => ({ field, column: field in chosen ? chosen[field] : (sniffed[field] ?? null) }));
  const csv = { ...base, ...describe('csv'), kind: 'traffic', headers, mapping, dateOrderMatters: true };
  if (!mapping.find((c) => c.field === 'timestamp').column) {
    return { ...csv, table: table([], []), error: { code: 'unreadable_file', message: `${file.path}: no timestamp column; expected a column like 'timestamp' (the columns are: when, visitor, page, ref)` } };
  }
  const day = file.dateOrder === 'day-first' ? '2024-04-03' : '2024-03-04';
  const hour = file.timeZone === 'Europe/Berlin' ? '09' : '10';
  const visitor = mapping.find((c) => c.field === 'client_id').column;
  return { ...csv, table: table(['Time (UTC)', 'Client id', 'URL'], [[`${day} ${hour}:00:00`, visitor ? `v1 from ${visitor}` : '', '/a']]) };
}

function importFiles({ files, onProgress }) {
  const paths = files.map((f) => f.path);
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
      project.files.push(file(3, fileName, 'apache-combined', 'traffic', 5000, 2, MARCH_1, MARCH_1 + DAY, null));
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
              ...describe('apache-combined'),
              ...(hostile ? { formatName: `Access log ${HOSTILE}` } : {}),
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

// A test sets window.__slHoldDashboard to hold dashboard answers until it calls __slReleaseDashboard.
window.__slReleaseImport = () => pendingImport?.(false);
window.__slImportPending = () => pendingImport !== null;

/** Files dragged over the window and dropped (`type`: enter, over, drop or leave), as Tauri reports them. */
window.__slDragFiles = (type, paths = []) =>
  window.__TAURI_INTERNALS__.invoke('plugin:event|emit', { event: `tauri://drag-${type}`, payload: { paths, position: { x: 10, y: 10 } } });

/** A File menu choice (`open`, `import`, `report`, `close`), as the Rust side sends it. */
window.__slMenu = (id) => window.__TAURI_INTERNALS__.invoke('plugin:event|emit', { event: 'menu', payload: id });

mockWindows('main');
mockIPC((cmd, args) => {
  window.__slCalls.push({ cmd, args: cmd === 'import_files' ? { files: args.files } : args });
  switch (cmd) {
    case 'startup_project':
      return null;
    case 'recent_projects':
      return scenario.recent ?? [];
    case 'supported_formats':
      return FORMATS;
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
    case 'preview_import':
      return args.files.map(preview);
    case 'import_files':
      return importFiles(args);
    case 'cancel_import':
      pendingImport?.(true);
      return null;
    case 'delete_file': {
      const gone = project.files.find((f) => f.id === args.fileId);
      if (!gone) return fail('invalid_input', `the project has no imported file with id ${args.fileId}`);
      project.files = project.files.filter((f) => f !== gone);
      const rejectsRemoved = project.rejects.filter((r) => r.file === gone.name).length;
      project.rejects = project.rejects.filter((r) => r.file !== gone.name);
      return { name: gone.name, kind: gone.kind, rowsRemoved: gone.rowsImported, rejectsRemoved, project: view() };
    }
    case 'export_rejects':
      return project.rejects.length;
    case 'rule_choices':
      return { ...CHOICES, timeZones: ['Europe/Berlin', 'UTC'] };
    case 'dashboard':
      if (!project.open) return fail('no_project', 'no project is open');
      if (args.rules.changes.tz === 'Mars/Olympus') {
        return fail('invalid_input', "unknown time zone 'Mars/Olympus' (expected an IANA name such as Europe/Berlin)");
      }
      if (window.__slHoldDashboard) return new Promise((resolve) => (window.__slReleaseDashboard = () => resolve(dashboard(args))));
      return dashboard(args);
    case 'discrepancy':
      return discrepancyView(args);
    case 'prefetch':
      return null;
    case 'map_campaign':
      if (!args.adCampaign.trim() || !args.utmCampaign.trim()) {
        return fail('invalid_input', "a campaign mapping needs both the ad campaign's name and the utm_campaign value");
      }
      project.mappings.push([args.platform, args.adCampaign, args.utmCampaign]);
      return null;
    case 'saved_views':
      return { last: project.lastView, named: project.namedViews };
    case 'remember_view':
      project.lastView = args.view;
      return null;
    case 'save_named_view':
      return saveNamedView(args.name, args.view);
    case 'delete_named_view':
      project.namedViews = project.namedViews.filter((v) => v.name.toLowerCase() !== args.name.trim().toLowerCase());
      return project.namedViews;
    case 'compare_rules':
      return compareView(args);
    case 'fidelity':
      return fidelityView(args);
    case 'list_clients':
      return listClients(args.folder);
    case 'rename_client':
      return renameClient(args.path, args.name);
    case 'copy_client_settings':
      if (args.from === args.to) return fail('invalid_input', "a project's views cannot be copied onto itself");
      return { lastView: true, namedViews: 2, mappingsAdded: 3 };
    case 'plugin:dialog|open':
      if (args.options.directory) return scenario.clientsPicked ?? '/home/user/Clients';
      if (args.options.multiple) return scenario.importPaths ?? ['/home/user/logs/access.log'];
      if (args.options.title?.startsWith('Logo')) return '/home/user/brand/northwind-logo.svg';
      return scenario.projectPath ?? '/home/user/Shop.sessionlens';
    case 'plugin:dialog|save':
      return `/home/user/${args.options.defaultPath}`;
    case 'save_report':
    case 'save_chart':
      return { path: args.path, bytes: 48_213, rows: null };
    case 'save_csv':
      return { path: args.path, bytes: 2_048, rows: 12 };
    default:
      return fail('internal', `the UI test mock does not know the command ${cmd}`);
  }
}, { shouldMockEvents: true });
