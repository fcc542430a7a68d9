/**
 * Paper strategies through the engine's protocol on a SQLite store: new
 * parameters reach the strategy (or are refused), a strategy that throws is
 * stopped with its stack, and a restart on the same file resumes what was
 * running (or, with resuming off, lists it as stopped by the restart).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src-common/contract/events.js';
import type { StrategyInstance } from '../../src-common/contract/strategy-schemas.js';
import { Engine } from '../../src-main/engine/engine.js';
import { ManualClock, SequentialIds } from '../../src-main/engine/ports/clock.js';
import { type CandleSeries, parseCandleSeries } from '../../src-main/feeds/candles-csv.js';
import { ReplayFeed } from '../../src-main/feeds/replay/replay-feed.js';
import { SqliteStore } from '../../src-main/store/sqlite-store.js';
import { FileAccess } from '../../src-main/strategies/file-access.js';
import { strategyHandlers } from '../../src-main/strategies/strategy-handlers.js';
import { PaperVenue } from '../../src-main/venues/paper/paper-venue.js';

const FTX = parseCandleSeries(readFileSync('/work/shared/data/nautilus_FTX_BTC-PERP_1m.csv', 'utf8').split('\n').slice(0, 1201).join('\n'));
const ctx = { actor: 'test' };
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Paper {
  engine: Engine;
  store: SqliteStore;
  clock: ManualClock;
  events: EngineEvent[];
  step(): Promise<void>;
  stop(): Promise<void>;
}

const open: Paper[] = [];
afterEach(async () => {
  for (const p of open.splice(0)) await p.stop();
});

/** a data folder with a strategies/ folder the test writes modules into */
function dataFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tern-restart-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'strategies'));
  return dir;
}

/**
 * A paper engine on `dir`'s store, fed a replay of `bars` from `from` that the
 * test steps bar by bar, with strategies plugged in as runtime.ts plugs them.
 */
async function paperEngine(dir: string, opts: { from?: number; at?: number; run?: string; resume?: boolean; bars?: CandleSeries } = {}): Promise<Paper> {
  const bars = opts.bars ?? FTX;
  const clock = new ManualClock(opts.at ?? bars.ts[opts.from ?? 0]!);
  const ids = new SequentialIds(opts.run ?? 'r1');
  const feed = new ReplayFeed({ symbol: 'BTC/USD', bars, speed: 0, loop: false });
  if (opts.from) feed.step(opts.from);
  const store = SqliteStore.open(join(dir, 'tern.db'));
  const files = FileAccess.open({ dataDir: dir });
  const engine = new Engine({
    store,
    clock,
    ids,
    version: 'test',
    paperBalances: { USD: '10000' },
    venueFor: (a) => new PaperVenue({ account: a.id, marketData: feed, clock, ids, startingBalances: a.startingBalances }),
    features: (host) =>
      strategyHandlers(host.api, {
        clock: host.clock,
        log: host.log,
        files,
        settings: host.settings,
        onStarted: host.onStarted,
        onStop: host.onStop,
        publish: (instance) => host.publish('strategies', 'strategies', () => instance),
        ...(opts.resume !== undefined ? { resume: opts.resume } : {}),
      }),
  });
  const events: EngineEvent[] = [];
  engine.subscribe((e) => void (e.kind === 'strategies' && events.push(e)));
  await engine.start();
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  let stopped = false;
  const paper: Paper = {
    engine,
    store,
    clock,
    events,
    async step() {
      const i = feed.position.index;
      clock.set(bars.ts[i]! + 60_000);
      feed.step(1);
      for (let k = 0; k < 5; k++) await settle();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await engine.stop();
      store.close();
    },
  };
  open.push(paper);
  return paper;
}

const list = async (p: Paper) => (await p.engine.call('strategies.list', {}, ctx)).running;
const byId = (rows: StrategyInstance[]) => Object.fromEntries(rows.map((r) => [r.id, r]));

