// Performance figures of the built (release) app under Xvfb, through tauri-driver: how soon
// the first screen shows after launch, how soon the dashboard of the demo project is redrawn
// after a rules toggle, how often the progress bar moves (and how long the page's frames get)
// during a large import into the demo project, then how soon that project's dashboard is
// drawn, redrawn after toggles and after preset flips once the app was idle for BENCH_IDLE_S
// seconds (60 unless set; it computes the presets ahead meanwhile), and drawn when the app is
// launched on it. It prints figures and checks nothing: goals are judged by people reading them, never by a timed test. Run by
// `bash scripts/e2e.sh bench`, which sets SESSIONLENS_APP, WEBDRIVER_URL and BENCH_IMPORT_FILE
// (a synthetic CSV of BENCH_HITS hits, 1M unless set).

import { WebDriver } from './webdriver.mjs';
import { answerFileDialog } from './desktop.mjs';

const app = process.env.SESSIONLENS_APP;
const importFile = process.env.BENCH_IMPORT_FILE;

const ms = (x) => `${Math.round(x)} ms`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Poll every 10 ms until `css` matches; returns the time it took. */
async function appears(driver, css, timeout = 60_000) {
  const start = performance.now();
  while (performance.now() - start < timeout) {
    if ((await driver.findAll(css).catch(() => [])).length > 0) return performance.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${css}`);
}

/** In the page: apply `change` to the rules panel (or click the element `change.id` when
 * `change.click`), resolve once the dashboard's new numbers are painted. */
const TOGGLE = `
  const [change, done] = [arguments[0], arguments[arguments.length - 1]];
  const busy = () => document.querySelector('.analysis').hasAttribute('aria-busy');
  const shown = document.getElementById('dashboard');
  const start = performance.now();
  const input = document.getElementById(change.id);
  if (change.click) input.click();
  else {
    if (input.type === 'checkbox') input.checked = !input.checked; else input.value = change.value;
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }
  const check = () => {
    const now = document.getElementById('dashboard');
    if (now && now !== shown && !busy()) requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - start)));
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
`;

/** In the page: record when the import's progress bar or detail line changes, and every frame's length. */
const WATCH_IMPORT = `
  const seen = { updates: [], frames: [], last: null, watching: true };
  window.__bench = seen;
  new MutationObserver(() => {
    const bar = document.getElementById('import-progress');
    const detail = document.getElementById('import-detail');
    const state = bar ? bar.getAttribute('value') + '|' + (detail ? detail.textContent : '') : null;
    if (state !== null && state !== seen.last) { seen.last = state; seen.updates.push(performance.now()); }
  }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  let previous = performance.now();
  seen.slowFrames = [];
  const frame = (t) => {
    if (t - previous > 100) seen.slowFrames.push([t, t - previous]);
    seen.frames.push(t - previous);
    previous = t;
    if (seen.watching) requestAnimationFrame(frame);
  };
  document.getElementById('start-import').addEventListener('click', () => (seen.clicked = performance.now()), { capture: true });
  requestAnimationFrame(frame);
`;

/** Launch the app (with `args`) and wait for `css`; prints and returns the session. */
async function launch(what, css, args = []) {
  const start = performance.now();
  const driver = await WebDriver.start(process.env.WEBDRIVER_URL, {
    browserName: 'wry',
    'tauri:options': { application: app, args },
  });
  const session = performance.now() - start;
  await appears(driver, css, 300_000);
  const shown = performance.now() - start;
  const inPage = await driver.execute("return performance.getEntriesByName('first-screen')[0]?.startTime ?? null;");
  console.log(`${what}: ${ms(shown)} from launch (the WebDriver session took ${ms(session)} of it); first screen ${ms(inPage)} after the page started loading`);
  return driver;
}

const RULE_CHANGES = [
  { id: 'rule-timeout', value: '5m', what: 'timeout 30 → 5 min' },
  { id: 'rule-timeout', value: '30m', what: 'timeout 5 → 30 min' },
  { id: 'rule-midnight', what: 'split at midnight' },
  { id: 'rule-campaign-change', what: 'split on campaign change' },
  { id: 'rule-bots', what: 'bot filter' },
  { id: 'rule-midnight', what: 'split at midnight back' },
];

/** Every preset, ending on the one the app starts with. */
const PRESET_FLIPS = ['ua', 'adobe', 'matomo', 'plausible', 'posthog', 'ga4'].map((value) => ({
  id: 'rule-preset',
  value,
  what: `preset ${value}`,
}));

/** Redraw the dashboard after each of `changes`; prints each time and their median. */
async function toggles(driver, of, changes = RULE_CHANGES) {
  const times = [];
  for (const change of changes) {
    const took = await driver.executeAsync(TOGGLE, change);
    times.push(took);
    console.log(`toggle redrawn (${of}, ${change.what}): ${ms(took)}`);
  }
  console.log(`toggle redrawn (${of}): median ${ms(median(times))}, slowest ${ms(Math.max(...times))} over ${times.length} toggles`);
}

async function demoToggles(driver) {
  await driver.click(await driver.find('#open-demo'));
  await appears(driver, '#files-table tbody tr');
  await driver.click(await driver.find('#tab-dashboard'));
  await appears(driver, '#dashboard #kpi-sessions');
  await toggles(driver, 'demo');
}

/** The dashboard of the project the large import went into, then toggles on it. */
async function largeProjectToggles(driver) {
  const took = await driver.executeAsync(TOGGLE, { id: 'tab-dashboard', click: true });
  console.log(`dashboard of the imported project drawn: ${ms(took)} after the tab was clicked`);
  await toggles(driver, 'imported project');
  // While the app is idle it computes the presets' views ahead (src-tauri/src/prefetch.rs).
  const idle = Number(process.env.BENCH_IDLE_S ?? 60);
  await driver.executeAsync(TOGGLE, { id: 'rule-preset', value: 'ga4', what: 'preset ga4' });
  await new Promise((resolve) => setTimeout(resolve, idle * 1000));
  await toggles(driver, `imported project, presets after ${idle} s idle`, PRESET_FLIPS);
}

async function largeImport(driver) {
  await driver.click(await driver.find('#tab-files'));
  await driver.click(await driver.find('#import-files'));
  answerFileDialog('Import files', importFile);
  await appears(driver, '#start-import', 120_000);
  await driver.execute(WATCH_IMPORT);
  const start = performance.now();
  await driver.click(await driver.find('#start-import'));
  await appears(driver, '#import-summary', 900_000);
  const took = performance.now() - start;
  const seen = await driver.execute('window.__bench.watching = false; return window.__bench;');
  const gaps = seen.updates.slice(1).map((t, i) => t - seen.updates[i]);
  const frames = seen.frames.slice(1);
  console.log(`import of ${importFile}: ${(took / 1000).toFixed(1)} s in the app`);
  console.log(
    `progress updates: ${seen.updates.length}; between two: median ${ms(median(gaps))}, longest ${ms(Math.max(...gaps))}`,
  );
  console.log(`page frames during the import: ${frames.length}, longest ${ms(Math.max(...frames))}, median ${ms(median(frames))}`);
  const clicked = seen.clicked;
  console.log(`progress updates at (ms after the click): ${seen.updates.map((t) => Math.round(t - clicked)).join(', ')}`);
  console.log(`frames over 100 ms ended at: ${seen.slowFrames.map(([t, d]) => `${Math.round(t - clicked)} (${Math.round(d)} ms)`).join(', ') || 'none'}`);
}

let driver = await launch('first screen', '#open-demo');
try {
  await demoToggles(driver);
  if (importFile) {
    await largeImport(driver);
    await largeProjectToggles(driver);
    // The project opens again on the dashboard it was left with.
    const project = await driver.execute("return document.querySelector('.project-path').textContent;");
    await driver.quit();
    driver = null;
    driver = await launch('imported project opened to its drawn dashboard', '#dashboard #kpi-sessions', [project]);
  }
} finally {
  await driver?.quit();
}
