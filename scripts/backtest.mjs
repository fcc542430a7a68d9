#!/usr/bin/env node
// `npm run backtest`: the backtest CLI (src-main/backtest/cli.ts) run as
// built JavaScript, so a run does not compile Tern's TypeScript at start.
// The first run, and the first after a source file it is built from changed,
// bundles it with esbuild (a fraction of a second) into
// node_modules/.cache/tern-backtest/; later runs import that bundle. A
// strategy given as a TypeScript file needs a TypeScript loader anyway: then
// the CLI runs from source under tsx, as `npx tsx src-main/backtest/cli.ts`.
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

const args = process.argv.slice(2);
const typescriptStrategy = args.some((a, i) => args[i - 1] === '--strategy' && /\.[cm]?tsx?$/.test(a)) || args.some((a) => /^--strategy=.*\.[cm]?tsx?$/.test(a));

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

let cli;
if (!typescriptStrategy) {
  try {
    mkdirSync(cache, { recursive: true });
    const dir = freshBuild() ?? (await build());
    cli = await import(pathToFileURL(join(dir, 'cli.js')).href);
  } catch (err) {
    // no esbuild, an unwritable cache or a source that does not build: the source under tsx says what is wrong
    process.stderr.write(`backtest: running from source (the build failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)})\n`);
    cli = undefined;
  }
}
if (!cli) {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(pathToFileURL(join(source, 'cli.ts')).href);
}
await cli.runCli(args);
