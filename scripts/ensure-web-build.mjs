#!/usr/bin/env node
// Before `npm run serve`: builds the renderer when out/renderer is missing or
// older than src-renderer, so a fresh checkout serves its UI without a
// separate build step.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'out', 'renderer', 'index.html');

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return t;
}

if (!existsSync(built) || statSync(built).mtimeMs < newest(join(root, 'src-renderer'))) {
  console.log('serve: building the web UI (electron-vite build)…');
  const run = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) {
    console.error('serve: the UI build failed; the API will still start (see the errors above)');
  }
}
