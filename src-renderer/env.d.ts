/// <reference types="vite/client" />
import type { TernBridge } from '../src-main/contract/bridge.js';

declare global {
  interface Window {
    /** The desktop bridge from the preload; absent when the page runs in a plain browser. */
    tern?: TernBridge;
  }
}

export {};
