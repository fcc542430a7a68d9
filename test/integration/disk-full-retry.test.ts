/**
 * A placement retried with its client_order_id writes nothing: while the store
 * cannot be written it is still answered with the order placed before (REST's
 * 200), as REST did when it looked the id up itself; a new order stays refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/ports/clock.js';
import { createRuntime } from '../../src-main/runtime.js';
import { MemorySecretStore } from '../../src-main/secrets/secret-store.js';
import { diskFull } from '../../src-main/store/store-errors.js';
import { FakeFeed, instrumentSpec } from '../helpers/fake-feed.js';

const SYMBOL = 'BTC/USDT';
const ctx = { actor: 'test' };
const cleanups: Array<() => void | Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('a retried placement while the store cannot be written', () => {
  it('answers the order placed before (created: false); a new client_order_id is refused', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tern-retry-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const feed = new FakeFeed([instrumentSpec(SYMBOL, { minNotional: '0.5', sizeIncrement: '0.0001', minQuantity: '0.0001' })], { clock });
    feed.pushBook(SYMBOL, [['99.9', '100']], [['100.1', '100']]);
    const rt = await createRuntime({ dataDir, marketData: feed, clock, secrets: new MemorySecretStore(), reconcile: { intervalMs: 0 }, storeProbeMs: 20, storeOptions: { minFreeBytes: 64 * 1024 } });
    const disk = { full: false };
    const store = rt.store;
    const commit = store.commit.bind(store);
    const writable = store.writable.bind(store);
    store.commit = () => {
      if (disk.full) throw diskFull(dataDir, 12_345, store.file);
      commit();
    };
    store.writable = (tryWrite) => (disk.full ? diskFull(dataDir, 12_345, store.file) : writable(tryWrite));
    cleanups.push(() => {
      disk.full = false;
      return rt.close();
    });
    const order = { symbol: SYMBOL, side: 'buy', type: 'limit', quantity: '0.01', price: '90', client_order_id: 'r-1' } as const;
    const placed = await rt.api.answer('orders.create', order, ctx);
    expect(placed.created).toBe(true);

    disk.full = true;
    await expect(rt.api.call('orders.create', { ...order, client_order_id: 'r-2' }, ctx)).rejects.toMatchObject({ code: 'VENUE_UNAVAILABLE' });

    const again = await rt.api.answer('orders.create', order, ctx);
    expect(again).toEqual({ order: placed.order, created: false });
  });
});
