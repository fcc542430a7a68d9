import { afterEach, describe, expect, it, vi } from 'vitest';
import { SYMBOL, ctx, pushBookAround, startHarness, type Harness } from '../../helpers/engine-harness.js';

// orders.check (issue 13, the ticket's warnings and held-by badge): the engine's own answer to an
// order not sent — who would hold its protective part, and what would refuse it now.
const EMULATED = { stopOrders: true, oco: false, trailingStop: false };

let h: Harness;
afterEach(async () => {
  await h?.dispose();
});

const check = (params: Record<string, unknown>) => h.engine.call('orders.check', params as never, ctx);
const limitBuy = (extra: Record<string, unknown> = {}) => ({ order: { symbol: SYMBOL, side: 'buy', type: 'limit', quantity: '1', price: '99', ...extra } });
const rules = (r: { refusals: Array<{ details?: Record<string, unknown> }> }) => r.refusals.map((e) => e.details?.['rule']);

describe('orders.check', () => {
  for (const [mode, caps] of [
    ['venue', {}],
    ['tern', { capabilities: EMULATED }],
  ] as const) {
    it(`says who holds each construct as placing it does (venue ${mode === 'venue' ? 'holds them' : 'holds none'})`, async () => {
      h = await startHarness(caps);
      pushBookAround(h.feed, 100);
      expect((await check(limitBuy())).held_by).toBeNull();
      const bracket = await check(limitBuy({ take_profit: { price: '110' }, stop_loss: { stop_price: '90' } }));
      expect(bracket).toEqual({ held_by: mode, refusals: [] });
      // one exit alone is a plain order on the venue
      expect((await check(limitBuy({ take_profit: { price: '110' } }))).held_by).toBe('venue');
      const trailing = await check({ order: { symbol: SYMBOL, side: 'sell', type: 'trailing_stop', quantity: '1', trailing_offset: '1', trailing_unit: 'percent' } });
      expect(trailing.held_by).toBe(mode);
      const oco = await check({ oco: { symbol: SYMBOL, side: 'sell', quantity: '1', take_profit: { price: '110' }, stop_loss: { stop_price: '90' }, reduce_only: false } });
      expect(oco.held_by).toBe(mode);

      // placing agrees with the check
      const placed = await h.engine.call('orders.oco', { symbol: SYMBOL, side: 'sell', quantity: '1', take_profit: { price: '110' }, stop_loss: { stop_price: '90' }, reduce_only: false }, ctx);
      expect(placed.orders.map((o) => o.held_by)).toEqual([mode, mode]);
    });
  }

  it('a venue without stop orders: a stop, and a stop loss alone, are held by Tern; a take profit alone by the venue', async () => {
    h = await startHarness({ capabilities: { stopOrders: false, oco: false, trailingStop: false } });
    pushBookAround(h.feed, 100);
    expect((await check({ order: { symbol: SYMBOL, side: 'sell', type: 'stop_market', quantity: '1', stop_price: '90' } })).held_by).toBe('tern');
    expect((await check(limitBuy({ stop_loss: { stop_price: '90' } }))).held_by).toBe('tern');
    expect((await check(limitBuy({ take_profit: { price: '110' } }))).held_by).toBe('venue');
  });

  it('lists every risk limit the order would break, by name, and records nothing', async () => {
    h = await startHarness();
    pushBookAround(h.feed, 100);
    await h.engine.call('risk.setLimits', { account: 'paper', limits: { max_order_notional: '50', max_order_quantity: '0.5' } }, ctx);
    const audited = vi.spyOn(h.engine.risk.audit, 'record');
    const r = await check(limitBuy());
    expect(r.refusals.map((e) => e.code)).toEqual(['RISK_REJECTED', 'RISK_REJECTED']);
    expect(rules(r)).toEqual(['max_order_quantity', 'max_order_notional']);
    expect(r.refusals[1]!.details).toMatchObject({ limit: '50', value: '99', scope: { account: 'paper', symbol: null } });
    // a dry run: no order, no audit entry
    expect(await h.engine.call('orders.list', { status: 'all' }, ctx)).toEqual([]);
    expect(audited).not.toHaveBeenCalled();
    // and placing refuses with the first of them
    await expect(h.engine.call('orders.create', limitBuy().order as never, ctx)).rejects.toMatchObject({ code: 'RISK_REJECTED', details: { rule: 'max_order_quantity' } });
  });

  it('REDUCING and HALTED refuse with the state and its reason', async () => {
    h = await startHarness();
    pushBookAround(h.feed, 100);
    await h.engine.call('risk.setState', { state: 'REDUCING', reason: 'drawdown review' }, ctx);
    const reducing = await check(limitBuy());
    expect(reducing.refusals[0]).toMatchObject({ code: 'RISK_REJECTED', details: { rule: 'trading_state', state: 'REDUCING', reason: 'drawdown review' } });
    await h.engine.call('risk.setState', { state: 'HALTED', reason: 'kill switch: test' }, ctx);
    const halted = await check(limitBuy());
    expect(halted.refusals[0]).toMatchObject({ details: { rule: 'trading_state', state: 'HALTED', reason: 'kill switch: test' } });
    await h.engine.call('risk.setState', { state: 'ACTIVE', reason: 'resumed' }, ctx);
    expect((await check(limitBuy())).refusals).toEqual([]);
  });

  it("answers an instrument or exit rule as orders.create would, naming the field", async () => {
    h = await startHarness();
    pushBookAround(h.feed, 100);
    const r = await check(limitBuy({ take_profit: { price: '95' }, stop_loss: { stop_price: '90' } }));
    expect(r.held_by).toBe('venue');
    expect(r.refusals).toEqual([expect.objectContaining({ code: 'INVALID_ORDER', details: expect.objectContaining({ field: 'take_profit.price', rule: 'take_profit_side' }) })]);
    await expect(check({})).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