describe('new parameters', () => {
  it('reach sma-cross: the next buy is sized with the new fraction', async () => {
    const paper = await paperEngine(dataFolder());
    await paper.engine.call('strategies.start', { strategy: 'sma-cross', id: 'sma', symbol: 'BTC/USD', params: { fast: 3, slow: 8, fraction: 0.9 } }, ctx);
    /** its buys, oldest first */
    const buys = async () => (await paper.engine.call('orders.list', { account: 'paper', limit: 10_000 }, ctx)).filter((o) => o.side === 'buy').reverse();
    let before = 0;
    for (let i = 0; i < 400 && before === 0; i++) {
      await paper.step();
      before = (await buys()).length;
    }
    expect(before).toBe(1);
    const cashAtFirst = 10_000;
    const first = (await buys())[0]!;
    // 0.9 of the cash, at the signal bar's close: the fill is near it
    expect(Number(first.quantity) * Number(first.average_price) / cashAtFirst).toBeGreaterThan(0.85);

    const changed = await paper.engine.call('strategies.setParams', { id: 'sma', params: { fraction: 0.1 } }, ctx);
    expect(changed.params).toEqual({ fast: 3, slow: 8, fraction: 0.1, cash: 0 });
    expect((await list(paper))[0]!.params.fraction).toBe(0.1);

    let after = before;
    let cashBefore = '0';
    for (let i = 0; i < 600 && after === before; i++) {
      const balances = await paper.engine.call('balances.list', { account: 'paper' }, ctx);
      cashBefore = balances.find((b) => b.asset === 'USD')!.free;
      await paper.step();
      after = (await buys()).length;
    }
    expect(after).toBe(before + 1);
    const next = (await buys())[before]!;
    const share = (Number(next.quantity) * Number(next.average_price)) / Number(cashBefore);
    // sized with 0.1 of the cash, not the 0.9 it started with
    expect(share).toBeGreaterThan(0.08);
    expect(share).toBeLessThan(0.12);
  });

  it('are refused with 409 when the strategy has no onParams (it must be restarted), and outside their specs with the parameter named', async () => {
    const dir = dataFolder();
    writeFileSync(
      join(dir, 'strategies', 'fixed.mjs'),
      `export default { name: 'fixed', params: { size: { type: 'number', default: 1, min: 0, max: 5 } }, create: () => ({ onBar() {} }) };\n`,
    );
    const paper = await paperEngine(dir);
    await paper.engine.call('strategies.start', { strategy: 'fixed.mjs', id: 'fixed', symbol: 'BTC/USD', params: {} }, ctx);
    await expect(paper.engine.call('strategies.setParams', { id: 'fixed', params: { size: 2 } }, ctx)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('stop it and start it again'),
      details: { field: 'params', rule: 'restart_required' },
    });
    expect((await list(paper))[0]!.params).toEqual({ size: 1 });
    await expect(paper.engine.call('strategies.setParams', { id: 'fixed', params: { size: 9 } }, ctx)).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'params.size' } });
    await paper.engine.call('strategies.start', { strategy: 'sma-cross', id: 'sma', symbol: 'BTC/USD', params: {} }, ctx);
    await expect(paper.engine.call('strategies.setParams', { id: 'sma', params: { fraction: 2 } }, ctx)).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'params.fraction' } });
    await expect(paper.engine.call('strategies.setParams', { id: 'sma', params: { nope: 1 } }, ctx)).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'params.nope' } });
    await paper.engine.call('strategies.stop', { id: 'sma' }, ctx);
    await expect(paper.engine.call('strategies.setParams', { id: 'sma', params: { fraction: 0.5 } }, ctx)).rejects.toMatchObject({ code: 'CONFLICT', details: { field: 'id' } });
  });
});

describe('bad input', () => {
  it('names the field: an unknown strategy id, a second strategy with a running id, an unknown account, parameters outside their specs', async () => {
    const paper = await paperEngine(dataFolder());
    await expect(paper.engine.call('strategies.stop', { id: 'ghost' }, ctx)).rejects.toMatchObject({ code: 'NOT_FOUND', details: { field: 'id' } });
    await expect(paper.engine.call('strategies.setParams', { id: 'ghost', params: {} }, ctx)).rejects.toMatchObject({ code: 'NOT_FOUND', details: { field: 'id' } });
    await paper.engine.call('strategies.start', { strategy: 'sma-cross', id: 'one', symbol: 'BTC/USD', params: {} }, ctx);
    await expect(paper.engine.call('strategies.start', { strategy: 'grid', id: 'one', symbol: 'BTC/USD', params: {} }, ctx)).rejects.toMatchObject({ code: 'CONFLICT', details: { field: 'id' } });
    await expect(paper.engine.call('strategies.start', { strategy: 'grid', id: 'two', account: 'nope', symbol: 'BTC/USD', params: {} }, ctx)).rejects.toMatchObject({ code: 'NOT_FOUND', details: { field: 'account' } });
    await expect(paper.engine.call('strategies.start', { strategy: 'grid', id: 'Bad Id', symbol: 'BTC/USD', params: {} }, ctx)).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'id' } });
    await expect(paper.engine.call('strategies.start', { strategy: 'grid', id: 'three', symbol: 'BTC/USD', params: { levels: 0 } }, ctx)).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'params.levels' } });
    await expect(paper.engine.call('strategies.start', { strategy: 'sma-cross', id: 'four', symbol: 'BTC/USD', params: { fast: 30, slow: 10 } }, ctx)).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'params' } });
    // nothing refused was started or listed
    expect((await list(paper)).map((r) => r.id)).toEqual(['one']);
  });
});

