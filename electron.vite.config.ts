import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

const root = import.meta.dirname;

/**
 * Three builds: main (ESM, Node target, package deps stay external so native
 * modules like better-sqlite3 load from node_modules), preload (one CommonJS
 * file with everything bundled — a sandboxed preload can only `require`
 * 'electron' and a few builtins, never ESM imports or node_modules), and the
 * renderer (a plain web page). Output dirs default to out/{main,preload,renderer},
 * so `electron-vite build --outDir X` can redirect all three at once.
 */
export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      rolldownOptions: {
        input: { index: resolve(root, 'src-main/electron/main.ts') },
      },
    },
  },
  preload: {
    build: {
      // bundle every dependency: the sandbox has no module loader for node_modules
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'src-preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    plugins: [react()],
    build: {
      // electron-vite leaves minification off; the page is also served to browsers (web mode), so keep it lean
      minify: true,
      cssMinify: true,
      rolldownOptions: {
        input: { index: resolve(root, 'src-renderer/index.html') },
      },
    },
  },
});
