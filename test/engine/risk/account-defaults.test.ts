/**
 * Issue 9 item 8: every account has a sane max_open_orders unless the trader
 * chose otherwise, on a fresh install and on a store from before defaults
 * existed; the trader can change or remove it, and a removal stays removed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RISK_SETTINGS } from '../../../src-main/engine/risk/risk-settings.js';
import { DEFAULT_ACCOUNT_LIMITS } from '../../../src-main/engine/risk/limits.js';
import { type Harness as EngineHarness, SYMBOL, ctx, startHarness } from '../../helpers/engine-harness.js';
import { FakeJournal, context, harness, order, outcome } from './risk-fixtures.js';

const paperDefault = { account: 'paper', symbol: null, limits: { max_open_orders: '1000' } };

describe('default limits per account (risk engine)', () => {
  it('the default max_open_orders is 1000', () => {
    expect(DEFAULT_ACCOUNT_LIMITS).toEqual({ max_open_orders: '1000' });
  });

  it('gives an account max_open_orders 1000 at account scope, which refuses the 1001st working order', () => {
    const { risk, open } = harness();
    risk.applyAccountDefaults('paper');
    expect(risk.snapshot().limits).toEqual([paperDefault]);
    open.count = 999;
    expect(outcome(() => risk.check(order(), context()))).toBe('passed');
    open.count = 1000;
    expect(outcome(() => risk.check(order(), context()))).toMatchObject({ rule: 'max_open_orders', limit: '1000', value: '1001', scope: { account: 'paper', symbol: null } });
  });

  it('leaves alone a max_open_orders the trader set for the account or globally, and keeps the rest of their limits', () => {
    const { risk } = harness();
    risk.setLimits({ account: 'paper', limits: { max_open_orders: '50', max_order_quantity: '2' } });
    risk.setLimits({ limits: { max_open_orders: '5000' } });
    risk.applyAccountDefaults('paper');
    risk.applyAccountDefaults('other');
    expect(risk.snapshot().limits).toEqual([
      { account: null, symbol: null, limits: { max_open_orders: '5000' } },
      { account: 'paper', symbol: null, limits: { max_order_quantity: '2', max_open_orders: '50' } },
    ]);
  });

  it('a store from before defaults gets them at the next start; one the trader then removed stays removed after a restart', () => {
    const journal = new FakeJournal();
    // what an older version left: limits of the trader's own, and no record of defaults
    journal.setRaw(RISK_SETTINGS.limits, [{ account: 'paper', symbol: 'BTC/USDT', limits: { price_band_pct: '2' } }]);
    const first = harness({ journal }).risk;
    first.applyAccountDefaults('paper');
    expect(first.snapshot().limits).toEqual([paperDefault, { account: 'paper', symbol: 'BTC/USDT', limits: { price_band_pct: '2' } }]);
    first.setLimits({ account: 'paper', limits: { max_open_orders: null } });

    const second = harness({ journal }).risk;
    second.applyAccountDefaults('paper');
    expect(second.snapshot().limits).toEqual([{ account: 'paper', symbol: 'BTC/USDT', limits: { price_band_pct: '2' } }]);
  });

  it('a changed default survives a restart as the trader set it', () => {
    const journal = new FakeJournal();
    const first = harness({ journal }).risk;
    first.applyAccountDefaults('paper');
    first.setLimits({ account: 'paper', limits: { max_open_orders: '20000' } });
    const second = harness({ journal }).risk;
    second.applyAccountDefaults('paper');
    expect(second.snapshot().limits).toEqual([{ account: 'paper', symbol: null, limits: { max_open_orders: '20000' } }]);
  });

  it('no defaults when the engine is given none (backtests)', () => {
    const { risk } = harness({ accountDefaults: {} });
    risk.applyAccountDefaults('paper');
    expect(risk.snapshot().limits).toEqual([]);
  });
});

describe('default limits per account (engine)', () => {
  const harnesses: EngineHarness[] = [];
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.dispose();
  });

  it('a fresh install shows max_open_orders 1000 for the paper account, changeable and removable through risk.setLimits, and a restart keeps the choice', async () => {
    const h = await startHarness();
    harnesses.push(h);
    expect((await h.engine.call('risk.get', {}, ctx)).limits).toEqual([paperDefault]);
    await h.engine.call('risk.setLimits', { account: 'paper', limits: { max_open_orders: '2' } }, ctx);
    for (const price of ['90', '91']) await h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'limit', quantity: '0.1', price }, ctx);
    await expect(h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'limit', quantity: '0.1', price: '92' }, ctx)).rejects.toMatchObject({
      code: 'RISK_REJECTED',
      details: { rule: 'max_open_orders', limit: '2' },
    });
    await h.engine.call('risk.setLimits', { account: 'paper', limits: { max_open_orders: null } }, ctx);
    await h.engine.journal.durable();

    const after = await h.restart();
    harnesses.push(after);
    expect((await after.engine.call('risk.get', {}, ctx)).limits).toEqual([]);
    await after.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'limit', quantity: '0.1', price: '92' }, ctx);
  });
});
