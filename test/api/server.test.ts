import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApiServer, type ApiServer, type ApiServerOptions } from '../../src-main/api/server.js';
import { engineStatName } from '../../src-main/api/metrics.js';
import { openApiPath } from '../../src-main/api/openapi.js';
import { TernError } from '../../src-common/contract/errors.js';
import { METHODS, type MethodName, type MethodSpec } from '../../src-common/contract/methods.js';
import { RestClient, failingOn, fakeEngineFactory, isErrorBody, type EngineFactory, type TestEngine } from '../helpers/api-harness.js';
import { realEngineFactory } from '../helpers/real-engine-factory.js';

/** The engine under test: the fake one here; `*.real.test.ts` runs this same file against the real engine. */
const makeEngine: EngineFactory = process.env.TERN_API_TEST_ENGINE === 'real' ? realEngineFactory : fakeEngineFactory;

const BUY_MARKET = { account: 'paper', symbol: 'BTC/USDT', side: 'buy', type: 'market', quantity: '0.01' } as const;
/** far below the market: rests open */
const BUY_LIMIT_LOW = { account: 'paper', symbol: 'BTC/USDT', side: 'buy', type: 'limit', quantity: '0.02', price: '1000.00' } as const;

let seq = 0;
const coid = (tag: string) => `t-${tag}-${Date.now().toString(36)}-${++seq}`;

interface Harness {
  te: TestEngine;
  server: ApiServer;
  api: RestClient;
}

const open: Harness[] = [];

async function harness(options: Partial<ApiServerOptions> = {}, wrap?: (engine: TestEngine['engine']) => TestEngine['engine']): Promise<Harness> {
  const te = await makeEngine();
  const server = createApiServer({ engine: wrap ? wrap(te.engine) : te.engine, version: '9.9.9', logger: false, ...options });
  await server.app.ready();
  const h = { te, server, api: new RestClient(server.app) };
  open.push(h);
  return h;
}

afterAll(async () => {
  for (const h of open.splice(0)) {
    await h.server.close();
    await h.te.close();
  }
});

/** methods whose route a happy-path test has called, to prove every route of METHODS is covered */
const covered = new Set<MethodName>();

/** asserts the status and that the body is the method's result (its zod result schema) */
function expectResult<M extends MethodName>(method: M, res: { status: number; json: unknown; body: string }, status = METHODS[method].http?.status ?? 200): z.output<(typeof METHODS)[M]['result']> {
  expect(res.status, res.body).toBe(status);
  covered.add(method);
  return METHODS[method].result.parse(res.json) as z.output<(typeof METHODS)[M]['result']>;
}

function expectError(res: { status: number; json: any; body: string }, status: number, code: string) {
  expect(res.status, res.body).toBe(status);
  expect(isErrorBody(res.json), res.body).toBe(true);
  expect(res.json.error.code).toBe(code);
  return res.json.error as { code: string; message: string; details?: Record<string, any> };
}

