/** The application menu as data (types-only 'electron' import, testable without the binary). */
import type { MenuItemConstructorOptions } from 'electron';

/**
 * Quit always; Reload and DevTools only in development. The Edit roles stay so
 * that copy/paste shortcuts work in inputs on macOS, where they come from the menu.
 */
export function menuTemplate(opts: { isDev: boolean; isMac: boolean }): MenuItemConstructorOptions[] {
  const template: MenuItemConstructorOptions[] = [
    { label: 'Tern', submenu: [{ role: 'quit' }] },
    {
      label: 'Edit',
      submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
    },
  ];
  if (opts.isDev) template.push({ label: 'Develop', submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }] });
  // Outside macOS the menu bar is visible; without Edit items the shortcuts still work in inputs.
  return opts.isMac ? template : template.filter((item) => item.label !== 'Edit');
}
