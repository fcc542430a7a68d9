import { afterEach, describe, expect, it } from 'vitest';
import { TernError } from '../../src-common/contract/errors.js';
import type { EngineEvent } from '../../src-common/contract/events.js';
import { dec, str } from '../../src-main/engine/model/decimal.js';
import { positionsFromFills } from '../../src-main/engine/portfolio/position.js';
import { type Harness, SYMBOL, ctx, pushBookAround, startHarness } from '../helpers/engine-harness.js';

let h: Harness;
afterEach(async () => h?.dispose());

const place = (p: Record<string, unknown>) => h.engine.call('orders.create', { symbol: SYMBOL, ...p }, ctx);

async function refusal(promise: Promise<unknown>): Promise<TernError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(TernError);
    return err as TernError;
  }
  throw new Error('expected a refusal');
}

describe('engine: orders through the paper venue', () => {
  it('a limit order below the market rests open, amends and cancels', async () => {
    h = await startHarness();
    const order = await place({ side: 'buy', type: 'limit', quantity: '0.5', price: '99.00' });
    expect(order.status).toBe('open');
    const usdt = () => h.engine.portfolio.balance('paper', 'USDT')!;
    expect(usdt().locked.gt(0)).toBe(true);

    const amended = await h.engine.call('orders.amend', { id: order.id, price: '98.50', quantity: '0.6' }, ctx);
    expect(amended.price).toBe('98.5');
    expect(amended.quantity).toBe('0.6');
    expect(amended.status).toBe('open');

    const canceled = await h.engine.call('orders.cancel', { id: order.client_order_id }, ctx);
    expect(canceled.status).toBe('canceled');
    expect(str(usdt().locked)).toBe('0');
    const again = await refusal(h.engine.call('orders.cancel', { id: order.id }, ctx));
    expect(again.code).toBe('CONFLICT');
  });

  it('a market buy walks the book; position, balances and fills follow', async () => {
    h = await startHarness();
    const order = await place({ side: 'buy', type: 'market', quantity: '2' });
    expect(order.status).toBe('filled');
    // 1 @ 100.10 + 1 @ 100.20, taker fee 0.1 %
    expect(order.average_price).toBe('100.15');
    expect(order.fees).toBe('0.2003');
    const fills = await h.engine.call('fills.list', {}, ctx);
    expect(fills.map((f) => [f.quantity, f.price, f.liquidity])).toEqual([
      ['1', '100.2', 'taker'],
      ['1', '100.1', 'taker'],
    ]);
    const [position] = await h.engine.call('positions.list', {}, ctx);
    expect(position).toMatchObject({ symbol: SYMBOL, quantity: '2', average_price: '100.15' });
    const balances = await h.engine.call('balances.list', { account: 'paper' }, ctx);
    expect(balances.find((b) => b.asset === 'USDT')!.total).toBe(str(dec(100000).sub('200.3').sub('0.2003')));
    expect(balances.find((b) => b.asset === 'BTC')!.total).toBe('2');
  });

  it('a resting limit fills as maker when the market trades through it', async () => {
    h = await startHarness();
    const order = await place({ side: 'buy', type: 'limit', quantity: '0.5', price: '99.50' });
    h.feed.pushTrade(SYMBOL, '99.40', '3', 'sell');
    await h.engine.journal.durable();
    const after = await h.engine.call('orders.get', { id: order.id }, ctx);
    expect(after).toMatchObject({ status: 'filled', average_price: '99.5', fees: str(dec('0.5').mul('99.5').mul('0.0005')) });
  });

  it('posting the same client_order_id twice places one order', async () => {
    h = await startHarness();
    const a = await place({ side: 'buy', type: 'limit', quantity: '0.1', price: '99.00', client_order_id: 'bot-1' });
    const b = await place({ side: 'buy', type: 'limit', quantity: '0.1', price: '99.00', client_order_id: 'bot-1' });
    expect(b.id).toBe(a.id);
    expect(await h.engine.call('orders.list', { status: 'all' }, ctx)).toHaveLength(1);
  });

  it('refuses orders that break the instrument, naming the field', async () => {
    h = await startHarness();
    expect((await refusal(place({ side: 'buy', type: 'limit', quantity: '0.00001', price: '99' }))).details).toMatchObject({ field: 'quantity', rule: 'min_quantity' });
    expect((await refusal(place({ side: 'buy', type: 'limit', quantity: '0.1', price: '99.001' }))).details).toMatchObject({ field: 'price', rule: 'price_increment' });
    expect((await refusal(place({ side: 'buy', type: 'limit', quantity: '0.01', price: '99' }))).details).toMatchObject({ field: 'quantity', rule: 'min_notional' });
    expect((await refusal(place({ side: 'buy', type: 'limit', quantity: '0.1' }))).details).toMatchObject({ field: 'price' });
    expect((await refusal(place({ side: 'buy', type: 'stop_market', quantity: '0.1' }))).details).toMatchObject({ field: 'stop_price' });
    expect((await refusal(place({ side: 'buy', type: 'market', quantity: '0.1', post_only: true }))).details).toMatchObject({ field: 'post_only' });
    expect((await refusal(place({ symbol: 'DOGE/USDT', side: 'buy', type: 'market', quantity: '1' }))).details).toMatchObject({ field: 'symbol' });
    expect((await refusal(place({ side: 'sell', type: 'market', quantity: '0.1', reduce_only: true }))).details).toMatchObject({ field: 'reduce_only' });
    const bad = await refusal(place({ side: 'buy', type: 'market', quantity: 'lots' }));
    expect(bad.code).toBe('BAD_REQUEST');
    expect(bad.details).toMatchObject({ field: 'quantity' });
    expect(await h.engine.call('orders.list', { status: 'all' }, ctx)).toHaveLength(0);
  });

  it('an order the account cannot pay for is journaled as rejected with the reason', async () => {
    h = await startHarness({ balance: '50' });
    const order = await place({ side: 'buy', type: 'limit', quantity: '1', price: '99.00' });
    expect(order.status).toBe('rejected');
    expect(order.reject_reason).toMatch(/insufficient USDT/);
  });

  it('closes a position with a reduce-only market order, in part or in full', async () => {
    h = await startHarness();
    await place({ side: 'buy', type: 'market', quantity: '1.5' });
    const part = await h.engine.call('positions.close', { symbol: SYMBOL, quantity: '0.5' }, ctx);
    expect(part).toMatchObject({ side: 'sell', type: 'market', reduce_only: true, status: 'filled', quantity: '0.5' });
    const rest = await h.engine.call('positions.close', { symbol: SYMBOL }, ctx);
    expect(rest.quantity).toBe('1');
    expect(h.engine.portfolio.positionQuantity('paper', SYMBOL).isZero()).toBe(true);
    expect((await refusal(h.engine.call('positions.close', { symbol: SYMBOL }, ctx))).code).toBe('CONFLICT');
  });

  it('cancel-all cancels the matching working orders', async () => {
    h = await startHarness();
    await place({ side: 'buy', type: 'limit', quantity: '0.1', price: '99.00' });
    await place({ side: 'buy', type: 'limit', quantity: '0.1', price: '98.00' });
    const { canceled } = await h.engine.call('orders.cancelAll', { symbol: SYMBOL }, ctx);
    expect(canceled).toHaveLength(2);
    expect(await h.engine.call('orders.list', { status: 'open' }, ctx)).toHaveLength(0);
  });

  it('publishes order events only after they are committed', async () => {
    h = await startHarness();
    const seen: Array<{ status: string; inStore: boolean }> = [];
    h.engine.subscribe((e: EngineEvent) => {
      if (e.kind === 'orders') {
        const data = e.data as { id: string; status: string };
        seen.push({ status: data.status, inStore: h.store.getOrder(data.id) !== undefined });
      }
    });
    await place({ side: 'buy', type: 'market', quantity: '0.5' });
    expect(seen.map((s) => s.status)).toEqual(['pending', 'pending', 'open', 'filled']);
    expect(seen.every((s) => s.inStore)).toBe(true);
  });

  it('market data reaches ticker, book and candles', async () => {
    h = await startHarness();
    h.feed.pushTrade(SYMBOL, '100.05', '1', 'buy');
    const ticker = await h.engine.call('market.ticker', { symbol: SYMBOL }, ctx);
    expect(ticker).toMatchObject({ bid: '99.9', ask: '100.1', last: '100.05' });
    const book = await h.engine.call('market.book', { symbol: SYMBOL, depth: 2 }, ctx);
    expect(book.asks).toEqual([['100.1', '1'], ['100.2', '2']]);
    for (let i = 0; i < 10; i++) h.feed.pushBar(SYMBOL, { ts: i * 60_000, open: '1', high: String(2 + i), low: '0.5', close: '1.5', volume: '10' });
    const candles = await h.engine.call('market.candles', { symbol: SYMBOL, timeframe: '5m', limit: 10 }, ctx);
    expect(candles).toEqual([
      [0, '1', '6', '0.5', '1.5', '50'],
      [300_000, '1', '11', '0.5', '1.5', '50'],
    ]);
    expect((await refusal(h.engine.call('market.ticker', { symbol: 'ETH/USDT' }, ctx))).code).toBe('NOT_FOUND');
  });

  it('a paper reset empties orders and positions and restores the starting balance', async () => {
    h = await startHarness();
    await place({ side: 'buy', type: 'market', quantity: '1' });
    await place({ side: 'buy', type: 'limit', quantity: '0.1', price: '99.00' });
    await h.engine.call('accounts.reset', { id: 'paper' }, ctx);
    expect(await h.engine.call('orders.list', {}, ctx)).toHaveLength(0);
    expect(await h.engine.call('positions.list', {}, ctx)).toHaveLength(0);
    const balances = await h.engine.call('balances.list', {}, ctx);
    expect(balances.find((b) => b.asset === 'USDT')).toMatchObject({ total: '100000', locked: '0' });
    expect(balances.find((b) => b.asset === 'BTC')).toMatchObject({ total: '0' });
    const again = await place({ side: 'buy', type: 'limit', quantity: '0.1', price: '99.00' });
    expect(again.status).toBe('open');
  });
});