describe('REST routes (happy paths)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });

  it('GET /health answers status, version, mode and uptime without a key', async () => {
    const health = expectResult('health', await h.api.get('/health'));
    // the engine's own answer (mode, version, uptime), not values of the server's
    const engines = await h.te.engine.call('health', {}, { actor: 'test' });
    expect(health).toMatchObject({ status: 'ok', version: engines.version, mode: 'paper' });
    expect(health.uptime_ms).toBeGreaterThanOrEqual(0);
    expect(health.uptime_ms).toBeLessThanOrEqual(engines.uptime_ms);
  });

  it('GET /api/v1/accounts lists the paper account', async () => {
    const accounts = expectResult('accounts.list', await h.api.get('/api/v1/accounts', { key: h.te.keys.read }));
    expect(accounts.map((a) => a.id)).toContain('paper');
  });

  it('GET /api/v1/instruments lists instruments of an account', async () => {
    const list = expectResult('instruments.list', await h.api.get('/api/v1/instruments?account=paper', { key: h.te.keys.read }));
    expect(list.some((i) => i.symbol === 'BTC/USDT')).toBe(true);
  });

  it('GET /api/v1/ticker, /book, /candles and /trades answer market data', async () => {
    const ticker = expectResult('market.ticker', await h.api.get('/api/v1/ticker?account=paper&symbol=BTC%2FUSDT', { key: h.te.keys.read }));
    expect(ticker.symbol).toBe('BTC/USDT');
    const book = expectResult('market.book', await h.api.get('/api/v1/book?account=paper&symbol=BTC/USDT&depth=5', { key: h.te.keys.read }));
    expect(book.bids.length).toBeLessThanOrEqual(5);
    const candles = expectResult('market.candles', await h.api.get('/api/v1/candles?account=paper&symbol=BTC/USDT&timeframe=1m&limit=10', { key: h.te.keys.read }));
    expect(candles.length).toBeLessThanOrEqual(10);
    const trades = expectResult('market.trades', await h.api.get('/api/v1/trades?account=paper&symbol=BTC/USDT&limit=1', { key: h.te.keys.read }));
    expect(trades.length).toBeLessThanOrEqual(1);
  });

  it('POST /api/v1/orders answers 201 with the order, and 200 with the same order when its client_order_id is posted again', async () => {
    const id = coid('idem');
    const first = expectResult('orders.create', await h.api.post('/api/v1/orders', { ...BUY_LIMIT_LOW, client_order_id: id }, { key: h.te.keys.trade }), 201);
    expect(first).toMatchObject({ client_order_id: id, symbol: 'BTC/USDT', side: 'buy', type: 'limit', quantity: expect.any(String) });
    const again = expectResult('orders.create', await h.api.post('/api/v1/orders', { ...BUY_LIMIT_LOW, client_order_id: id }, { key: h.te.keys.trade }), 200);
    expect(again.id).toBe(first.id);
    const listed = expectResult('orders.list', await h.api.get('/api/v1/orders?status=all&account=paper&symbol=BTC/USDT', { key: h.te.keys.read }));
    expect(listed.filter((o) => o.client_order_id === id)).toHaveLength(1);
  });

  it('GET /api/v1/orders/{id} finds an order by id and by client_order_id', async () => {
    const id = coid('get');
    const order = expectResult('orders.create', await h.api.post('/api/v1/orders', { ...BUY_LIMIT_LOW, client_order_id: id }, { key: h.te.keys.trade }), 201);
    expect(expectResult('orders.get', await h.api.get(`/api/v1/orders/${order.id}`, { key: h.te.keys.read })).id).toBe(order.id);
    expect(expectResult('orders.get', await h.api.get(`/api/v1/orders/${id}`, { key: h.te.keys.read })).id).toBe(order.id);
  });

  it('PATCH /api/v1/orders/{id} amends an open order and DELETE cancels it', async () => {
    const order = expectResult('orders.create', await h.api.post('/api/v1/orders', BUY_LIMIT_LOW, { key: h.te.keys.trade }), 201);
    const amended = expectResult('orders.amend', await h.api.patch(`/api/v1/orders/${order.id}`, { price: '1100.00' }, { key: h.te.keys.trade }));
    expect(amended.id).toBe(order.id);
    expect(Number(amended.price)).toBe(1100);
    const canceled = expectResult('orders.cancel', await h.api.delete(`/api/v1/orders/${order.id}`, { key: h.te.keys.trade }));
    expect(canceled.status).toBe('canceled');
  });

  it('DELETE /api/v1/orders cancels every matching open order', async () => {
    const a = expectResult('orders.create', await h.api.post('/api/v1/orders', BUY_LIMIT_LOW, { key: h.te.keys.trade }), 201);
    const b = expectResult('orders.create', await h.api.post('/api/v1/orders', BUY_LIMIT_LOW, { key: h.te.keys.trade }), 201);
    const res = expectResult('orders.cancelAll', await h.api.delete('/api/v1/orders?account=paper&symbol=BTC/USDT', { key: h.te.keys.trade }));
    expect(res.canceled).toEqual(expect.arrayContaining([a.id, b.id]));
  });

  it('a market buy shows in fills, positions, balances and portfolio, and POST /positions/close closes it', async () => {
    const order = expectResult('orders.create', await h.api.post('/api/v1/orders', BUY_MARKET, { key: h.te.keys.trade }), 201);
    const fills = expectResult('fills.list', await h.api.get('/api/v1/fills?account=paper&symbol=BTC/USDT&limit=50', { key: h.te.keys.read }));
    expect(fills.some((f) => f.order_id === order.id)).toBe(true);
    const positions = expectResult('positions.list', await h.api.get('/api/v1/positions?account=paper', { key: h.te.keys.read }));
    expect(positions.find((p) => p.symbol === 'BTC/USDT')?.quantity).toBeDefined();
    expect(expectResult('balances.list', await h.api.get('/api/v1/balances?account=paper', { key: h.te.keys.read })).length).toBeGreaterThan(0);
    expectResult('portfolio.get', await h.api.get('/api/v1/portfolio?account=paper', { key: h.te.keys.read }));
    const closing = expectResult('positions.close', await h.api.post('/api/v1/positions/close', { account: 'paper', symbol: 'BTC/USDT' }, { key: h.te.keys.trade }), 201);
    expect(closing).toMatchObject({ side: 'sell', type: 'market', reduce_only: true, strategy_id: null });
    // no strategy holds a share: the close is all the trader's
    expect(closing.closes).toEqual([{ strategy_id: null, quantity: closing.quantity }]);
    expect(order.strategy_id).toBeNull();
    expect(expectResult('positions.owned', await h.api.get('/api/v1/positions/owned?account=paper', { key: h.te.keys.read }))).toEqual([]);
  });

  it('POST /api/v1/orders/oco places a linked pair; POST /positions/protect sizes one to the position (issue 12)', async () => {
    const k = await harness();
    expectResult('orders.create', await k.api.post('/api/v1/orders', BUY_MARKET, { key: k.te.keys.trade }), 201);
    const ticker = expectResult('market.ticker', await k.api.get('/api/v1/ticker?account=paper&symbol=BTC/USDT', { key: k.te.keys.read }));
    const mid = Number(ticker.last ?? ticker.bid);
    const prices = { take_profit: { price: (mid * 1.2).toFixed(2) }, stop_loss: { stop_price: (mid * 0.8).toFixed(2) } };
    const group = expectResult('orders.oco', await k.api.post('/api/v1/orders/oco', { account: 'paper', symbol: 'BTC/USDT', side: 'sell', quantity: '0.005', ...prices }, { key: k.te.keys.trade }), 201);
    expect(group.orders.map((o) => [o.role, o.oco_id, o.reduce_only])).toEqual([
      ['take_profit', group.oco_id, true],
      ['stop_loss', group.oco_id, true],
    ]);
    const protect = expectResult('positions.protect', await k.api.post('/api/v1/positions/protect', { account: 'paper', symbol: 'BTC/USDT', ...prices }, { key: k.te.keys.trade }), 201);
    expect(protect.orders.map((o) => o.quantity)).toEqual(['0.01', '0.01']);
    const wrong = expectError(await k.api.post('/api/v1/orders/oco', { account: 'paper', symbol: 'BTC/USDT', side: 'sell', quantity: '0.005', take_profit: { price: '0' }, stop_loss: prices.stop_loss }, { key: k.te.keys.trade }), 400, 'BAD_REQUEST');
    expect(wrong.details?.field).toBe('take_profit.price');
  });

  it('POST /api/v1/orders/check answers held_by and the refusals of an order not sent, with a read key (issue 13)', async () => {
    const ticker = expectResult('market.ticker', await h.api.get('/api/v1/ticker?account=paper&symbol=BTC/USDT', { key: h.te.keys.read }));
    const mid = Number(ticker.last ?? ticker.bid);
    const order = { ...BUY_MARKET, take_profit: { price: (mid * 1.2).toFixed(2) }, stop_loss: { stop_price: (mid * 0.8).toFixed(2) } };
    const checked = expectResult('orders.check', await h.api.post('/api/v1/orders/check', { order }, { key: h.te.keys.read }));
    expect(checked).toEqual({ held_by: 'venue', refusals: [] });
    const both = expectError(await h.api.post('/api/v1/orders/check', {}, { key: h.te.keys.read }), 400, 'BAD_REQUEST');
    expect(both.details?.field).toBe('order');
  });

  it('POST /api/v1/keys creates a key shown once, GET lists it, DELETE revokes it', async () => {
    const created = expectResult('keys.create', await h.api.post('/api/v1/keys', { name: 'bot', scopes: ['read'] }, { key: h.te.keys.admin }), 201);
    expect(created.key.length).toBeGreaterThan(10);
    expect((await h.api.get('/api/v1/accounts', { key: created.key })).status).toBe(200);
    const listed = expectResult('keys.list', await h.api.get('/api/v1/keys', { key: h.te.keys.admin }));
    expect(listed.find((k) => k.id === created.id)).not.toHaveProperty('key');
    // per-bot keys: a halt and a resume (what they do to orders: test/api/keys.real.test.ts)
    const halted = expectResult('keys.halt', await h.api.post(`/api/v1/keys/${created.id}/halt`, { reason: 'runaway bot' }, { key: h.te.keys.admin }));
    expect(halted.halted?.reason).toBe('runaway bot');
    expect(expectResult('keys.resume', await h.api.post(`/api/v1/keys/${created.id}/resume`, undefined, { key: h.te.keys.admin })).halted).toBeNull();
    expectResult('keys.delete', await h.api.delete(`/api/v1/keys/${created.id}`, { key: h.te.keys.admin }));
    expectError(await h.api.get('/api/v1/accounts', { key: created.key }), 401, 'UNAUTHORIZED');
  });

  it('POST /api/v1/accounts/{id}/reset restores a paper account, with or without a body', async () => {
    const account = expectResult('accounts.reset', await h.api.post('/api/v1/accounts/paper/reset', undefined, { key: h.te.keys.admin }));
    expect(account.id).toBe('paper');
    expectResult('accounts.reset', await h.api.post('/api/v1/accounts/paper/reset', '', { key: h.te.keys.admin }));
    expectResult('accounts.reset', await h.api.post('/api/v1/accounts/paper/reset', {}, { key: h.te.keys.admin }));
  });

  it('POST /api/v1/accounts adds a paper account, DELETE removes it; POST /api/v1/reconcile reports what it compared', async () => {
    const added = expectResult('accounts.create', await h.api.post('/api/v1/accounts', { id: 'paper2', exchange: 'paper', mode: 'paper' }, { key: h.te.keys.admin }), 201);
    expect(added).toEqual({ id: 'paper2', exchange: 'paper', mode: 'paper', status: 'active' });
    // PATCH /api/v1/accounts/{id} changes a live account's dead-man switch (test/integration/ccxt-dead-man.test.ts); a paper account has none
    const patched = expectError(await h.api.request('PATCH', '/api/v1/accounts/paper2', { key: h.te.keys.admin, body: { dead_man_switch_s: 30 } }), 400, 'BAD_REQUEST');
    expect(patched.details).toMatchObject({ field: 'dead_man_switch_s', rule: 'live_only' });
    expectError(await h.api.request('PATCH', '/api/v1/accounts/paper2', { key: h.te.keys.trade, body: { dead_man_switch_s: 30 } }), 403, 'FORBIDDEN');
    expectError(await h.api.request('PATCH', '/api/v1/accounts/paper2', { key: h.te.keys.admin, body: { dead_man_switch_s: 5 } }), 400, 'BAD_REQUEST');
    covered.add('accounts.update');
    const removed = expectResult('accounts.delete', await h.api.delete('/api/v1/accounts/paper2', { key: h.te.keys.admin }));
    expect(removed.status).toBe('deleted');
    const report = expectResult('reconcile.run', await h.api.post('/api/v1/reconcile', {}, { key: h.te.keys.trade }));
    expect(report).toMatchObject({ account: null, fixed: [] });
  });

  it('strategies: list, start on paper, change params, stop', async () => {
    const list = expectResult('strategies.list', await h.api.get('/api/v1/strategies', { key: h.te.keys.read }));
    expect(list.available.map((s) => s.name)).toContain('sma-cross');
    const started = expectResult('strategies.start', await h.api.post('/api/v1/strategies', { strategy: 'sma-cross', id: 'smaapi', symbol: 'BTC/USDT' }, { key: h.te.keys.admin }), 201);
    expect(started).toMatchObject({ id: 'smaapi', status: 'running' });
    const shown = expectResult('strategies.get', await h.api.get('/api/v1/strategies/smaapi?cash=5000', { key: h.te.keys.read }));
    expect(shown.results).toMatchObject({ cash: '5000', metrics: { trades: 0 } });
    const changed = expectResult('strategies.setParams', await h.api.request('PATCH', '/api/v1/strategies/smaapi', { key: h.te.keys.trade, body: { params: { fast: 5 } } }));
    expect(changed.id).toBe('smaapi');
    const stopped = expectResult('strategies.stop', await h.api.post('/api/v1/strategies/smaapi/stop', {}, { key: h.te.keys.trade }));
    expect(stopped.status).toBe('stopped');
    // a stopped strategy takes no new parameters: 409 naming the id
    const refused = expectError(await h.api.request('PATCH', '/api/v1/strategies/smaapi', { key: h.te.keys.trade, body: { params: { fast: 6 } } }), 409, 'CONFLICT');
    expect(refused.details).toMatchObject({ field: 'id' });
    expectError(await h.api.request('PATCH', '/api/v1/strategies/nobody', { key: h.te.keys.trade, body: { params: {} } }), 404, 'NOT_FOUND');
  });

  it('strategy settings: whether strategies resume on start, read with a read key, set with an admin key', async () => {
    expect(expectResult('strategies.getSettings', await h.api.get('/api/v1/strategy-settings', { key: h.te.keys.read }))).toEqual({ resume_on_start: true });
    expect(expectResult('strategies.setSettings', await h.api.request('PUT', '/api/v1/strategy-settings', { key: h.te.keys.admin, body: { resume_on_start: false } }))).toEqual({ resume_on_start: false });
    expect(expectResult('strategies.getSettings', await h.api.get('/api/v1/strategy-settings', { key: h.te.keys.read }))).toEqual({ resume_on_start: false });
    expectError(await h.api.request('PUT', '/api/v1/strategy-settings', { key: h.te.keys.trade, body: { resume_on_start: true } }), 403, 'FORBIDDEN');
    expect(expectError(await h.api.request('PUT', '/api/v1/strategy-settings', { key: h.te.keys.admin, body: { resume_on_start: 'yes' } }), 400, 'BAD_REQUEST').details).toMatchObject({ field: 'resume_on_start' });
  });

  it('backtests: start on a candle file, follow it to its report, list, cancel and delete', async () => {
    // the test data folder's imports/ holds the bundled sample (test/helpers/test-files.ts)
    const data = 'BTC-USDT_1m_sample.csv';
    const job = expectResult(
      'backtests.start',
      await h.api.post('/api/v1/backtests', { data, symbol: 'BTC/USDT', strategy: 'sma-cross', cash: '10000', fee: '0.001', to: 1641000000000 }, { key: h.te.keys.admin }),
      201,
    );
    // jobs are seen with the scope that starts them (admin): they name files and carry their errors
    let detail = expectResult('backtests.get', await h.api.get(`/api/v1/backtests/${job.id}`, { key: h.te.keys.admin }));
    for (let i = 0; i < 200 && detail.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      detail = expectResult('backtests.get', await h.api.get(`/api/v1/backtests/${job.id}`, { key: h.te.keys.admin }));
    }
    expect(detail.status).toBe('done');
    expectError(await h.api.get(`/api/v1/backtests/${job.id}`, { key: h.te.keys.read }), 403, 'FORBIDDEN');
    const listed = expectResult('backtests.list', await h.api.get('/api/v1/backtests', { key: h.te.keys.admin }));
    expect(listed.map((j) => j.id)).toContain(job.id);
    const files = expectResult('files.list', await h.api.get('/api/v1/files', { key: h.te.keys.admin }));
    expect(files.imports.files).toContain(data);
    // a finished run cannot be canceled; it can be deleted, and is gone
    expectError(await h.api.post(`/api/v1/backtests/${job.id}/cancel`, {}, { key: h.te.keys.admin }), 409, 'CONFLICT');
    covered.add('backtests.cancel');
    expect(expectResult('backtests.delete', await h.api.delete(`/api/v1/backtests/${job.id}`, { key: h.te.keys.admin })).id).toBe(job.id);
    expectError(await h.api.get(`/api/v1/backtests/${job.id}`, { key: h.te.keys.admin }), 404, 'NOT_FOUND');
  });

  it('GET /api/v1/risk, PUT /risk/limits and POST /risk/state read and set risk', async () => {
    expectResult('risk.get', await h.api.get('/api/v1/risk', { key: h.te.keys.read }));
    const set = expectResult('risk.setLimits', await h.api.request('PUT', '/api/v1/risk/limits', { key: h.te.keys.admin, body: { account: 'paper', limits: { max_open_orders: '500' } } }));
    expect(set.limits.find((l) => l.account === 'paper')?.limits.max_open_orders).toBe('500');
    expectResult('risk.setLimits', await h.api.request('PUT', '/api/v1/risk/limits', { key: h.te.keys.admin, body: { account: 'paper', limits: { max_open_orders: null } } }));
    const reducing = expectResult('risk.setState', await h.api.post('/api/v1/risk/state', { state: 'REDUCING', reason: 'test' }, { key: h.te.keys.admin }));
    expect(reducing.state).toBe('REDUCING');
    expect(expectResult('risk.setState', await h.api.post('/api/v1/risk/state', { state: 'ACTIVE', reason: 'back' }, { key: h.te.keys.admin })).state).toBe('ACTIVE');
  });

  it('POST /api/v1/risk/kill-switch halts and cancels every open order; a halted engine refuses orders with 422 RISK_REJECTED', async () => {
    const k = await harness();
    const order = expectResult('orders.create', await k.api.post('/api/v1/orders', BUY_LIMIT_LOW, { key: k.te.keys.trade }), 201);
    const report = expectResult('risk.killSwitch', await k.api.post('/api/v1/risk/kill-switch', { reason: 'test' }, { key: k.te.keys.trade }));
    expect(report.state).toBe('HALTED');
    expect(report.canceled).toContain(order.id);
    const refused = expectError(await k.api.post('/api/v1/orders', BUY_LIMIT_LOW, { key: k.te.keys.trade }), 422, 'RISK_REJECTED');
    expect(refused.details?.rule).toBe('trading_state');
  });

  it('answers every route of METHODS (this list is complete)', () => {
    const routed = (Object.keys(METHODS) as MethodName[]).filter((m) => (METHODS[m] as MethodSpec).http);
    expect(routed.filter((m) => !covered.has(m))).toEqual([]);
  });
});

