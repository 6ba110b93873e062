// A minimal W3C WebDriver client over fetch: just what the end-to-end test needs to drive
// the app through tauri-driver (which forwards to WebKitWebDriver on Linux).

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export class WebDriver {
  constructor(base, sessionId) {
    this.base = base;
    this.sessionId = sessionId;
  }

  static async start(base, capabilities) {
    const response = await send(base, 'POST', '/session', { capabilities: { alwaysMatch: capabilities } });
    return new WebDriver(base, response.sessionId);
  }

  async quit() {
    await send(this.base, 'DELETE', `/session/${this.sessionId}`);
  }

  cmd(method, path, body) {
    return send(this.base, method, `/session/${this.sessionId}${path}`, body);
  }

  /** Run `script` in the page (a function body; `arguments` holds `args`). */
  execute(script, ...args) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  executeAsync(script, ...args) {
    return this.cmd('POST', '/execute/async', { script, args });
  }

  async find(css) {
    const found = await this.cmd('POST', '/element', { using: 'css selector', value: css });
    return found[ELEMENT];
  }

  async findAll(css) {
    const found = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return found.map((e) => e[ELEMENT]);
  }

  click(element) {
    return this.cmd('POST', `/element/${element}/click`, {});
  }

  text(element) {
    return this.cmd('GET', `/element/${element}/text`);
  }

  /** Poll until `css` matches an element whose text passes `test` (default: any element). */
  async waitFor(css, options = {}) {
    return (await this.waitForMatch(css, options)).element;
  }

  /** The text that passed `test`, as it was read: the element may be redrawn right after. */
  async waitForText(css, options = {}) {
    return (await this.waitForMatch(css, options)).text;
  }

  async waitForMatch(css, { timeout = 30_000, test = () => true, what = css } = {}) {
    const deadline = Date.now() + timeout;
    let last = '';
    for (;;) {
      const elements = await this.findAll(css).catch(() => []);
      for (const element of elements) {
        last = await this.text(element).catch(() => '');
        if (test(last)) return { element, text: last };
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last text: ${JSON.stringify(last)})`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Resolve after two animation frames, so the last change to the page is painted. */
  async painted() {
    await this.executeAsync(
      'const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));',
    );
  }
}

async function send(base, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = json.value ?? json;
    throw new Error(`${method} ${path}: ${response.status} ${error.error ?? ''} ${error.message ?? JSON.stringify(json)}`);
  }
  return json.value;
}
