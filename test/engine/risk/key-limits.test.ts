// Per-bot keys (issue 14): a key's own limits (the `key` scope), the accounts it may trade and its halt
// apply to the orders placed with it, and to no other key's or the trader's.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestEngine } from '../../helpers/api-harness.js';
import { realEngineFactory } from '../../helpers/real-engine-factory.js';

const trader = { actor: 'test' };
let te: TestEngine;

beforeEach(async () => {
  te = await realEngineFactory();
});
afterEach(async () => {
  await te.close();
});

async function newKey(params: Record<string, unknown> = {}) {
  const k = await te.engine.call('keys.create', { name: 'bot', scopes: ['trade'], ...params }, trader);
  return { ...k, ctx: { actor: k.id, keyId: k.id } };
}

const limitBuy = (price: string, quantity = '0.01') => ({ account: 'paper', symbol: 'BTC/USDT', side: 'buy', type: 'limit', price, quantity });

describe('a key scope of the risk limits', () => {
  it("refuses the key's own orders beyond its limits, naming the key scope, and leaves another key and the trader alone", async () => {
    const small = await newKey({ risk_limits: { max_order_notional: '100', max_open_orders: '1' } });
    const other = await newKey();
    expect(small.risk_limits).toEqual({ max_order_notional: '100', max_open_orders: '1' });
    const risk = await te.engine.call('risk.get', {}, trader);
    expect(risk.limits).toContainEqual({ account: null, symbol: null, key: small.id, limits: { max_order_notional: '100', max_open_orders: '1' } });

    await expect(te.engine.call('orders.create', limitBuy('40000'), small.ctx)).rejects.toMatchObject({
      code: 'RISK_REJECTED',
      message: expect.stringContaining(`max_order_notional (key ${small.id})`),
      details: { rule: 'max_order_notional' },
    });
    const placed = await te.engine.call('orders.create', limitBuy('40000', '0.002'), small.ctx);
    expect(placed.key_id).toBe(small.id);
    // its max_open_orders counts its own working orders only
    await expect(te.engine.call('orders.create', limitBuy('40000', '0.002'), small.ctx)).rejects.toMatchObject({ details: { rule: 'max_open_orders' } });
    expect((await te.engine.call('orders.create', limitBuy('40000'), other.ctx)).key_id).toBe(other.id);
    expect((await te.engine.call('orders.create', limitBuy('40000'), trader)).key_id).toBeNull();

    const mine = await te.engine.call('orders.list', { key_id: small.id }, trader);
    expect(mine.map((o) => o.id)).toEqual([placed.id]);
    const listed = (await te.engine.call('keys.list', {}, trader)).find((k) => k.id === small.id)!;
    expect(listed.usage).toMatchObject({ orders_today: 1, open_orders: 1, open_notional: '80' });
    expect(listed.risk_limits).toEqual({ max_order_notional: '100', max_open_orders: '1' });
  });

  it('takes only the limits a key scope knows, on a key that exists', async () => {
    await expect(te.engine.call('keys.create', { name: 'x', scopes: ['trade'], risk_limits: { max_daily_loss: '5' } }, trader)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      details: { field: 'risk_limits.max_daily_loss' },
    });
    await expect(te.engine.call('risk.setLimits', { key: 'K-none', limits: { max_order_notional: '1' } }, trader)).rejects.toMatchObject({ code: 'NOT_FOUND', details: { field: 'key' } });
    const k = await newKey();
    await expect(te.engine.call('risk.setLimits', { key: k.id, limits: { max_position_notional: '1' } }, trader)).rejects.toMatchObject({ details: { field: 'limits.max_position_notional' } });
    await te.engine.call('risk.setLimits', { key: k.id, limits: { max_order_quantity: '0.001' } }, trader);
    await expect(te.engine.call('orders.create', limitBuy('40000', '0.002'), k.ctx)).rejects.toMatchObject({ details: { rule: 'max_order_quantity' } });
  });
});

describe("a key's accounts", () => {
  it('refuse an order on another account, naming the rule; an unknown account at creation is a 400 naming the field', async () => {
    await te.engine.call('accounts.create', { id: 'paper2', exchange: 'binance', mode: 'paper' }, trader);
    const k = await newKey({ accounts: ['paper2'] });
    expect(k.accounts).toEqual(['paper2']);
    await expect(te.engine.call('orders.create', limitBuy('40000'), k.ctx)).rejects.toMatchObject({ code: 'RISK_REJECTED', details: { rule: 'key_accounts', field: 'account' } });
    expect((await te.engine.call('orders.create', { ...limitBuy('40000'), account: 'paper2' }, k.ctx)).status).toBe('open');
    await expect(te.engine.call('keys.create', { name: 'y', scopes: ['trade'], accounts: ['nope'] }, trader)).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'accounts' } });
  });
});

describe('halting a key', () => {
  it("refuses its new orders naming the key halt and cancels its working ones; the trader's and another key's orders stay", async () => {
    const bot = await newKey();
    const other = await newKey();
    const a = await te.engine.call('orders.create', limitBuy('40000'), bot.ctx);
    const b = await te.engine.call('orders.create', limitBuy('40001'), other.ctx);
    const c = await te.engine.call('orders.create', limitBuy('40002'), trader);
    const halted = await te.engine.call('keys.halt', { id: bot.id, reason: 'runaway' }, trader);
    expect(halted.canceled).toEqual([a.id]);
    expect(halted.halted).toMatchObject({ by: 'test', reason: 'runaway' });
    expect((await te.engine.call('orders.get', { id: a.id }, trader)).status).toBe('canceled');
    expect((await te.engine.call('orders.get', { id: b.id }, trader)).status).toBe('open');
    expect((await te.engine.call('orders.get', { id: c.id }, trader)).status).toBe('open');
    await expect(te.engine.call('orders.create', limitBuy('40000'), bot.ctx)).rejects.toMatchObject({ code: 'RISK_REJECTED', details: { rule: 'key_halted' } });
    expect((await te.engine.call('risk.get', {}, trader)).state).toBe('ACTIVE');
    await te.engine.call('orders.create', limitBuy('40000'), other.ctx);

    const resumed = await te.engine.call('keys.resume', { id: bot.id }, trader);
    expect(resumed.halted).toBeNull();
    expect((await te.engine.call('orders.create', limitBuy('40000'), bot.ctx)).status).toBe('open');
  });
});
