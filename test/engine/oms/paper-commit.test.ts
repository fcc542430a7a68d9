import { afterEach, describe, expect, it } from 'vitest';
import { diskFull } from '../../../src-main/store/store-errors.js';
import { ctx, type Harness, startHarness, SYMBOL } from '../../helpers/engine-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});

/** counts the commits that wrote orders, and which client order ids are durable */
function watchCommits(harness: Harness) {
  const store = harness.store;
  const commit = store.commit.bind(store);
  const durable = new Set<string>();
  const seen = { commits: 0 };
  store.commit = () => {
    const from = store.journalSeq + 1;
    const pending = store.pending;
    commit();
    if (pending === 0) return;
    let orders = 0;
    for (const e of store.journal(from)) {
      if (e.entry.type !== 'order') continue;
      durable.add(e.entry.order.clientOrderId);
      orders += 1;
    }
    if (orders > 0) seen.commits += 1;
  };
  return { durable, seen };
}

describe('an order on the paper venue (in process)', () => {
  it('goes out with one commit holding all it journals, and its ack comes only after that commit', async () => {
    h = await startHarness();
    const { durable, seen } = watchCommits(h);
    const acks = await Promise.all(
      ['a', 'b', 'c'].map(async (cid) => {
        const order = await h!.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '0.1', client_order_id: cid }, ctx);
        // at the ack, its entries are already committed
        return { cid, status: order.status, durableAtAck: durable.has(cid) };
      }),
    );
    expect(acks).toEqual(['a', 'b', 'c'].map((cid) => ({ cid, status: 'filled', durableAtAck: true })));
    // three orders in flight together: one group commit (was two: each order's initialize, then the rest)
    expect(seen.commits).toBe(1);
    const events = [...h.store.journal()].filter((e) => e.entry.type === 'order' && e.entry.order.clientOrderId === 'a').map((e) => (e.entry as { event: string }).event);
    expect(events).toEqual(['initialize', 'submit', 'accept', 'fill']);
  });

  it('is not sent when the store looks unwritable: rejected as never sent, as for any venue', async () => {
    h = await startHarness();
    const store = h.store;
    const { commit, writable } = store;
    const full = diskFull('/tmp', 1, store.file);
    store.writable = () => full;
    store.commit = () => {
      throw full;
    };
    await expect(h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'limit', price: '90', quantity: '0.1', client_order_id: 'x' }, ctx)).rejects.toMatchObject({
      code: 'VENUE_UNAVAILABLE',
    });
    // the paper venue never saw it
    expect(h.venues.get('paper')!.openOrders().map((o) => o.clientOrderId)).toEqual([]);
    // once there is room again, the store has it rejected as never sent
    store.commit = commit;
    store.writable = writable;
    expect(h.engine.journal.retryStore()).toBe(true);
    expect(store.getOrder('x')).toMatchObject({ state: 'rejected', rejectReason: expect.stringMatching(/^not sent: /) });
  });

  it('is answered inside the call (createOrderNow): no promise of the venue waited on, filled and durable at the ack', async () => {
    h = await startHarness();
    const { durable } = watchCommits(h);
    const venue = h.venues.get('paper')!;
    venue.createOrder = () => Promise.reject(new Error('the in-process venue is asked inside the call, not through its promise'));
    const order = await h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '0.1', client_order_id: 'now' }, ctx);
    expect(order.status).toBe('filled');
    expect(durable.has('now')).toBe(true);
  });

  it('a refusal answered inside the call settles the order as one answered through the promise does', async () => {
    const refuse = async (inCall: boolean) => {
      h = await startHarness({ balance: '10' });
      if (!inCall) Object.assign(h.venues.get('paper')!, { createOrderNow: undefined });
      const outcome = await h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'limit', price: '90', quantity: '1', client_order_id: 'poor' }, ctx).catch((err: unknown) => err);
      await h.engine.journal.durable();
      const stored = h.store.getOrder('poor');
      await h.dispose();
      h = undefined;
      return { outcome, state: stored?.state, reason: stored?.rejectReason };
    };
    const now = await refuse(true);
    expect(now.state).toBe('rejected');
    expect(now.reason).toMatch(/insufficient USDT/);
    expect(now).toEqual(await refuse(false));
  });
});