describe('a strategy that throws', () => {
  it('is stopped as failed with its error and stack, its working orders canceled, and the engine goes on', async () => {
    const dir = dataFolder();
    writeFileSync(
      join(dir, 'strategies', 'thrower.mjs'),
      [
        'function decideSomething(bar) { if (bar.index === 2) throw new Error("bad bar " + bar.index); }',
        "export default { name: 'thrower', params: {}, create: () => ({ onBar(bar, c) { if (bar.index === 0) void c.buy('0.001', { type: 'limit', price: '40000' }); decideSomething(bar); } }) };",
      ].join('\n'),
    );
    const paper = await paperEngine(dir);
    await paper.engine.call('strategies.start', { strategy: 'thrower.mjs', id: 'thrower', symbol: 'BTC/USD', params: {} }, ctx);
    await paper.step();
    expect(await paper.engine.call('orders.list', { status: 'open' }, ctx)).toHaveLength(1);
    for (let i = 0; i < 3; i++) await paper.step();
    const [row] = await list(paper);
    expect(row).toMatchObject({ status: 'failed', error: 'bad bar 2' });
    expect(row!.error_stack).toContain('decideSomething');
    expect(row!.error_stack).toContain('thrower.mjs');
    expect(await paper.engine.call('orders.list', { status: 'open' }, ctx)).toEqual([]);
    expect(paper.events.at(-1)!.data).toMatchObject({ id: 'thrower', status: 'failed' });
    // manual trading is untouched
    await expect(paper.engine.call('orders.create', { symbol: 'BTC/USD', side: 'buy', type: 'limit', quantity: '0.001', price: '40000' }, ctx)).resolves.toMatchObject({ status: 'open' });
  });

  it('whose create() throws is listed failed with the stack, not refused and not a crash', async () => {
    const dir = dataFolder();
    writeFileSync(join(dir, 'strategies', 'broken.mjs'), "export default { name: 'broken', params: {}, create() { throw new TypeError('cannot read the config'); } };\n");
    const paper = await paperEngine(dir);
    const started = await paper.engine.call('strategies.start', { strategy: 'broken.mjs', id: 'broken', symbol: 'BTC/USD', params: {} }, ctx);
    expect(started).toMatchObject({ status: 'failed', error: 'cannot read the config' });
    expect(started.error_stack).toContain('TypeError: cannot read the config');
  });
});

