/** The application menu as data (types-only 'electron' import, testable without the binary). */
import type { MenuItemConstructorOptions } from 'electron';
import { KILL_SWITCH_ACCELERATOR } from './kill-switch.js';

export interface MenuOptions {
  isDev: boolean;
  isMac: boolean;
  /** adds "Kill Switch…" (which asks first) when given */
  onKillSwitch?: () => void;
  /** adds "Reset Window Layout" when given */
  onResetLayout?: () => void;
}

/**
 * Quit always; Reload and DevTools only in development. The Edit roles stay so
 * that copy/paste shortcuts work in inputs on macOS, where they come from the menu.
 */
export function menuTemplate(opts: MenuOptions): MenuItemConstructorOptions[] {
  const app: MenuItemConstructorOptions[] = [];
  if (opts.onKillSwitch) {
    const onKillSwitch = opts.onKillSwitch;
    app.push(
      // the shortcut is a global one registered by main; the menu only shows it (a second registration would fire twice)
      { id: 'kill-switch', label: 'Kill Switch…', accelerator: KILL_SWITCH_ACCELERATOR, registerAccelerator: false, click: () => onKillSwitch() },
      { type: 'separator' },
    );
  }
  app.push({ role: 'quit' });
  const template: MenuItemConstructorOptions[] = [
    { label: 'Tern', submenu: app },
    {
      label: 'Edit',
      submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
    },
  ];
  const view: MenuItemConstructorOptions[] = [];
  if (opts.onResetLayout) {
    const onResetLayout = opts.onResetLayout;
    view.push({ id: 'reset-layout', label: 'Reset Window Layout', click: () => onResetLayout() });
  }
  view.push({ role: 'togglefullscreen' });
  template.push({ label: 'View', submenu: view });
  if (opts.isDev) template.push({ label: 'Develop', submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }] });
  // Outside macOS the menu bar is visible; without Edit items the shortcuts still work in inputs.
  return opts.isMac ? template : template.filter((item) => item.label !== 'Edit');
}
