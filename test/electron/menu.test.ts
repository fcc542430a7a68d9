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

describe('application menu actions', () => {
  const find = (items: ReturnType<typeof menuTemplate>, id: string) =>
    items.flatMap((i) => (Array.isArray(i.submenu) ? i.submenu : [])).find((s) => s.id === id);

  it('adds the kill switch, with the global shortcut shown but not registered twice, when given', () => {
    let pulled = 0;
    const item = find(menuTemplate({ isDev: false, isMac: false, onKillSwitch: () => (pulled += 1) }), 'kill-switch');
    expect(item).toMatchObject({ accelerator: 'CommandOrControl+Shift+K', registerAccelerator: false });
    (item!.click as () => void)();
    expect(pulled).toBe(1);
  });

  it('has no kill switch item when the engine has none', () => {
    expect(find(menuTemplate({ isDev: false, isMac: false }), 'kill-switch')).toBeUndefined();
  });

  it('offers resetting the window layout when given', () => {
    expect(find(menuTemplate({ isDev: false, isMac: true, onResetLayout: () => {} }), 'reset-layout')).toBeDefined();
  });
});
