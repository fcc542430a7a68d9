import { describe, expect, it, vi } from 'vitest';
import { trayMenuTemplate } from '../../src-main/electron/tray.js';

function template(over: Partial<Parameters<typeof trayMenuTemplate>[0]> = {}) {
  const handlers = { onToggleWindow: vi.fn(), onKillSwitch: vi.fn(), onQuit: vi.fn() };
  const items = trayMenuTemplate({ windowVisible: true, killSwitch: true, ...handlers, ...over });
  const byId = (id: string) => items.find((i) => i.id === id)!;
  const click = (id: string) => (byId(id).click as () => void)();
  return { items, byId, click, handlers };
}

describe('tray menu', () => {
  it('offers show/hide, the kill switch and quit, in that order', () => {
    expect(template().items.filter((i) => i.id).map((i) => i.id)).toEqual(['toggle-window', 'kill-switch', 'quit']);
  });

  it('names the window action after the window state', () => {
    expect(template({ windowVisible: true }).byId('toggle-window').label).toBe('Hide Tern');
    expect(template({ windowVisible: false }).byId('toggle-window').label).toBe('Show Tern');
  });

  it('wires each item to its action', () => {
    const t = template();
    t.click('toggle-window');
    t.click('kill-switch');
    t.click('quit');
    expect(t.handlers.onToggleWindow).toHaveBeenCalledOnce();
    expect(t.handlers.onKillSwitch).toHaveBeenCalledOnce();
    expect(t.handlers.onQuit).toHaveBeenCalledOnce();
  });

  it('shows the global shortcut on the kill switch without registering it a second time', () => {
    const item = template().byId('kill-switch');
    expect(item.accelerator).toBe('CommandOrControl+Shift+K');
    expect(item.registerAccelerator).toBe(false);
    expect(item.label).toMatch(/…$/); // it asks before acting
  });

  it('greys out the kill switch when the engine has none', () => {
    expect(template({ killSwitch: false }).byId('kill-switch').enabled).toBe(false);
  });
});
