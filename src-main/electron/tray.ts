/** The tray icon's menu as data (types-only 'electron' import, testable without the binary). */
import type { MenuItemConstructorOptions } from 'electron';
import { KILL_SWITCH_ACCELERATOR } from './kill-switch.js';

export const TRAY_TOOLTIP = 'Tern';

export interface TrayMenuOptions {
  windowVisible: boolean;
  /** whether the engine has the kill switch (risk.killSwitch) */
  killSwitch: boolean;
  onToggleWindow: () => void;
  onKillSwitch: () => void;
  onQuit: () => void;
}

/** Show/Hide the window, the kill switch (it asks first), Quit. Rebuilt when the window shows or hides. */
export function trayMenuTemplate(opts: TrayMenuOptions): MenuItemConstructorOptions[] {
  return [
    { id: 'toggle-window', label: opts.windowVisible ? 'Hide Tern' : 'Show Tern', click: () => opts.onToggleWindow() },
    { type: 'separator' },
    {
      id: 'kill-switch',
      label: 'Kill Switch…',
      // shown as a hint only: the global shortcut is registered by main, not by this menu
      accelerator: KILL_SWITCH_ACCELERATOR,
      registerAccelerator: false,
      enabled: opts.killSwitch,
      click: () => opts.onKillSwitch(),
    },
    { type: 'separator' },
    { id: 'quit', label: 'Quit Tern', click: () => opts.onQuit() },
  ];
}
