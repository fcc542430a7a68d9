import type { DesktopBridge } from '../../src-common/contract/bridge.js';
import { asCallError } from './call-error.js';

/** The desktop app's own settings (the local API server): only the preload has them, never a browser. */
export type DesktopShell = DesktopBridge['shell'];

/** window.tern.shell in the desktop app, null in a browser; refusals come back as CallErrors like engine calls. */
export function desktopShell(): DesktopShell | null {
  const bridge = typeof window !== 'undefined' ? window.tern : undefined;
  const shell = bridge?.shell;
  if (typeof shell !== 'function') return null;
  return (async (method, params) => {
    try {
      return await shell.call(bridge, method, params);
    } catch (err) {
      throw asCallError(err);
    }
  }) as DesktopShell;
}