describe('REST refusals', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });

  it('a missing or ill-typed param is 400 BAD_REQUEST naming the field', async () => {
    const { quantity: _q, ...noQuantity } = BUY_MARKET;
    const e1 = expectError(await h.api.post('/api/v1/orders', noQuantity, { key: h.te.keys.trade }), 400, 'BAD_REQUEST');
    expect(e1.details?.field).toBe('quantity');
    expect(e1.details?.issues).toEqual(expect.any(Array));
    const e2 = expectError(await h.api.post('/api/v1/orders', { ...BUY_MARKET, quantity: 0.01 }, { key: h.te.keys.trade }), 400, 'BAD_REQUEST');
    expect(e2.details?.field).toBe('quantity');
    const e3 = expectError(await h.api.get('/api/v1/orders?limit=abc', { key: h.te.keys.read }), 400, 'BAD_REQUEST');
    expect(e3.details?.field).toBe('limit');
  });

  it('a bot cannot place an order as a strategy: strategy_id is not a field of POST /orders (400 naming it)', async () => {
    const e = expectError(await h.api.post('/api/v1/orders', { ...BUY_MARKET, strategy_id: 'sma-cross' }, { key: h.te.keys.trade }), 400, 'BAD_REQUEST');
    expect(JSON.stringify(e)).toContain('strategy_id');
  });

  it('an unknown field is refused, not ignored', async () => {
    const e = expectError(await h.api.post('/api/v1/orders', { ...BUY_MARKET, levrage: 100 }, { key: h.te.keys.trade }), 400, 'BAD_REQUEST');
    expect(JSON.stringify(e)).toContain('levrage');
    const q = expectError(await h.api.get('/api/v1/orders?colour=red', { key: h.te.keys.read }), 400, 'BAD_REQUEST');
    expect(JSON.stringify(q)).toContain('colour');
  });

  it('a quantity below the minimum is 400 INVALID_ORDER with details.field = "quantity"', async () => {
    const e = expectError(await h.api.post('/api/v1/orders', { ...BUY_MARKET, quantity: '0.00000001' }, { key: h.te.keys.trade }), 400, 'INVALID_ORDER');
    expect(e.details?.field).toBe('quantity');
  });

  it('malformed JSON, a non-object body, a wrong content type and an empty required body are 400-class BAD_REQUEST', async () => {
    expectError(await h.api.post('/api/v1/orders', '{"symbol": "BTC/USDT",', { key: h.te.keys.trade }), 400, 'BAD_REQUEST');
    expectError(await h.api.post('/api/v1/orders', [BUY_MARKET], { key: h.te.keys.trade }), 400, 'BAD_REQUEST');
    expectError(await h.api.post('/api/v1/orders', '"just a string"', { key: h.te.keys.trade }), 400, 'BAD_REQUEST');
    expectError(await h.api.post('/api/v1/orders', 'symbol=BTC/USDT', { key: h.te.keys.trade, headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'BAD_REQUEST');
    const empty = expectError(await h.api.post('/api/v1/orders', '', { key: h.te.keys.trade }), 400, 'BAD_REQUEST');
    expect(empty.details?.field).toBeTruthy();
  });

  it('a "__proto__" key in a body is refused and pollutes nothing', async () => {
    expectError(await h.api.post('/api/v1/orders', '{"__proto__": {"polluted": true}, "symbol": "BTC/USDT"}', { key: h.te.keys.trade }), 400, 'BAD_REQUEST');
    expectError(await h.api.get('/api/v1/orders?__proto__=x', { key: h.te.keys.read }), 400, 'BAD_REQUEST');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('a body over the limit is 413 with code BAD_REQUEST', async () => {
    const big = { ...BUY_MARKET, client_order_id: 'x'.repeat(70 * 1024) };
    const e = expectError(await h.api.post('/api/v1/orders', big, { key: h.te.keys.trade }), 413, 'BAD_REQUEST');
    expect(e.message).toMatch(/larger than/);
  });

  it('params in the wrong place are refused: a body on DELETE, a query on POST, an id contradicting the path', async () => {
    expectError(await h.api.request('DELETE', '/api/v1/orders', { key: h.te.keys.trade, body: { account: 'paper' } }), 400, 'BAD_REQUEST');
    expectError(await h.api.post('/api/v1/orders?symbol=BTC/USDT', BUY_MARKET, { key: h.te.keys.trade }), 400, 'BAD_REQUEST');
    const e = expectError(await h.api.patch('/api/v1/orders/abc', { id: 'other', price: '1.00' }, { key: h.te.keys.trade }), 400, 'BAD_REQUEST');
    expect(e.details?.field).toBe('id');
  });

  it('no key is 401 UNAUTHORIZED with WWW-Authenticate; an unknown key or another scheme too', async () => {
    const res = await h.api.get('/api/v1/orders');
    expectError(res, 401, 'UNAUTHORIZED');
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expectError(await h.api.get('/api/v1/orders', { key: 'not-a-key' }), 401, 'UNAUTHORIZED');
    expectError(await h.api.get('/api/v1/orders', { headers: { authorization: `Basic ${h.te.keys.admin}` } }), 401, 'UNAUTHORIZED');
  });

  it('an unauthenticated request is refused before its body is read', async () => {
    expectError(await h.api.post('/api/v1/orders', '{not json'), 401, 'UNAUTHORIZED');
  });

  it('a key without the scope is 403 FORBIDDEN naming the scope (read ⊂ trade ⊂ admin)', async () => {
    const e = expectError(await h.api.post('/api/v1/orders', BUY_MARKET, { key: h.te.keys.read }), 403, 'FORBIDDEN');
    expect(e.details?.required_scope).toBe('trade');
    expect(e.message).toContain('trade');
    expect(expectError(await h.api.get('/api/v1/keys', { key: h.te.keys.trade }), 403, 'FORBIDDEN').details?.required_scope).toBe('admin');
    expect((await h.api.get('/api/v1/keys', { key: h.te.keys.admin })).status).toBe(200);
    expect((await h.api.get('/api/v1/orders', { key: h.te.keys.admin })).status).toBe(200);
  });

  it('an unknown route is 404 NOT_FOUND; a known path with a wrong method is 405 with Allow', async () => {
    expectError(await h.api.get('/api/v1/nothing-here', { key: h.te.keys.read }), 404, 'NOT_FOUND');
    expectError(await h.api.get('/'), 404, 'NOT_FOUND');
    const res = await h.api.request('PUT', '/api/v1/orders', { key: h.te.keys.trade, body: {} });
    expectError(res, 405, 'NOT_FOUND');
    expect(String(res.headers['allow'])).toMatch(/GET/);
  });

  it('an unknown order is 404 NOT_FOUND', async () => {
    expectError(await h.api.get('/api/v1/orders/no-such-order', { key: h.te.keys.read }), 404, 'NOT_FOUND');
    expectError(await h.api.delete('/api/v1/orders/no-such-order', { key: h.te.keys.trade }), 404, 'NOT_FOUND');
  });

  it('answers no CORS headers, even to a preflight', async () => {
    const res = await h.api.request('OPTIONS', '/api/v1/orders', { headers: { 'access-control-request-method': 'POST' } });
    expectError(res, 405, 'NOT_FOUND');
    const get = await h.api.get('/api/v1/orders', { key: h.te.keys.read });
    for (const r of [res, get]) expect(Object.keys(r.headers).filter((k) => k.startsWith('access-control-'))).toEqual([]);
  });
});

describe('refusals from the engine pass through with their status', () => {
  const cases: Array<[MethodName, TernError, number]> = [
    ['orders.cancel', new TernError('CONFLICT', 'order O1 is filled, not open', { status: 'filled' }), 409],
    ['orders.create', new TernError('RISK_REJECTED', 'max_order_notional exceeded', { rule: 'max_order_notional' }), 422],
    ['orders.create', new TernError('VENUE_UNAVAILABLE', 'the exchange is not reachable'), 503],
    ['orders.create', new TernError('INVALID_ORDER', 'price is off the tick', { field: 'price' }), 400],
  ];
  it.each(cases)('%s throwing %s', async (method, error, status) => {
    const h = await harness({}, (engine) => failingOn(engine, method, error));
    const url = method === 'orders.cancel' ? '/api/v1/orders/O1' : '/api/v1/orders';
    const res = await h.api.request(method === 'orders.cancel' ? 'DELETE' : 'POST', url, { key: h.te.keys.trade, ...(method === 'orders.create' ? { body: BUY_MARKET } : {}) });
    expect(res.status).toBe(status);
    expect(res.json).toEqual(error.toBody());
  });

  it("a venue's RATE_LIMITED carries Retry-After from its details.retry_after_s (API.md: 429 with Retry-After)", async () => {
    const error = new TernError('RATE_LIMITED', "order O9 was rejected: the exchange's rate limit was hit", { order_id: 'O9', status: 'rejected', retry_after_s: 2, venue_code: -1003 });
    const h = await harness({}, (engine) => failingOn(engine, 'orders.create', error));
    const res = await h.api.request('POST', '/api/v1/orders', { key: h.te.keys.trade, body: BUY_MARKET });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.json).toEqual(error.toBody());
  });

  it('anything else is 500 INTERNAL with a generic message, no stack, and a log line', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const h = await harness({ logger: pino({ level: 'error' }, sink) }, (engine) => failingOn(engine, 'orders.list', new Error('db password is hunter2')));
    const res = await h.api.get('/api/v1/orders', { key: h.te.keys.read });
    expect(res.status).toBe(500);
    expect(res.json).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
    expect(res.body).not.toMatch(/hunter2|stack|at .*\.ts/);
    expect(lines.join('')).toContain('hunter2');
  });
});

