/**
 * The wall clock set a day forward and back again (NTP, a user, a resumed
 * VM), with an injected clock: what measures durations must not notice, and
 * what lists "newest first" must keep the order things happened in.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ctx, startHarness, SYMBOL, type Harness } from '../helpers/engine-harness.js';

const DAY = 86_400_000;
let h: Harness;
afterEach(async () => h?.dispose());

const place = (cid: string) => h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'limit', price: '90', quantity: '0.1', client_order_id: cid }, ctx);

describe('a wall clock set a day forward and back', () => {
  it('max_orders_per_second keeps refilling at its rate: orders pass a second after the jump back, not a day', async () => {
    h = await startHarness();
    h.engine.risk.setLimits({ limits: { max_orders_per_second: '2' } });
    await place('a1');
    await place('a2');
    await expect(place('a3')).rejects.toMatchObject({ code: 'RISK_REJECTED', details: { rule: 'max_orders_per_second' } });

    h.clock.jump(DAY);
    h.clock.advance(1_000);
    await place('b1');
    await place('b2');
    h.clock.jump(-DAY);
    h.clock.advance(1_000);
    // a second has passed since the last burst, whatever the wall clock says
    await place('c1');
    await place('c2');
    await expect(place('c3')).rejects.toMatchObject({ details: { rule: 'max_orders_per_second' } });
    h.clock.advance(500);
    await place('c4');
    // the usage the risk screen shows is read from the same bucket
    const usage = (await h.engine.call('risk.get', {}, ctx)).usage.orders_per_second;
    expect(usage).toEqual([{ account: null, symbol: null, value: '2', limit: '2' }]);
  });

  it('uptime counts the time that passed, not the jumps', async () => {
    h = await startHarness();
    h.clock.advance(1_000);
    h.clock.jump(DAY);
    h.clock.advance(1_000);
    expect((await h.engine.call('health', {}, ctx)).uptime_ms).toBe(2_000);
    h.clock.jump(-2 * DAY);
    h.clock.advance(1_000);
    expect((await h.engine.call('health', {}, ctx)).uptime_ms).toBe(3_000);
    expect(h.engine.stats().uptime_ms).toBe(3_000);
  });

  it('orders are listed newest first in the order they were placed, not by their wall-clock time', async () => {
    h = await startHarness();
    await place('first');
    h.clock.jump(DAY);
    await place('second-day-ahead');
    h.clock.jump(-DAY);
    h.clock.advance(1);
    await place('third-clock-back');
    const listed = await h.engine.call('orders.list', { status: 'all', limit: 10 }, ctx);
    expect(listed.map((o) => o.client_order_id)).toEqual(['third-clock-back', 'second-day-ahead', 'first']);
    const open = await h.engine.call('orders.list', { status: 'open', limit: 10 }, ctx);
    expect(open.map((o) => o.client_order_id)).toEqual(['third-clock-back', 'second-day-ahead', 'first']);
    // and after a restart (the projections as stored)
    h = await h.restart();
    expect((await h.engine.call('orders.list', { status: 'all', limit: 10 }, ctx)).map((o) => o.client_order_id)).toEqual(['third-clock-back', 'second-day-ahead', 'first']);
  });
});
