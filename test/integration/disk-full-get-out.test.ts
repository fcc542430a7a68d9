/**
 * Issue 9 items 15/16, the trader's way out: while the store cannot be written
 * (disk full) cancels, cancel-all and the kill switch (with flatten) still go
 * through, their journal entries held in memory and said to be not yet
 * durable; new orders stay refused; /health says degraded with why. Once the
 * disk has room everything held is committed, and a restart on the same
 * store shows the cancels and the flattening fills.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { CallContext } from '../../src-common/contract/methods.js';
import { ManualClock } from '../../src-main/engine/ports/clock.js';
import { createRuntime, type Runtime } from '../../src-main/runtime.js';
import { MemorySecretStore } from '../../src-main/secrets/secret-store.js';
import { SqliteStore } from '../../src-main/store/sqlite-store.js';
import { diskFull } from '../../src-main/store/store-errors.js';
import { FakeFeed, instrumentSpec } from '../helpers/fake-feed.js';

const SYMBOL = 'BTC/USDT';
const OTHER = 'ETH/USDT';
const ctx = { actor: 'test' };
const cleanups: Array<() => void> = [];
afterAll(() => cleanups.reverse().forEach((c) => c()));

async function runtime(dataDir: string): Promise<{ rt: Runtime; feed: FakeFeed }> {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const spec = { minNotional: '0.5', sizeIncrement: '0.0001', minQuantity: '0.0001' };
  const feed = new FakeFeed([instrumentSpec(SYMBOL, spec), instrumentSpec(OTHER, spec)], { clock });
  for (const symbol of [SYMBOL, OTHER]) feed.pushBook(symbol, [['99.9', '100'], ['99.8', '100']], [['100.1', '100'], ['100.2', '100']]);
  const rt = await createRuntime({
    dataDir,
    marketData: feed,
    clock,
    secrets: new MemorySecretStore(),
    reconcile: { intervalMs: 0 },
    storeProbeMs: 20,
    storeOptions: { minFreeBytes: 64 * 1024 },
  });
  return { rt, feed };
}

/** the disk fills up: every commit and every probe says so, until freed */
function injectFullDisk(rt: Runtime, dataDir: string) {
  const disk = { full: false };
  const store = rt.store;
  const commit = store.commit.bind(store);
  const writable = store.writable.bind(store);
  store.commit = () => {
    if (disk.full) throw diskFull(dataDir, 12_345, store.file);
    commit();
  };
  store.writable = (tryWrite) => (disk.full ? diskFull(dataDir, 12_345, store.file) : writable(tryWrite));
  return disk;
}

const limit = (cid: string, price: string, symbol = SYMBOL) =>
  ({ symbol, side: 'buy', type: 'limit', quantity: '0.01', price, client_order_id: cid }) as const;