describe('rate limit', () => {
  it('every response to a keyed route carries X-RateLimit-Limit, -Remaining and -Reset', async () => {
    const h = await harness({ rateLimit: { perSecond: 10, burst: 20 } });
    const a = await h.api.get('/api/v1/accounts', { key: h.te.keys.read });
    const b = await h.api.get('/api/v1/accounts', { key: h.te.keys.read });
    expect(a.headers['x-ratelimit-limit']).toBe('20');
    expect(Number(a.headers['x-ratelimit-remaining'])).toBe(19);
    expect(Number(b.headers['x-ratelimit-remaining'])).toBe(18);
    expect(Number(b.headers['x-ratelimit-reset'])).toBeGreaterThanOrEqual(1);
    const forbidden = await h.api.get('/api/v1/keys', { key: h.te.keys.read });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers['x-ratelimit-remaining']).toBeDefined();
  });

  it('over the limit is 429 RATE_LIMITED with Retry-After, per key', async () => {
    const h = await harness({ rateLimit: { perSecond: 0.001, burst: 2 } });
    expect((await h.api.get('/api/v1/accounts', { key: h.te.keys.read })).status).toBe(200);
    expect((await h.api.get('/api/v1/accounts', { key: h.te.keys.read })).status).toBe(200);
    const res = await h.api.get('/api/v1/accounts', { key: h.te.keys.read });
    expectError(res, 429, 'RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(res.headers['x-ratelimit-remaining']).toBe('0');
    expect((await h.api.get('/api/v1/accounts', { key: h.te.keys.trade })).status).toBe(200);
    expect((await h.api.get('/health')).status).toBe(200);
  });
});

