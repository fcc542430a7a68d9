/// <reference types="vite/client" />
import type { DesktopBridge, TernBridge } from '../src-common/contract/bridge.js';

declare global {
  interface Window {
    /**
     * The desktop bridge from the preload; absent when the page runs in a plain
     * browser. `shell` (the app's own settings) exists only in the desktop app.
     */
    tern?: TernBridge & Partial<Pick<DesktopBridge, 'shell'>>;
  }
}

export {};