describe('a restart on the same data folder', () => {
  /** three strategies: two running (one resting orders), one stopped; and a module one whose file is then removed */
  async function beforeTheRestart(dir: string): Promise<{ paper: Paper; openOrders: string[] }> {
    writeFileSync(join(dir, 'strategies', 'idle.mjs'), "export default { name: 'idle', params: { n: { type: 'integer', default: 1 } }, create: () => ({ onBar() {}, onParams() {} }) };\n");
    const paper = await paperEngine(dir);
    await paper.engine.call('strategies.start', { strategy: 'sma-cross', id: 'trend', symbol: 'BTC/USD', params: { fast: 4, slow: 12, fraction: 0.3 } }, ctx);
    await paper.engine.call('strategies.start', { strategy: 'grid', id: 'ladder', symbol: 'BTC/USD', params: { levels: 3, spacing: 0.01, budget: 0.3 } }, ctx);
    await paper.engine.call('strategies.start', { strategy: 'sma-cross', id: 'old', symbol: 'BTC/USD', params: { fraction: 0.1 } }, ctx);
    await paper.engine.call('strategies.start', { strategy: 'idle.mjs', id: 'gone', symbol: 'BTC/USD', params: { n: 7 } }, ctx);
    await paper.engine.call('strategies.stop', { id: 'old' }, ctx);
    await paper.engine.call('strategies.setParams', { id: 'trend', params: { fraction: 0.25 } }, ctx);
    for (let i = 0; i < 200; i++) await paper.step();
    const openOrders = (await paper.engine.call('orders.list', { status: 'open' }, ctx)).map((o) => o.client_order_id).sort();
    // the grid's ladder rests
    expect(openOrders.filter((c) => c.startsWith('ladder-')).length).toBeGreaterThan(0);
    return { paper, openOrders };
  }

  it('resumes the running strategies with their parameters, lists the others as they were, and fails the one whose module is gone', async () => {
    const dir = dataFolder();
    const { paper, openOrders } = await beforeTheRestart(dir);
    const was = byId(await list(paper));
    const ledgers = await paper.engine.call('positions.owned', { account: 'paper' }, ctx);
    expect(ledgers.some((l) => l.strategy_id === 'trend' || l.strategy_id === 'ladder')).toBe(true);
    await paper.stop();
    unlinkSync(join(dir, 'strategies', 'idle.mjs'));

    const again = await paperEngine(dir, { from: 200, at: paper.clock.now() + 60_000, run: 'r2' });
    // each strategy's own position, average price, realized PnL and fees are as they were: nothing counted twice
    const keep = (l: (typeof ledgers)[number]) => [l.strategy_id, l.symbol, l.quantity, l.average_price, l.realized_pnl, l.fees];
    expect((await again.engine.call('positions.owned', { account: 'paper' }, ctx)).map(keep)).toEqual(ledgers.map(keep));
    const now = byId(await list(again));
    expect(Object.keys(now).sort()).toEqual(['gone', 'ladder', 'old', 'trend']);
    expect(now.trend).toMatchObject({ status: 'running', params: { fast: 4, slow: 12, fraction: 0.25 }, restart: { action: 'resumed' }, started_at: was.trend!.started_at });
    expect(now.ladder).toMatchObject({ status: 'running', params: was.ladder!.params, restart: { action: 'resumed' } });
    expect(now.old).toMatchObject({ status: 'stopped', restart: null, params: { fraction: 0.1 } });
    expect(now.gone).toMatchObject({ status: 'failed', restart: { action: 'failed' }, params: { n: 7 }, error: expect.stringContaining('could not be resumed after the restart') });
    expect(now.gone!.error).toMatch(/not found|no such file|cannot find/i);
    expect(again.events.map((e) => [(e.data as StrategyInstance).id, (e.data as StrategyInstance).restart?.action]).sort()).toEqual([
      ['gone', 'failed'],
      ['ladder', 'resumed'],
      ['trend', 'resumed'],
    ]);

    // the resumed grid keeps its resting ladder: nothing placed twice
    for (let i = 0; i < 20; i++) await again.step();
    const after = (await again.engine.call('orders.list', { status: 'open' }, ctx)).map((o) => o.client_order_id).sort();
    expect(after.filter((c) => c.startsWith('ladder-'))).toEqual(openOrders.filter((c) => c.startsWith('ladder-')));
    const all = await again.engine.call('orders.list', { account: 'paper', limit: 10_000 }, ctx);
    expect(new Set(all.map((o) => o.client_order_id)).size).toBe(all.length);

    // a resumed strategy takes new parameters and stops like any other
    await expect(again.engine.call('strategies.setParams', { id: 'trend', params: { fraction: 0.2 } }, ctx)).resolves.toMatchObject({ params: { fraction: 0.2 } });
    await again.engine.call('strategies.stop', { id: 'ladder' }, ctx);
    expect((await again.engine.call('orders.list', { status: 'open' }, ctx)).filter((o) => o.client_order_id.startsWith('ladder-'))).toEqual([]);
  });

  it('with resuming off (the setting, or resume: false for one start) lists them as stopped by the restart', async () => {
    const dir = dataFolder();
    const { paper } = await beforeTheRestart(dir);
    expect(await paper.engine.call('strategies.getSettings', {}, ctx)).toEqual({ resume_on_start: true });
    await paper.engine.call('strategies.setSettings', { resume_on_start: false }, ctx);
    await paper.stop();

    const again = await paperEngine(dir, { from: 200, at: paper.clock.now() + 60_000, run: 'r2' });
    expect(await again.engine.call('strategies.getSettings', {}, ctx)).toEqual({ resume_on_start: false });
    const now = byId(await list(again));
    expect(now.trend).toMatchObject({ status: 'stopped', restart: { action: 'stopped' }, params: { fraction: 0.25 } });
    expect(now.ladder).toMatchObject({ status: 'stopped', restart: { action: 'stopped' } });
    expect(now.old).toMatchObject({ status: 'stopped', restart: null });
    for (let i = 0; i < 50; i++) await again.step();
    // stopped strategies place nothing
    const placed = (await again.engine.call('orders.list', { account: 'paper', limit: 10_000 }, ctx)).filter((o) => Date.parse(o.created_at) > paper.clock.now());
    expect(placed).toEqual([]);
    // started by hand again: it runs, and the next restart (resume: true for this start) has no mark left on the stopped ones
    await again.engine.call('strategies.start', { strategy: 'sma-cross', id: 'trend', symbol: 'BTC/USD', params: { fraction: 0.25 } }, ctx);
    await again.stop();
    const third = await paperEngine(dir, { from: 250, at: again.clock.now() + 60_000, run: 'r3', resume: true });
    const last = byId(await list(third));
    expect(last.trend).toMatchObject({ status: 'running', restart: { action: 'resumed' } });
    expect(last.ladder).toMatchObject({ status: 'stopped', restart: null });
  });
});
