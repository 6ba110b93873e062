// The app shell: a header, one screen at a time (start or project), a place for errors and
// notices, files dropped on the window and the application menu's choices. It implements Shell (./shell.ts) for the screens.

import './styles.css';

import { button, h, replace, type Props } from './dom';
import { api, ErrorCode, IpcError } from './ipc';
import { watchMenu } from './menu';
import { watchFileDrops } from './screens/file-drops';
import { renderProject } from './screens/project';
import { renderStart } from './screens/start';
import { messageOf, type Shell } from './shell';

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

/** Show `message` in the alert area, in a box made with `props`, with a button that dismisses it. */
function showAlert(props: Props, message: string): void {
  replace(
    alertArea,
    h(
      'div',
      props,
      h('span', { class: 'alert-text' }, message),
      button('Dismiss', () => replace(alertArea), { class: 'button button-quiet', attrs: { 'aria-label': 'Dismiss message' } }),
    ),
  );
}

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
    showAlert({ class: 'alert' }, messageOf(error));
  },
  notify(message) {
    showAlert({ class: 'notice', attrs: { role: 'status' } }, message);
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
watchMenu(shell);
void boot();
