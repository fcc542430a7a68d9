import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const ROOT = join(import.meta.dirname, '..', '..', '..');

/**
 * Builds the app (main, preload, renderer) into a fresh temporary folder and
 * returns the renderer's folder: the tests never serve a stale out/renderer,
 * and never overwrite the developer's.
 */
export async function buildRenderer(): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'tern-ui-build-'));
  const cli = join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  await promisify(execFile)(process.execPath, [cli, 'build', '--outDir', out, '--logLevel', 'error'], {
    cwd: ROOT,
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    maxBuffer: 16 * 1024 * 1024,
  });
  const renderer = join(out, 'renderer');
  if (!existsSync(join(renderer, 'index.html'))) throw new Error(`the build left no ${renderer}/index.html`);
  return renderer;
}
