/**
 * Issue 12, "Bad input gets a clear error", over REST against the real engine
 * on paper: each refusal is a 400 whose details name the field and the rule,
 * and nothing is placed (no order, no leg, no trigger Tern holds).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../src-main/api/server.js';
import { RestClient } from '../helpers/api-harness.js';
import { SYMBOL, ctx, pushBookAround, startHarness, type Harness } from '../helpers/engine-harness.js';

const KEY = 'protective-refusals-admin-key-0123456789';
let h: Harness;
let server: ApiServer;
let rest: RestClient;

beforeAll(async () => {
  h = await startHarness({ capabilities: { stopOrders: true, oco: false, trailingStop: false } });
  h.engine.ensureKey(KEY, 'test', ['admin']);
  server = createApiServer({ engine: h.engine, version: 't', logger: false });
  rest = new RestClient(server.app);
  pushBookAround(h.feed, 100);
  h.feed.pushTrade(SYMBOL, '100.00', '1');
  // a long position of 1 BTC to protect
  await h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '1' }, ctx);
});

afterAll(async () => {
  await server?.close();
  await h?.dispose();
});

const base = { account: 'paper', symbol: SYMBOL };
const oco = { ...base, side: 'sell', quantity: '1', take_profit: { price: '110' }, stop_loss: { stop_price: '90' } };
const entry = { ...base, side: 'buy', type: 'market', quantity: '0.5' };
const trailing = { ...base, side: 'sell', type: 'trailing_stop', quantity: '1', reduce_only: true };

type Case = [name: string, path: string, body: object, field: string, rule: string];
const cases: Case[] = [
  ['an OCO take profit on the wrong side of the market', '/api/v1/orders/oco', { ...oco, take_profit: { price: '95' } }, 'take_profit.price', 'take_profit_side'],
  ['an OCO stop the market has already reached', '/api/v1/orders/oco', { ...oco, stop_loss: { stop_price: '101' } }, 'stop_loss.stop_price', 'stop_triggers_at_once'],
  ['an OCO stop-limit whose limit is beyond its stop', '/api/v1/orders/oco', { ...oco, stop_loss: { stop_price: '90', price: '91' } }, 'stop_loss.price', 'stop_limit_within_stop'],
  ['a reduce-only OCO larger than the position', '/api/v1/orders/oco', { ...oco, quantity: '2', reduce_only: true }, 'quantity', 'oco_within_position'],
  ['a reduce-only OCO on the side that grows the position', '/api/v1/orders/oco', { ...oco, side: 'buy', take_profit: { price: '90' }, stop_loss: { stop_price: '110' }, reduce_only: true }, 'quantity', 'oco_within_position'],
  ['a market entry whose take profit is on the wrong side of the market', '/api/v1/orders', { ...entry, take_profit: { price: '95' } }, 'take_profit.price', 'take_profit_side'],
  ['a market entry whose stop the market has already reached', '/api/v1/orders', { ...entry, stop_loss: { stop_price: '101' } }, 'stop_loss.stop_price', 'stop_triggers_at_once'],
  ['a limit entry whose take profit is on the wrong side of its price', '/api/v1/orders', { ...entry, type: 'limit', price: '99', take_profit: { price: '98' } }, 'take_profit.price', 'take_profit_side'],
  ['a limit entry whose take profit is not beyond its stop', '/api/v1/orders', { ...entry, type: 'limit', price: '99', take_profit: { price: '105' }, stop_loss: { stop_price: '106' } }, 'take_profit.price', 'take_profit_beyond_stop'],
  ['exits on a stop entry', '/api/v1/orders', { ...entry, type: 'stop_market', stop_price: '105', take_profit: { price: '120' } }, 'take_profit', 'entry_type'],
  ['exits on a reduce-only order', '/api/v1/orders', { ...entry, side: 'sell', reduce_only: true, stop_loss: { stop_price: '110' } }, 'reduce_only', 'entry_type'],
  ['trailing terms on a limit order', '/api/v1/orders', { ...entry, type: 'limit', price: '99', trailing_offset: '5', trailing_unit: 'percent' }, 'trailing_offset', 'trailing_stop_only'],
  ['a trailing offset of 0 %', '/api/v1/orders', { ...trailing, trailing_offset: '0', trailing_unit: 'percent' }, 'trailing_offset', 'trailing_offset_positive'],
  ['a negative trailing offset', '/api/v1/orders', { ...trailing, trailing_offset: '-1', trailing_unit: 'price' }, 'trailing_offset', 'trailing_offset_positive'],
  ['a trailing offset of 0 in price', '/api/v1/orders', { ...trailing, trailing_offset: '0', trailing_unit: 'price' }, 'trailing_offset', 'trailing_offset_positive'],
  ['a trailing offset of 100 %', '/api/v1/orders', { ...trailing, trailing_offset: '100', trailing_unit: 'percent' }, 'trailing_offset', 'trailing_offset_below_100_percent'],
  ['a trailing offset of 150 %', '/api/v1/orders', { ...trailing, trailing_offset: '150', trailing_unit: 'percent' }, 'trailing_offset', 'trailing_offset_below_100_percent'],
  ['protecting a position with a trailing offset of 0', '/api/v1/positions/protect', { ...base, trailing: { offset: '0', unit: 'percent' } }, 'trailing.offset', 'trailing_offset_positive'],
  ['protecting a position with a trailing offset of 100 %', '/api/v1/positions/protect', { ...base, trailing: { offset: '100', unit: 'percent' } }, 'trailing.offset', 'trailing_offset_below_100_percent'],
  ['protecting a position with a take profit on the wrong side', '/api/v1/positions/protect', { ...base, take_profit: { price: '95' }, stop_loss: { stop_price: '90' } }, 'take_profit.price', 'take_profit_side'],
];

describe('a 400 naming the field and the rule; nothing placed', () => {
  it.each(cases)('%s', async (_name, path, body, field, rule) => {
    const before = (await h.engine.call('orders.list', { status: 'all' }, ctx)).length;
    const res = await rest.post(path, body, { key: KEY });
    expect(res.status, res.body).toBe(400);
    const error = (res.json as { error: { code: string; message: string; details?: { field?: string; rule?: string } } }).error;
    expect([error.details?.field, error.details?.rule], error.message).toEqual([field, rule]);
    expect(error.message.length).toBeGreaterThan(10);
    expect((await h.engine.call('orders.list', { status: 'all' }, ctx)).length).toBe(before);
    expect(h.engine.oms.activeOrders()).toEqual([]);
    expect(h.engine.oms.heldTriggers).toBe(0);
  });
});
