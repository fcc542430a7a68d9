import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src-main/backtest/cli.js';

const root = join(import.meta.dirname, '..', '..');
let dir: string;
let cache: string;
let data: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tern-backtest-script-'));
  // inside the repository's node_modules, as the real cache: the bundle's package imports resolve from there
  cache = join(root, 'node_modules', '.cache', `tern-backtest-test-${process.pid}`);
  data = join(dir, 'ftx.csv');
  const lines = readFileSync('/work/shared/data/nautilus_FTX_BTC-PERP_1m.csv', 'utf8').split('\n');
  writeFileSync(data, `${lines.slice(0, 3001).join('\n')}\n`);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(cache, { recursive: true, force: true });
});

const flags = (out: string, strategy = 'sma-cross') => ['--data', data, '--symbol', 'BTC/USD', '--strategy', strategy, '--cash', '10000', '--fee', '0.001', '--out', out, '--quiet'];

/** `npm run backtest -- …` as npm runs it: node scripts/backtest.mjs from the repository, with the cache in the test's folder */
function run(args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'backtest.mjs'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TERN_BACKTEST_CACHE: cache, INIT_CWD: dir },
  });
  return { status: r.status, stderr: r.stderr };
}

interface Stamp {
  dir: string;
  inputs: Array<[string, number, number]>;
}
const stamp = () => JSON.parse(readFileSync(join(cache, 'current.json'), 'utf8')) as Stamp;
/** a file the build was made from is no longer as it was (others may edit the checkout while the test runs) */
const stale = (s: Stamp) =>
  s.inputs.some(([file, mtimeMs, size]) => {
    const now = existsSync(join(root, file)) ? statSync(join(root, file)) : null;
    return !now || now.mtimeMs !== mtimeMs || now.size !== size;
  });

describe('npm run backtest (scripts/backtest.mjs)', () => {
  it('builds the CLI once into its cache and writes the same trades as the CLI from source', async () => {
    const first = run(flags(join(dir, 'a')));
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const built = stamp();
    expect(existsSync(join(cache, built.dir, 'cli.js'))).toBe(true);
    expect(built.inputs.map(([file]) => file)).toContain('src-main/backtest/cli.ts');
    // V8's compiled code of what a run loads is kept beside the bundle, for the next run's start (Node ≥ 22.1)
    if (typeof (await import('node:module')).default.enableCompileCache === 'function') expect(existsSync(join(cache, 'v8'))).toBe(true);

    // a second run imports the same build, unless a source file changed meanwhile
    expect(run(flags(join(dir, 'b')))).toEqual({ status: 0, stderr: '' });
    expect(stamp().dir === built.dir || stale(built)).toBe(true);

    expect(await main(flags(join(dir, 'src')), { out: () => {}, err: () => {}, isTTY: false, cwd: dir })).toBe(0);
    for (const out of ['a', 'b']) {
      expect(readFileSync(join(dir, out, 'trades.csv'))).toEqual(readFileSync(join(dir, 'src', 'trades.csv')));
      expect(readFileSync(join(dir, out, 'report.json'))).toEqual(readFileSync(join(dir, 'src', 'report.json')));
    }
  });

  it('builds again once a file the build was made from changed', () => {
    const before = stamp();
    // as if cli.ts had been edited since: its recorded size no longer matches
    writeFileSync(join(cache, 'current.json'), JSON.stringify({ ...before, inputs: before.inputs.map(([f, m, s]) => [f, m, f.endsWith('cli.ts') ? s + 1 : s]) }));
    expect(run(flags(join(dir, 'c')))).toEqual({ status: 0, stderr: '' });
    expect(stamp().dir).not.toBe(before.dir);
  });

  it('loads no package a backtest of a CSV file does not use (SQLite, ccxt, fastify, pino)', () => {
    // which CommonJS packages the run loaded, told at exit (ESM packages such as zod are not in require.cache)
    const probe = join(dir, 'loaded.mjs');
    writeFileSync(
      probe,
      `import { createRequire } from 'node:module';
      import { writeSync } from 'node:fs';
      const cache = createRequire(import.meta.url).cache;
      process.on('exit', () => writeSync(2, JSON.stringify([...new Set(Object.keys(cache).map((k) => k.match(/node_modules[\\\\/]((@[^\\\\/]+[\\\\/])?[^\\\\/]+)/)?.[1]).filter(Boolean))])));`,
    );
    expect(run(flags(join(dir, 'warm')))).toEqual({ status: 0, stderr: '' });
    const r = spawnSync(process.execPath, ['--import', probe, join(root, 'scripts', 'backtest.mjs'), ...flags(join(dir, 'probed'))], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, TERN_BACKTEST_CACHE: cache, INIT_CWD: dir },
    });
    expect(r.status).toBe(0);
    const loaded = JSON.parse(r.stderr) as string[];
    for (const unused of ['better-sqlite3', 'ccxt', 'fastify', 'pino']) expect(loaded).not.toContain(unused);
  });

  it('runs a sweep on worker threads from the build', async () => {
    // the same build, run once in this thread first: what the sweep adds to the compile cache is what its workers compiled
    expect(run(flags(join(dir, 'before-sweep')))).toEqual({ status: 0, stderr: '' });
    const cached = () => (existsSync(join(cache, 'v8')) ? readdirSync(join(cache, 'v8'), { recursive: true }).length : 0);
    const before = cached();
    const r = run([...flags(join(dir, 'sweep')), '--grid', 'fast=5,10', '--workers', '2']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // the workers use the compile cache the CLI turned on (their boot file and entry are loaded nowhere else)
    if (typeof (await import('node:module')).default.enableCompileCache === 'function') expect(cached()).toBeGreaterThan(before);
    expect(readFileSync(join(dir, 'sweep', 'sweep.csv'), 'utf8').trim().split('\n')).toHaveLength(3);
    // the workers' boot file and entry sit beside the build (without them the pool would run in this thread)
    expect(existsSync(join(cache, stamp().dir, 'worker-boot.mjs')) && existsSync(join(cache, stamp().dir, 'backtest-worker.js'))).toBe(true);
  });

  it('runs a strategy written in TypeScript (from source under tsx)', () => {
    const file = join(dir, 'hold.ts');
    writeFileSync(
      file,
      `const strategy: { name: string; params: Record<string, never>; create: () => { onBar: (bar: { index: number }, ctx: { buy: (q: string) => unknown }) => void } } = {
        name: 'hold',
        params: {},
        create: () => ({ onBar: (bar, ctx) => { if (bar.index === 1) void ctx.buy('0.01'); } }),
      };
      export default strategy;\n`,
    );
    const r = run(flags(join(dir, 'ts'), file));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(existsSync(join(dir, 'ts', 'report.json'))).toBe(true);
  });
});
