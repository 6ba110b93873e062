// Test harness for the UI: serves the built frontend (ui/dist) on 127.0.0.1 under the app's
// Content-Security-Policy, with the mock backend loaded before the app's script, and drives
// it in headless Chromium (the system's /usr/bin/chromium; playwright-core downloads nothing).

import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(repo, 'ui/dist');
const conf = JSON.parse(fs.readFileSync(path.join(repo, 'tauri.conf.json'), 'utf8'));
/** The policy the app runs under, so a test fails on any inline script or style. */
export const CSP = conf.app.security.csp;

const extra = {
  '/__test/mock-backend.js': path.join(repo, 'tests/ui/mock-backend.js'),
  '/__test/tauri-mocks.js': path.join(repo, 'node_modules/@tauri-apps/api/mocks.js'),
  // The rules panel's offer as the Rust side generates it (the rule catalogue), served as a
  // module (the app's policy allows fetching nothing but IPC).
  '/__test/rule-choices.js': path.join(repo, 'ui/src/bindings/rule-choices.json'),
};
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };

export async function startServer() {
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    throw new Error('ui/dist is missing: run `npm run build:ui` first (npm run test:ui does)');
  }
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let file = extra[url.pathname] ?? path.join(dist, url.pathname === '/' ? 'index.html' : url.pathname);
    if (!file.startsWith(dist) && !Object.values(extra).includes(file)) file = '';
    if (!file || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    let body = fs.readFileSync(file);
    if (file.endsWith('index.html')) {
      // The mock must answer before the app's first call: load it as the first module.
      body = Buffer.from(
        body.toString('utf8').replace('<script', '<script type="module" src="/__test/mock-backend.js"></script>\n    <script'),
      );
    }
    const asModule = file.endsWith('.json') && url.pathname.endsWith('.js');
    if (asModule) body = Buffer.from(`export default ${body.toString('utf8')};`);
    res.writeHead(200, {
      'content-type': asModule ? 'text/javascript' : (types[path.extname(file)] ?? 'application/octet-stream'),
      'content-security-policy': CSP,
      'cache-control': 'no-store',
    });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(resolve)) };
}

export async function launchBrowser() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sessionlens-ui-test-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    locale: 'en-US',
    viewport: { width: 1280, height: 800 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Open the app in a new page with `scenario` for the mock backend. `problems` collects page
 * errors, console errors (a CSP violation is one) and any alert/confirm the page raises.
 */
export async function openApp(context, url, scenario = {}) {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('dialog', async (dialog) => {
    problems.push(`dialog: ${dialog.type()} ${dialog.message()}`);
    await dialog.dismiss();
  });
  await page.addInitScript((s) => {
    window.__SL_SCENARIO__ = s;
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  }, scenario);
  await page.goto(url);
  return { page, problems };
}

/** The commands the app sent to the mock backend, in order. */
export async function calls(page) {
  return page.evaluate(() => window.__slCalls.map((c) => c.cmd));
}
