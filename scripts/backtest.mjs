#!/usr/bin/env node
// `npm run backtest`: the backtest CLI (src-main/backtest/cli.ts) run as
// built JavaScript, so a run does not compile Tern's TypeScript at start.
// The first run, and the first after a source file it is built from changed,
// bundles it with esbuild (a fraction of a second) into
// node_modules/.cache/tern-backtest/; later runs import that bundle. A
// strategy given as a TypeScript file needs a TypeScript loader anyway: then
// the CLI runs from source under tsx, as `npx tsx src-main/backtest/cli.ts`.
import module from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// V8's compiled code for the modules a run loads (zod, decimal.js, the bundle) kept on disk
// between runs: a run starts without compiling them again (Node ≥ 22.1; older ones go without)
// (in the bundle's cache folder: TERN_BACKTEST_CACHE as backtest-build.mjs reads it)
module.enableCompileCache?.(join(process.env.TERN_BACKTEST_CACHE || join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.cache', 'tern-backtest'), 'v8'));
const { loadBuiltCli } = await import('./backtest-build.mjs');

const source = join(dirname(fileURLToPath(import.meta.url)), '..', 'src-main', 'backtest');
const args = process.argv.slice(2);
const typescriptStrategy = args.some((a, i) => args[i - 1] === '--strategy' && /\.[cm]?tsx?$/.test(a)) || args.some((a) => /^--strategy=.*\.[cm]?tsx?$/.test(a));

let cli;
if (!typescriptStrategy) {
  try {
    cli = await loadBuiltCli();
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