describe('engine: risk audit trail', () => {
  it('journals every risk decision with the order, the rule and the numbers, allowed or refused', async () => {
    h = await startHarness();
    h.engine.risk.setLimits({ limits: { max_order_quantity: '1' } });
    await place({ side: 'buy', type: 'limit', quantity: '0.5', price: '99.00', client_order_id: 'ok-1' });
    await refusal(place({ side: 'buy', type: 'limit', quantity: '2', price: '99.00', client_order_id: 'big-1' }));
    await h.engine.journal.durable();
    const decisions = [...h.store.journal()].filter((e) => e.entry.type === 'risk_decision').map((e) => (e.entry as { decision: Record<string, unknown> }).decision);
    expect(decisions).toHaveLength(2);
    expect(decisions[0]).toMatchObject({ client_order_id: 'ok-1', allowed: true });
    expect(decisions[1]).toMatchObject({ client_order_id: 'big-1', allowed: false, rule: 'max_order_quantity' });
    expect(String(decisions[1]!.message)).toMatch(/max_order_quantity|quantity/);
    expect(h.store.verify().ok).toBe(true);
  });
});

describe('engine: restart', () => {
  it('resumes working orders, positions and balances from the store, and the venue honours the resting order', async () => {
    h = await startHarness();
    await place({ side: 'buy', type: 'market', quantity: '1' });
    const resting = await place({ side: 'buy', type: 'limit', quantity: '0.5', price: '99.50' });
    const before = {
      balances: await h.engine.call('balances.list', {}, ctx),
      positions: await h.engine.call('positions.list', {}, ctx),
    };
    h = await h.restart();
    pushBookAround(h.feed);
    expect(await h.engine.call('balances.list', {}, ctx)).toEqual(before.balances);
    expect((await h.engine.call('positions.list', {}, ctx)).map((p) => [p.quantity, p.average_price])).toEqual(before.positions.map((p) => [p.quantity, p.average_price]));
    expect((await h.engine.call('orders.get', { id: resting.id }, ctx)).status).toBe('open');

    h.feed.pushTrade(SYMBOL, '99.40', '5', 'sell');
    await h.engine.journal.durable();
    expect((await h.engine.call('orders.get', { id: resting.id }, ctx)).status).toBe('filled');
    const fills = [...h.store.allFills()];
    const derived = positionsFromFills(fills).get(`paper\u0000${SYMBOL}`)!;
    expect(str(derived.quantity)).toBe('1.5');
    expect(str(h.engine.portfolio.positionQuantity('paper', SYMBOL))).toBe('1.5');
    expect(h.store.verify().ok).toBe(true);
  });

  it('new orders after a restart get ids that never collide with old ones', async () => {
    h = await startHarness();
    const a = await place({ side: 'buy', type: 'limit', quantity: '0.1', price: '99.00' });
    h = await h.restart();
    const b = await place({ side: 'buy', type: 'limit', quantity: '0.1', price: '99.00' });
    expect(b.id).not.toBe(a.id);
    expect(b.client_order_id).not.toBe(a.client_order_id);
  });
});
