/**
 * Issue 11, ownership: every order and fill names its strategy, each strategy
 * has its own ledger, a strategy takes only from its own position (enforced
 * by the engine), and a manual close says whose shares it closes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TernError } from '../../../src-common/contract/errors.js';
import { type Harness, SYMBOL, ctx, startHarness } from '../../helpers/engine-harness.js';

const s1 = { actor: 'strategy:s1', strategyId: 's1' };
const s2 = { actor: 'strategy:s2', strategyId: 's2' };
const market = (side: 'buy' | 'sell', quantity: string) => ({ account: 'paper', symbol: SYMBOL, side, type: 'market' as const, quantity });

async function refusal(p: Promise<unknown>): Promise<TernError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TernError);
  return err as TernError;
}

describe('ownership of orders and positions', () => {
  let h: Harness;
  afterEach(async () => h?.dispose());

  it('orders and fills carry the strategy that placed them (null for manual ones), and each strategy has its own ledger', async () => {
    h = await startHarness();
    const manual = await h.engine.call('orders.create', market('buy', '0.2'), ctx);
    const mine = await h.engine.call('orders.create', market('buy', '0.1'), s1);
    expect(manual.strategy_id).toBeNull();
    expect(mine.strategy_id).toBe('s1');

    const fills = await h.engine.call('fills.list', {}, ctx);
    expect(fills.map((f) => [f.order_id, f.strategy_id])).toEqual([
      [mine.id, 's1'],
      [manual.id, null],
    ]);
    expect((await h.engine.call('orders.list', { strategy_id: 's1' }, ctx)).map((o) => o.id)).toEqual([mine.id]);
    expect((await h.engine.call('fills.list', { strategy_id: 's1' }, ctx)).map((f) => f.order_id)).toEqual([mine.id]);

    const [position] = await h.engine.call('positions.list', { symbol: SYMBOL }, ctx);
    expect(position!.quantity).toBe('0.3');
    expect(position!.owners).toEqual([
      { strategy_id: null, quantity: '0.2' },
      { strategy_id: 's1', quantity: '0.1' },
    ]);
    const owned = await h.engine.call('positions.owned', { strategy_id: 's1' }, ctx);
    expect(owned).toEqual([expect.objectContaining({ strategy_id: 's1', account: 'paper', symbol: SYMBOL, quantity: '0.1', average_price: '100.1', realized_pnl: '0' })]);
    expect(Number(owned[0]!.fees)).toBeGreaterThan(0);
  });

  it('refuses a strategy order that would take from what other owners hold, naming the rule, in the engine', async () => {
    h = await startHarness();
    await h.engine.call('orders.create', market('buy', '0.2'), ctx);
    await h.engine.call('orders.create', market('buy', '0.1'), s1);

    const tooMuch = await refusal(h.engine.call('orders.create', market('sell', '0.2'), s1));
    expect(tooMuch.code).toBe('INVALID_ORDER');
    expect(tooMuch.details).toMatchObject({ field: 'quantity', rule: 'strategy_position', strategy_id: 's1', own_position: '0.1', available: '0.1', account_position: '0.3' });
    // a strategy with no share of its own may not sell the trader's
    expect((await refusal(h.engine.call('orders.create', market('sell', '0.1'), s2))).details).toMatchObject({ rule: 'strategy_position', own_position: '0' });

    // a resting sell already takes its share: a second one is refused
    const resting = await h.engine.call('orders.create', { ...market('sell', '0.1'), type: 'limit', price: '150' }, s1);
    expect((await refusal(h.engine.call('orders.create', market('sell', '0.1'), s1))).details).toMatchObject({ rule: 'strategy_position', working: '0.1', available: '0' });
    // an amendment may not grow it past the share either
    expect((await refusal(h.engine.call('orders.amend', { id: resting.id, quantity: '0.15' }, s1))).details).toMatchObject({ rule: 'strategy_position' });
    await h.engine.call('orders.cancel', { id: resting.id }, s1);

    const sold = await h.engine.call('orders.create', market('sell', '0.1'), s1);
    expect(sold.status).toBe('filled');
    const [position] = await h.engine.call('positions.list', { symbol: SYMBOL }, ctx);
    expect(position!.quantity).toBe('0.2');
    expect((await h.engine.call('positions.owned', { strategy_id: 's1' }, ctx))[0]!.quantity).toBe('0');
  });

  it('a strategy amends and cancels only its own orders', async () => {
    h = await startHarness();
    const manual = await h.engine.call('orders.create', { ...market('buy', '0.1'), type: 'limit', price: '90' }, ctx);
    const err = await refusal(h.engine.call('orders.cancel', { id: manual.id }, s1));
    expect(err.code).toBe('FORBIDDEN');
    expect(err.details).toMatchObject({ rule: 'strategy_owner', id: manual.id, strategy_id: null });
    expect((await refusal(h.engine.call('orders.amend', { id: manual.id, price: '91' }, s1))).details).toMatchObject({ rule: 'strategy_owner' });
    // cancelAll from a strategy cancels only its own
    const own = await h.engine.call('orders.create', { ...market('buy', '0.1'), type: 'limit', price: '90' }, s1);
    expect(await h.engine.call('orders.cancelAll', { account: 'paper' }, s1)).toEqual({ canceled: [own.id], failed: [] });
    expect((await h.engine.call('orders.get', { id: manual.id }, ctx)).status).toBe('open');
    expect((await h.engine.call('orders.cancel', { id: manual.id }, ctx)).status).toBe('canceled');
  });

  it('an API caller cannot give an order a strategy id: orders.create refuses the field', async () => {
    h = await startHarness();
    const err = await refusal(h.engine.call('orders.create', { ...market('buy', '0.1'), strategy_id: 's1' }, { actor: 'bot' }));
    expect(err.code).toBe('BAD_REQUEST');
    expect(JSON.stringify(err.details)).toContain('strategy_id');
    expect(await h.engine.call('orders.list', { strategy_id: 's1' }, ctx)).toEqual([]);
  });

  it('a manual close of the position says whose shares it closes, and takes them from the strategies\u2019 ledgers', async () => {
    h = await startHarness();
    await h.engine.call('orders.create', market('buy', '0.2'), ctx);
    await h.engine.call('orders.create', market('buy', '0.1'), s2);
    await h.engine.call('orders.create', market('buy', '0.05'), s1);

    const partial = await h.engine.call('positions.close', { account: 'paper', symbol: SYMBOL, quantity: '0.25' }, ctx);
    expect(partial.strategy_id).toBeNull();
    expect(partial.closes).toEqual([
      { strategy_id: null, quantity: '0.2' },
      { strategy_id: 's1', quantity: '0.05' },
    ]);
    const owned = await h.engine.call('positions.owned', {}, ctx);
    expect(owned.map((p) => [p.strategy_id, p.quantity])).toEqual([
      ['s1', '0'],
      ['s2', '0.1'],
    ]);
    const all = await h.engine.call('positions.close', { account: 'paper', symbol: SYMBOL }, ctx);
    expect(all.closes).toEqual([{ strategy_id: 's2', quantity: '0.1' }]);
    expect((await h.engine.call('positions.owned', { strategy_id: 's2' }, ctx))[0]!.quantity).toBe('0');
  });

  it('a strategy that calls positions.close closes its own share only', async () => {
    h = await startHarness();
    await h.engine.call('orders.create', market('buy', '0.2'), ctx);
    await h.engine.call('orders.create', market('buy', '0.1'), s1);
    const closed = await h.engine.call('positions.close', { account: 'paper', symbol: SYMBOL }, s1);
    expect(closed.strategy_id).toBe('s1');
    expect(closed.quantity).toBe('0.1');
    expect(closed.closes).toEqual([{ strategy_id: 's1', quantity: '0.1' }]);
    expect((await h.engine.call('positions.list', { symbol: SYMBOL }, ctx))[0]!.quantity).toBe('0.2');
    expect((await refusal(h.engine.call('positions.close', { account: 'paper', symbol: SYMBOL }, s1))).code).toBe('CONFLICT');
  });

  it('the ledger is a projection of the journal: the same after a restart and after a rebuild', async () => {
    h = await startHarness();
    await h.engine.call('orders.create', market('buy', '0.2'), ctx);
    await h.engine.call('orders.create', market('buy', '0.3'), s1);
    await h.engine.call('orders.create', market('sell', '0.1'), s1);
    await h.engine.call('orders.create', market('buy', '0.1'), s2);
    await h.engine.call('positions.close', { account: 'paper', symbol: SYMBOL, quantity: '0.3' }, ctx);
    const live = await h.engine.call('positions.owned', {}, ctx);
    const liveOrders = await h.engine.call('orders.list', { strategy_id: 's1' }, ctx);
    expect(live.map((p) => [p.strategy_id, p.quantity])).toEqual([
      ['s1', '0.1'],
      ['s2', '0.1'],
    ]);

    h = await h.restart();
    expect(await h.engine.call('positions.owned', {}, ctx)).toEqual(live);
    expect(await h.engine.call('orders.list', { strategy_id: 's1' }, ctx)).toEqual(liveOrders);
    expect(h.store.verify()).toEqual({ ok: true, mismatches: [] });
    h.store.rebuildProjections();
    expect(h.store.loadStrategyPositions().map((p) => [p.strategyId, p.quantity.toFixed(), p.realizedPnl.toFixed()])).toEqual(
      live.map((p) => [p.strategy_id, p.quantity, expect.any(String)]),
    );
    // and the strategy still cannot sell more than its own share after the restart
    expect((await refusal(h.engine.call('orders.create', market('sell', '0.2'), s1))).details).toMatchObject({ rule: 'strategy_position', own_position: '0.1' });
  });
});