describe('while the store cannot be written, the trader can still get out', () => {
  it('cancel, cancel-all and the kill switch with flatten go through (not yet durable), new orders are refused, /health is degraded; all committed once there is room', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tern-getout-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const file = join(dataDir, 'tern.db');
    const { rt } = await runtime(dataDir);
    const api = rt.api;
    const disk = injectFullDisk(rt, dataDir);
    let closed = false;
    try {
      const bought = await api.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '0.02', client_order_id: 'buy-1' }, ctx);
      expect(bought.status).toBe('filled');
      for (const cid of ['rest-1', 'rest-2', 'rest-3']) expect((await api.call('orders.create', limit(cid, '90'), ctx)).status).toBe('open');
      for (const cid of ['other-1', 'other-2']) expect((await api.call('orders.create', limit(cid, '90', OTHER), ctx)).status).toBe('open');
      expect((await api.call('health', {}, ctx)).status).toBe('ok');

      // the disk fills up: the next new order is refused and trading halts
      disk.full = true;
      await expect(api.call('orders.create', limit('refused-1', '90'), ctx)).rejects.toMatchObject({ code: 'VENUE_UNAVAILABLE', details: { path: file } });
      expect((await api.call('risk.get', {}, ctx)).state).toBe('HALTED');

      // /health: alive, but not a plain "ok"
      const health = await api.call('health', {}, ctx);
      expect(health.status).toBe('degraded');
      expect(health.reason).toContain('disk full');
      expect(health.reason).toContain(file);

      // a single cancel goes through, and says it is not durable yet
      const notices: string[] = [];
      const noting: CallContext = { actor: 'test', onNotDurable: (why) => notices.push(why) };
      const canceled = await api.call('orders.cancel', { id: 'rest-1' }, noting);
      expect(canceled.status).toBe('canceled');
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(/^the store cannot be written \(disk full: .*\): this change is held in memory/);

      // cancel-all on one symbol, then the kill switch for the rest and the position
      const all = await api.call('orders.cancelAll', { symbol: OTHER }, noting);
      expect(all.failed).toEqual([]);
      expect(all.canceled).toHaveLength(2);
      expect(notices).toHaveLength(2);
      for (const cid of ['rest-5', 'rest-6']) {
        // still refused: new orders wait for the disk
        await expect(api.call('orders.create', limit(cid, '90'), ctx)).rejects.toMatchObject({ code: 'VENUE_UNAVAILABLE' });
      }
      // and every other write
      await expect(api.call('keys.create', { name: 'k', scopes: ['read'] }, ctx)).rejects.toMatchObject({ code: 'VENUE_UNAVAILABLE' });

      const report = await api.call('risk.killSwitch', { reason: 'get out', flatten: true }, noting);
      expect(report.state).toBe('HALTED');
      expect(report.failed).toEqual([]);
      expect(report.canceled).toHaveLength(2);
      expect(report.flattened).toHaveLength(1);
      expect(report.flattened[0]).toMatchObject({ symbol: SYMBOL, quantity: '0.02' });
      expect(notices).toHaveLength(3);
      const flat = (await api.call('positions.list', { symbol: SYMBOL }, ctx)).find((p) => p.symbol === SYMBOL);
      expect(flat?.quantity ?? '0').toMatch(/^0(\.0+)?$/);
      expect((await api.call('orders.get', { id: report.flattened[0]!.order_id }, ctx)).status).toBe('filled');
      expect(rt.store.pending).toBeGreaterThan(0);

      // room again: the held batch is committed by the probe; the kill switch's HALTED stays
      disk.full = false;
      await vi.waitFor(() => expect(rt.store.pending).toBe(0), { timeout: 10_000, interval: 20 });
      expect((await api.call('health', {}, ctx)).status).toBe('ok');
      const risk = await api.call('risk.get', {}, ctx);
      expect(risk.state).toBe('HALTED');
      expect(risk.reason).toBe('kill switch: get out');
      await rt.close();
      closed = true;
    } finally {
      if (!closed) await rt.close().catch(() => {});
    }

    // the store has it all
    const store = SqliteStore.open(file, { backgroundCheckpoints: false });
    try {
      expect(store.verify()).toEqual({ ok: true, mismatches: [] });
    } finally {
      store.close();
    }
    // and a restart on it shows the cancels, the flattening fill and the kill switch's halt
    const { rt: again } = await runtime(dataDir);
    try {
      for (const cid of ['rest-1', 'rest-2', 'rest-3', 'other-1', 'other-2']) expect((await again.api.call('orders.get', { id: cid }, ctx)).status, cid).toBe('canceled');
      expect(await again.api.call('orders.list', { status: 'open' }, ctx)).toEqual([]);
      const sells = (await again.api.call('fills.list', { symbol: SYMBOL }, ctx)).filter((f) => f.side === 'sell');
      expect(sells.map((f) => f.quantity)).toEqual(['0.02']);
      const position = (await again.api.call('positions.list', { symbol: SYMBOL }, ctx)).find((p) => p.symbol === SYMBOL);
      expect(position?.quantity ?? '0').toMatch(/^0(\.0+)?$/);
      expect((await again.api.call('risk.get', {}, ctx)).state).toBe('HALTED');
    } finally {
      await again.close();
    }
  }, 30_000);
});
