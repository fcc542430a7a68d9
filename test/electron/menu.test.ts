import { describe, expect, it } from 'vitest';
import { menuTemplate } from '../../src-main/electron/menu.js';

function roles(template: ReturnType<typeof menuTemplate>): string[] {
  return template.flatMap((item) => (Array.isArray(item.submenu) ? item.submenu.map((s) => s.role ?? s.type ?? '') : []));
}

describe('application menu', () => {
  it('offers Quit and no developer tools in a release build', () => {
    const r = roles(menuTemplate({ isDev: false, isMac: false }));
    expect(r).toContain('quit');
    expect(r).not.toContain('reload');
    expect(r).not.toContain('toggleDevTools');
  });

  it('adds Reload and DevTools in development', () => {
    const r = roles(menuTemplate({ isDev: true, isMac: false }));
    expect(r).toEqual(expect.arrayContaining(['quit', 'reload', 'toggleDevTools']));
  });

  it('keeps the Edit roles on macOS, where clipboard shortcuts come from the menu', () => {
    expect(roles(menuTemplate({ isDev: false, isMac: true }))).toEqual(expect.arrayContaining(['copy', 'paste']));
  });
});
