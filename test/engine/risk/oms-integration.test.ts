/**
 * The engine's risk engine as the real OMS's pre-trade check, over the paper
 * venue and the SQLite store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PreTradeCheck } from '../../../src-main/engine/oms/pre-trade.js';
import { RiskEngine } from '../../../src-main/engine/risk/risk-engine.js';
import { type Harness, SYMBOL, ctx, startHarness } from '../../helpers/engine-harness.js';

/** the engine's own risk engine: every order passes it */
function wire(h: Harness, _checks: PreTradeCheck[]): RiskEngine {
  return h.engine.risk;
}

const killSwitchDeps = (h: Harness) => ({
  oms: {
    activeOrders: (filter?: { account?: string; symbol?: string }) => h.engine.oms.activeOrders(filter),
    find: (id: string) => h.engine.oms.find(id),
    cancelOrder: (id: string, reason?: string) => h.engine.oms.cancelOrder(id, { resend: true, reason }),
    closePosition: h.engine.oms.closePosition.bind(h.engine.oms),
  },
  positions: () => h.engine.portfolio.listPositions(),
  sleep: async () => {},
});

let harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses.reverse()) await h.dispose().catch(() => {});
  harnesses = [];
});

describe('risk engine in the OMS', () => {
  it('refuses an order over a limit before anything is journaled, naming the rule', async () => {
    const checks: PreTradeCheck[] = [];
    const h = await startHarness({ checks });
    harnesses.push(h);
    const risk = wire(h, checks);
    risk.setLimits({ account: 'paper', symbol: SYMBOL, limits: { max_order_notional: '50' } });
    await expect(h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'limit', quantity: '1', price: '99' }, ctx)).rejects.toMatchObject({
      code: 'RISK_REJECTED',
      details: { rule: 'max_order_notional', limit: '50', value: '99' },
    });
    expect(await h.engine.call('orders.list', {}, ctx)).toEqual([]);
    await expect(h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'limit', quantity: '0.5', price: '99' }, ctx)).resolves.toMatchObject({ status: 'open' });
  });

  it('kill switch with flatten: open orders canceled, the position closed by a reduce-only market order, new orders refused', async () => {
    const checks: PreTradeCheck[] = [];
    const h = await startHarness({ checks });
    harnesses.push(h);
    const risk = wire(h, checks);
    await h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '0.5' }, ctx);
    const resting = await h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'limit', quantity: '0.5', price: '95' }, ctx);
    expect(h.engine.portfolio.positionQuantity('paper', SYMBOL).toFixed()).toBe('0.5');

    const report = await risk.killSwitch({ reason: 'test', flatten: true }, killSwitchDeps(h));

    expect(report).toMatchObject({ state: 'HALTED', canceled: [resting.id], failed: [], flattened: [{ account: 'paper', symbol: SYMBOL, quantity: '0.5' }] });
    expect(h.engine.portfolio.positionQuantity('paper', SYMBOL).isZero()).toBe(true);
    const close = await h.engine.call('orders.get', { id: report.flattened[0]!.order_id }, ctx);
    expect(close).toMatchObject({ type: 'market', side: 'sell', reduce_only: true, status: 'filled' });
    await expect(h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'limit', quantity: '0.1', price: '99' }, ctx)).rejects.toMatchObject({
      code: 'RISK_REJECTED',
      details: { rule: 'trading_state', state: 'HALTED' },
    });
  });

  it('a restart over the same SQLite file while HALTED stays HALTED, limits and all', async () => {
    const checks: PreTradeCheck[] = [];
    const h = await startHarness({ checks });
    harnesses.push(h);
    const risk = wire(h, checks);
    risk.setLimits({ limits: { max_open_orders: '3' } });
    risk.setState('HALTED', 'before the restart');
    await h.engine.journal.durable();

    const after = await h.restart();
    harnesses.push(after);
    const restored = wire(after, checks);
    expect(restored.snapshot()).toMatchObject({
      state: 'HALTED',
      reason: 'before the restart',
      // the global limit, and the paper account's default (given at the first start)
      limits: [
        { account: null, symbol: null, limits: { max_open_orders: '3' } },
        { account: 'paper', symbol: null, limits: { max_open_orders: '1000' } },
      ],
    });
    await expect(after.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'limit', quantity: '0.1', price: '99' }, ctx)).rejects.toMatchObject({
      details: { rule: 'trading_state' },
    });
  });

  it('state changes reach engine subscribers on the risk channel after the commit', async () => {
    const checks: PreTradeCheck[] = [];
    const h = await startHarness({ checks });
    harnesses.push(h);
    const risk = wire(h, checks);
    const seen: unknown[] = [];
    h.engine.subscribe((e) => {
      if (e.channel === 'risk') seen.push(e.data);
    });
    risk.setState('REDUCING', 'wind down');
    expect(seen).toEqual([]);
    await h.engine.journal.durable();
    expect(seen).toEqual([expect.objectContaining({ event: 'state', state: 'REDUCING', reason: 'wind down' })]);
  });

  it('REDUCING with the real OMS: a sell within the long passes, one that would flip it does not', async () => {
    const checks: PreTradeCheck[] = [];
    const h = await startHarness({ checks });
    harnesses.push(h);
    const risk = wire(h, checks);
    await h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '1' }, ctx);
    risk.setState('REDUCING', 'wind down');
    await expect(h.engine.call('orders.create', { symbol: SYMBOL, side: 'sell', type: 'limit', quantity: '0.6', price: '105' }, ctx)).resolves.toMatchObject({ status: 'open' });
    await expect(h.engine.call('orders.create', { symbol: SYMBOL, side: 'sell', type: 'limit', quantity: '0.5', price: '105' }, ctx)).rejects.toMatchObject({
      details: { rule: 'trading_state', working: '0.6' },
    });
    await expect(h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'limit', quantity: '0.1', price: '99' }, ctx)).rejects.toMatchObject({
      details: { rule: 'trading_state' },
    });
  });
});