describe('GET /api/v1/openapi.json', () => {
  let doc: any;
  beforeAll(async () => {
    const h = await harness();
    const res = await h.api.get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    doc = res.json;
  });

  it('is an OpenAPI 3.1 document with a bearer scheme and the error schema', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.schemas.Error.properties.error).toBeDefined();
  });

  it('has an operation for every METHODS entry with an HTTP route, with its scope', () => {
    for (const [name, spec] of Object.entries(METHODS) as Array<[MethodName, MethodSpec]>) {
      if (!spec.http) continue;
      const op = doc.paths[openApiPath(spec.http.path)]?.[spec.http.method.toLowerCase()];
      expect(op, name).toBeDefined();
      expect(op.operationId).toBe(name);
      expect(op.responses[String(spec.http.status ?? 200)].content['application/json'].schema.$ref).toBe(`#/components/schemas/${name}.result`);
      if (spec.scope === 'none') expect(op.security).toEqual([]);
      else expect(op.description).toContain(spec.scope);
      const inQuery = spec.http.method === 'GET' || spec.http.method === 'DELETE';
      const params = z.toJSONSchema(spec.params, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown> };
      const documented = new Set((op.parameters ?? []).map((p: { name: string }) => p.name));
      if (inQuery) expect(documented).toEqual(new Set(Object.keys(params.properties ?? {})));
      else expect(op.requestBody, name).toBeDefined();
    }
  });

  it('holds exactly z.toJSONSchema of the zod schemas that validate requests and results', () => {
    for (const [name, spec] of Object.entries(METHODS) as Array<[MethodName, MethodSpec]>) {
      expect(doc.components.schemas[`${name}.params`]).toEqual(z.toJSONSchema(spec.params, { io: 'input', unrepresentable: 'any' }));
      expect(doc.components.schemas[`${name}.result`]).toEqual(z.toJSONSchema(spec.result, { io: 'output', unrepresentable: 'any' }));
    }
  });
});

