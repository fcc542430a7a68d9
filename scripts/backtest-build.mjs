// The backtest CLI and its sweep worker as built JavaScript (esbuild), for
// scripts/backtest.mjs (`npm run backtest`) and the backtest benchmarks: a
// bundle in node_modules/.cache/tern-backtest/, made on first use and again
// whenever a source file it was built from changed (sizes and mtimes), then
// reused. Builds are written aside and switched by renaming current.json, so
// concurrent runs never see half a build.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, copyFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src-main', 'backtest');
// TERN_BACKTEST_CACHE: another folder (tests); it must lie inside the repository, where the bundle's
// imports of packages (zod, decimal.js, …) resolve to its node_modules
const cache = process.env.TERN_BACKTEST_CACHE || join(root, 'node_modules', '.cache', 'tern-backtest');
const current = join(cache, 'current.json');
/** builds older than this that are no longer current are removed (a run may still be using the one before) */
const KEEP_OLD_MS = 10 * 60_000;

/** the build recorded in current.json, if every file it was made from is as it was */
function freshBuild() {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(current, 'utf8'));
  } catch {
    return null;
  }
  const dir = join(cache, stamp.dir);
  if (!existsSync(join(dir, 'cli.js'))) return null;
  for (const [file, mtimeMs, size] of stamp.inputs) {
    try {
      const s = statSync(join(root, file));
      if (s.mtimeMs !== mtimeMs || s.size !== size) return null;
    } catch {
      return null;
    }
  }
  return dir;
}

async function build() {
  const { build: esbuild } = await import('esbuild');
  const name = `build-${Date.now()}-${process.pid}`;
  const dir = join(cache, name);
  const result = await esbuild({
    absWorkingDir: root,
    entryPoints: { cli: join(source, 'cli.ts'), 'backtest-worker': join(source, 'backtest-worker.ts') },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    outdir: dir,
    metafile: true,
    logLevel: 'silent',
  });
  // the worker pool starts workers from worker-boot.mjs next to its own module, and the bundle is ESM
  copyFileSync(join(source, 'worker-boot.mjs'), join(dir, 'worker-boot.mjs'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const inputs = Object.keys(result.metafile.inputs)
    .filter((file) => !file.startsWith('node_modules/') && !file.includes(':'))
    .map((file) => {
      const s = statSync(join(root, file));
      return [relative(root, join(root, file)), s.mtimeMs, s.size];
    });
  inputs.push(['src-main/backtest/worker-boot.mjs', statSync(join(source, 'worker-boot.mjs')).mtimeMs, statSync(join(source, 'worker-boot.mjs')).size]);
  const tmp = `${current}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify({ dir: name, inputs }));
  renameSync(tmp, current);
  for (const old of readdirSync(cache)) {
    if (!old.startsWith('build-') || old === name) continue;
    try {
      if (Date.now() - statSync(join(cache, old)).mtimeMs > KEEP_OLD_MS) rmSync(join(cache, old), { recursive: true, force: true });
    } catch {
      // another run removed it
    }
  }
  return dir;
}

/** the folder of a current build of the CLI (cli.js, backtest-worker.js, worker-boot.mjs), built first if needed */
export async function builtCliDir() {
  mkdirSync(cache, { recursive: true });
  return freshBuild() ?? (await build());
}

/** the built CLI module (runCli, main, runSweep, runBacktest) */
export async function loadBuiltCli() {
  return import(pathToFileURL(join(await builtCliDir(), 'cli.js')).href);
}
