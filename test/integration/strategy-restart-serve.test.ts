/**
 * `npm run serve` killed with SIGKILL while two strategies trade, started
 * again on the same data folder: both are resumed with their parameters, no
 * order is placed twice and no fill counted twice; killed again and started
 * with --no-resume, both are listed as stopped by the restart.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { positionsFromFills } from '../../src-main/engine/portfolio/position.js';
import { SqliteStore } from '../../src-main/store/sqlite-store.js';
import { freePort, SAMPLE_FEED } from '../e2e/helpers/serve.js';

const ROOT = join(import.meta.dirname, '..', '..');
const HEADLESS = join(ROOT, 'src-main', 'headless.ts');
const KEY = `tern_test_${randomBytes(12).toString('hex')}`;
const dataDir = mkdtempSync(join(tmpdir(), 'tern-strategy-restart-'));
// A paper replay plays on the computer's clock, its candles as long as the file's bars: the sample's
// prices as 1-second bars give the strategies a bar a second instead of a minute.
const FEED = join(dataDir, 'btc-1s.csv');
const [header, ...rows] = readFileSync(SAMPLE_FEED, 'utf8').trim().split('\n');
writeFileSync(FEED, [header, ...rows.map((r, i) => `${1_640_991_660_000 + i * 1000}${r.slice(r.indexOf(','))}`)].join('\n'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

interface Serve {
  child: ChildProcess;
  url: string;
  output(): string;
}

async function serve(extra: string[] = []): Promise<Serve> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', HEADLESS, '--data-dir', dataDir, '--port', String(port), '--feed', `replay:${FEED}@40`, ...extra], {
    cwd: ROOT,
    env: { ...process.env, TERN_API_KEY: KEY, TERN_WEB_ROOT: join(dataDir, 'no-web-ui'), TERN_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 60_000);
    child.stdout!.on('data', () => {
      // the lines about the strategies come right after the market data line
      if (out.includes('market data:')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${out}`)));
  });
  return { child, url: `http://127.0.0.1:${port}`, output: () => out };
}

async function api(s: Serve, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const v = await read();
    if (done(v)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function kill(s: Serve): Promise<void> {
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGKILL');
  await exited;
}

const TREND = { strategy: 'sma-cross', id: 'trend', symbol: 'BTC/USDT', params: { fast: 2, slow: 4, fraction: 0.2 } };
const REVERT = { strategy: 'rsi-reversion', id: 'revert', symbol: 'BTC/USDT', params: { period: 2, oversold: 45, overbought: 55, fraction: 0.1 } };
/** the run tag of a strategy's client order id (<id>-<run tag>-<n>): a new one for each start of the process */
const tag = (o: any): string => o.client_order_id.split('-').at(-2);
const byId = (rows: any[]) => Object.fromEntries(rows.map((r) => [r.id, r]));

describe('serve, killed with two strategies running, then started again', () => {
  it('resumes both with their parameters, places nothing twice, counts no fill twice; with --no-resume lists both as stopped by the restart', async () => {
    const first = await serve();
    await api(first, 'POST', '/api/v1/strategies', TREND);
    await api(first, 'POST', '/api/v1/strategies', REVERT);
    await api(first, 'PATCH', '/api/v1/strategies/trend', { params: { fraction: 0.15 } });
    // both have traded
    const traded = await until(
      async () => (await api(first, 'GET', '/api/v1/orders?status=all&limit=1000')) as any[],
      (orders) => ['trend-', 'revert-'].every((p) => orders.some((o) => o.client_order_id.startsWith(p) && o.status === 'filled')),
      'both strategies to trade',
    );
    const before = byId((await api(first, 'GET', '/api/v1/strategies')).running);
    await kill(first);

    const second = await serve();
    const resumed = byId((await api(second, 'GET', '/api/v1/strategies')).running);
    for (const id of ['trend', 'revert']) {
      expect(resumed[id]).toMatchObject({ status: 'running', restart: { action: 'resumed' }, params: before[id].params, started_at: before[id].started_at });
    }
    expect(resumed.trend.params.fraction).toBe(0.15);
    await until(async () => second.output(), (o) => o.includes('strategy revert (rsi-reversion): resumed after the restart'), 'the resumed line');
    expect(second.output()).toContain('strategy trend (sma-cross): resumed after the restart');
    // they trade on: new orders from both (a new run tag in their client order ids)
    const oldTags = new Set(traded.map(tag));
    await until(
      async () => (await api(second, 'GET', '/api/v1/orders?status=all&limit=1000')) as any[],
      (orders) => ['trend-', 'revert-'].every((p) => orders.some((o) => o.client_order_id.startsWith(p) && !oldTags.has(tag(o)))),
      'the resumed strategies to trade',
    );
    await kill(second);

    const third = await serve(['--no-resume']);
    const stopped = byId((await api(third, 'GET', '/api/v1/strategies')).running);
    for (const id of ['trend', 'revert']) expect(stopped[id]).toMatchObject({ status: 'stopped', restart: { action: 'stopped' }, params: before[id].params });
    await until(async () => third.output(), (o) => o.includes('strategy revert (rsi-reversion): stopped by the restart'), 'the stopped line');
    expect(third.output()).toContain('strategy trend (sma-cross): stopped by the restart');
    const exited = new Promise((r) => third.child.once('exit', r));
    third.child.kill('SIGINT');
    await exited;

    // the store after two kills: every client order id once, positions and balances exactly what the fills say
    const store = SqliteStore.open(join(dataDir, 'tern.db'));
    try {
      expect(store.verify()).toEqual({ ok: true, mismatches: [] });
      const orders = store.queryOrders({ status: 'all', limit: 1_000_000 });
      expect(new Set(orders.map((o) => o.clientOrderId)).size).toBe(orders.length);
      const derived = [...positionsFromFills(store.allFills()).values()].map((p) => [p.account, p.symbol, p.quantity.toFixed()]);
      const stored = store.loadPositions().map((p) => [p.account, p.symbol, p.quantity.toFixed()]);
      expect(stored.sort()).toEqual(derived.sort());
      // and each strategy's own ledger is exactly what its own fills say
      for (const id of ['trend', 'revert']) {
        const own = [...positionsFromFills([...store.allFills()].filter((f) => f.strategyId === id)).values()].map((p) => p.quantity.toFixed());
        const ledger = store.loadStrategyPositions().filter((p) => p.strategyId === id).map((p) => p.quantity.toFixed());
        expect(ledger, id).toEqual(own);
      }
    } finally {
      store.close();
    }
  }, 240_000);
});
