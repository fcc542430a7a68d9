/**
 * Reconciliation leaves the stops Tern holds alone (issue 12): on Binance
 * spot a trailing stop is held by Tern (ccxt unifies no trailing stop there),
 * so by design the exchange has no order with its client id. Live on the
 * loopback simulator with the real ccxt class, a reconciliation run — asked
 * for, on a timer, and the one at start after a restart — neither cancels,
 * rejects nor flags it, sends nothing for it, and it still fires when the
 * market reaches it; the order it becomes is reconciled like any other.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectConsistent, startSimTern, until, type SimTern } from '../venues/ccxt/sim-harness.js';

let h: SimTern;

beforeAll(async () => {
  h = await startSimTern({ balances: { USDT: '100000', BTC: '0' } });
  h.sim.control.setPrice('BTC/USDT', '60000');
  const buy = await h.call('orders.create', { account: 'bn', symbol: 'BTC/USDT', side: 'buy', type: 'market', quantity: '0.5', client_order_id: 'rh-entry' });
  expect(buy.status).toBe('filled');
}, 30_000);

afterAll(async () => {
  await h?.close();
});

const order = (id: string) => h.call('orders.get', { id });
const mentions = (texts: string[], cid: string) => texts.filter((t) => t.includes(cid));

it('a trailing stop held by Tern is on no exchange; reconciliation — asked for and after a restart — keeps it working, untouched', async () => {
  const trail = await h.call('orders.create', {
    account: 'bn', symbol: 'BTC/USDT', side: 'sell', type: 'trailing_stop', quantity: '0.2', trailing_offset: '1000', trailing_unit: 'price', reduce_only: true, client_order_id: 'rh-trail',
  });
  expect([trail.status, trail.held_by]).toEqual(['open', 'tern']);
  // 1000 below the last trade, which is at the mid or a step off it
  expect(Math.abs(Number(trail.stop_price) - 59000)).toBeLessThan(50);
  expect(h.sim.control.orders({ apiKey: h.apiKey, clientOrderId: 'rh-trail' })).toEqual([]);

  const report = await h.call('reconcile.run', { account: 'bn' });
  expect(report.fixed.filter((f) => f.client_order_id === 'rh-trail')).toEqual([]);
  expect(mentions(report.unresolved, 'rh-trail')).toEqual([]);
  expect((await order('rh-trail')).status).toBe('open');

  const stop = (await order('rh-trail')).stop_price;
  // after a restart the reconciliation at start sees the same: the exchange has nothing, Tern's journal is its truth
  await h.restart();
  const again = await h.call('reconcile.run', { account: 'bn' });
  expect(again.fixed.filter((f) => f.client_order_id === 'rh-trail')).toEqual([]);
  expect(mentions(again.unresolved, 'rh-trail')).toEqual([]);
  const back = await order('rh-trail');
  expect([back.status, back.held_by, back.stop_price]).toEqual(['open', 'tern', stop]);
  // nothing was ever asked of the exchange for it
  const sent = h.sim.control.requests().filter((r) => JSON.stringify(r.params).includes('rh-trail'));
  expect(sent).toEqual([]);
}, 60_000);

it('the trigger still works after those runs: it fires as a market order under its own client id, and reconciliation agrees with the exchange', async () => {
  h.sim.control.setPrice('BTC/USDT', '58500');
  await until(async () => (await order('rh-trail')).status === 'filled', 'the trailing stop fired and filled', 15_000).catch(async (e: unknown) => {
    throw new Error(`${String(e)}: ${JSON.stringify(await order('rh-trail'))}\n${h.logs.slice(-20).join('\n')}`);
  });
  expect(h.sim.control.orders({ apiKey: h.apiKey, clientOrderId: 'rh-trail' }).map((o) => [o.type, o.status])).toEqual([['MARKET', 'FILLED']]);
  const report = await h.call('reconcile.run', { account: 'bn' });
  expect(report.unresolved).toEqual([]);
  await expectConsistent(h);
  const pos = (await h.call('positions.list', { account: 'bn' })).find((p) => p.symbol === 'BTC/USDT');
  expect(Number(pos?.quantity)).toBeCloseTo(0.3, 10);
}, 30_000);

it('a fired stop whose market order got no answer and never reached the exchange: reconciliation sends it once its grace is over, under the same client id', async () => {
  h.sim.control.setPrice('BTC/USDT', '60000');
  const trail = await h.call('orders.create', {
    account: 'bn', symbol: 'BTC/USDT', side: 'sell', type: 'trailing_stop', quantity: '0.1', trailing_offset: '1000', trailing_unit: 'price', reduce_only: true, client_order_id: 'rh-lost',
  });
  expect(trail.held_by).toBe('tern');
  // the connection drops before the exchange handles the fired stop's order: it never reached it
  h.sim.control.addFault({ kind: 'reset', endpoint: 'POST /api/v3/order', params: { newClientOrderId: 'rh-lost' }, times: 1 });
  h.sim.control.setPrice('BTC/USDT', '58500');
  await until(() => h.logs.some((l) => l.includes('rh-lost') || l.includes(trail.id)), 'the fired stop got no answer', 10_000);
  expect(h.sim.control.orders({ apiKey: h.apiKey, clientOrderId: 'rh-lost' })).toEqual([]);
  expect((await order('rh-lost')).status).toBe('open');
  // past the grace for an order the exchange never heard of
  await new Promise((r) => setTimeout(r, 1500));
  const report = await h.call('reconcile.run', { account: 'bn' });
  expect(mentions(report.unresolved, 'rh-lost'), JSON.stringify(report)).toEqual([]);
  expect(report.fixed.filter((f) => f.client_order_id === 'rh-lost').map((f) => f.kind)).toEqual(['order_lost']);
  await until(async () => (await order('rh-lost')).status === 'filled', 'the stop sent again and filled', 10_000);
  // one order on the exchange (the first request was never handled), one fill in Tern
  expect(h.sim.control.orders({ apiKey: h.apiKey, clientOrderId: 'rh-lost' }).map((o) => [o.type, o.status])).toEqual([['MARKET', 'FILLED']]);
  const fills = (await h.call('fills.list', { account: 'bn', limit: 1000 })).filter((f) => f.client_order_id === 'rh-lost');
  expect(fills.map((f) => f.quantity)).toEqual(['0.1']);
  expect((await h.call('reconcile.run', { account: 'bn' })).unresolved).toEqual([]);
}, 40_000);