describe('GET /metrics', () => {
  it('needs the read scope', async () => {
    const h = await harness();
    expectError(await h.api.get('/metrics'), 401, 'UNAUTHORIZED');
  });

  it('serves process metrics, requests by route and status, and the engine gauges', async () => {
    const h = await harness();
    await h.api.get('/api/v1/orders', { key: h.te.keys.read });
    await h.api.get('/api/v1/orders/nope', { key: h.te.keys.read });
    const res = await h.api.get('/metrics', { key: h.te.keys.read });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain('process_cpu_user_seconds_total');
    expect(res.body).toMatch(/tern_http_requests_total\{method="GET",route="\/api\/v1\/orders",status="200"\} 1/);
    expect(res.body).toMatch(/tern_http_requests_total\{method="GET",route="\/api\/v1\/orders\/:id",status="404"\} 1/);
    expect(res.body).toContain('tern_http_request_duration_seconds_bucket');
    for (const key of Object.keys(h.te.engine.stats())) expect(res.body).toContain(`${engineStatName(key)} `);
  });
});

describe('loopback guard (Host and Origin), before anything else', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });

  it('refuses a foreign Host with 403, on known and unknown routes alike', async () => {
    const foreign = new RestClient(h.server.app, 'evil.example:7878');
    for (const url of ['/health', '/api/v1/orders', '/api/v1/nothing', '/api/v1/openapi.json']) {
      const e = expectError(await foreign.get(url, { key: h.te.keys.admin }), 403, 'FORBIDDEN');
      expect(e.message).toMatch(/Host/);
    }
    expectError(await new RestClient(h.server.app, '127.0.0.1:9999').get('/health'), 403, 'FORBIDDEN');
    expectError(await new RestClient(h.server.app, '127.0.0.1').get('/health'), 403, 'FORBIDDEN');
  });

  it('accepts 127.0.0.1, localhost and [::1] with the port', async () => {
    for (const host of ['127.0.0.1:7878', 'localhost:7878', '[::1]:7878', 'LOCALHOST:7878']) {
      expect((await new RestClient(h.server.app, host).get('/health')).status).toBe(200);
    }
  });

  it("refuses an Origin other than the server's own", async () => {
    const e = expectError(await h.api.get('/api/v1/orders', { key: h.te.keys.read, headers: { origin: 'https://evil.example' } }), 403, 'FORBIDDEN');
    expect(e.message).toMatch(/Origin/);
    expectError(await h.api.get('/health', { headers: { origin: 'null' } }), 403, 'FORBIDDEN');
    expectError(await h.api.get('/health', { headers: { origin: 'http://127.0.0.1:9999' } }), 403, 'FORBIDDEN');
    expect((await h.api.get('/health', { headers: { origin: 'http://127.0.0.1:7878' } })).status).toBe(200);
    expect((await h.api.get('/health', { headers: { origin: 'http://localhost:7878' } })).status).toBe(200);
  });
});

describe('a listening server', () => {
  let server: ApiServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('binds to loopback on a free port and checks Host against that port', async () => {
    const te = await makeEngine();
    server = createApiServer({ engine: te.engine, host: '127.0.0.1', port: 0, version: '1', logger: false });
    const { url, port } = await server.listen();
    expect(url).toBe(`http://127.0.0.1:${port}`);
    const ok = await fetch(`${url}/health`);
    expect(ok.status).toBe(200);
    const rebound = await rawGet(port, '/health', `attacker.example:${port}`);
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body).error.code).toBe('FORBIDDEN');
    const crossSite = await fetch(`${url}/health`, { headers: { origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    await te.close();
  });

  it('refuses to be created on a non-loopback host', () => {
    expect(() => createApiServer({ engine: {} as never, host: '0.0.0.0', version: '1' })).toThrow(/loopback/);
  });
});

/** a GET with a chosen Host header (fetch will not send one) */
async function rawGet(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
