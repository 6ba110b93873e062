// The app shell: a header, one screen at a time (start or project) and a place for errors.

import './styles.css';

import { h, replace } from './dom';
import { api, ErrorCode, IpcError } from './ipc';
import { watchFileDrops } from './screens/file-drops';
import { renderProject } from './screens/project';
import { renderStart } from './screens/start';
import { messageOf, type Shell } from './shell';

// screens/analysis.ts, being rewritten, still imports Shell from here; with that rewrite it
// imports it from ./shell and this line goes.
export type { Shell } from './shell';

const root = document.getElementById('app') as HTMLElement;
const headerTitle = h('span', { class: 'header-project' });
const alertArea = h('div', { class: 'alert-area', attrs: { role: 'alert' } });
const statusArea = h('div', { class: 'visually-hidden', attrs: { role: 'status' } });
const main = h('main', { class: 'screen', id: 'main', attrs: { tabindex: -1 } });

replace(
  root,
  h(
    'header',
    { class: 'app-header' },
    h('img', { class: 'app-logo', attrs: { src: '/icon.svg', alt: '', width: 28, height: 28 } }),
    h('span', { class: 'app-name' }, 'SessionLens'),
    headerTitle,
  ),
  alertArea,
  statusArea,
  main,
);

const shell: Shell = {
  showStart() {
    replace(headerTitle);
    document.title = 'SessionLens';
    renderStart(main, shell);
  },
  showProject(project) {
    replace(headerTitle, h('span', { class: 'header-sep', attrs: { 'aria-hidden': 'true' } }, '/'), project.name);
    document.title = `${project.name} — SessionLens`;
    renderProject(main, shell, project);
  },
  showError(error) {
    if (error === null) {
      replace(alertArea);
      return;
    }
    if (error instanceof IpcError && error.code === ErrorCode.noProject) {
      shell.showStart();
    }
    replace(
      alertArea,
      h(
        'div',
        { class: 'alert' },
        h('span', { class: 'alert-text' }, messageOf(error)),
        h(
          'button',
          {
            class: 'button button-quiet',
            attrs: { type: 'button', 'aria-label': 'Dismiss message' },
            on: { click: () => replace(alertArea) },
          },
          'Dismiss',
        ),
      ),
    );
  },
  notify(message) {
    replace(
      alertArea,
      h(
        'div',
        { class: 'notice', attrs: { role: 'status' } },
        h('span', { class: 'alert-text' }, message),
        h(
          'button',
          {
            class: 'button button-quiet',
            attrs: { type: 'button', 'aria-label': 'Dismiss message' },
            on: { click: () => replace(alertArea) },
          },
          'Dismiss',
        ),
      ),
    );
  },
  async busy(label, work) {
    main.setAttribute('aria-busy', 'true');
    replace(statusArea, label);
    try {
      const result = await work();
      shell.showError(null);
      return result;
    } catch (error) {
      shell.showError(error);
      return undefined;
    } finally {
      main.removeAttribute('aria-busy');
      replace(statusArea);
    }
  },
};

async function boot(): Promise<void> {
  const project = await shell.busy('Starting', () => api.startupProject());
  if (project) shell.showProject(project);
  else shell.showStart();
  // Read by scripts/e2e.sh bench: how long after the page began loading its first screen stood.
  performance.mark('first-screen');
}

watchFileDrops(shell);
void boot();
