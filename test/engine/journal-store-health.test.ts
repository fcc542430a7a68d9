/**
 * Issue 9 items 15/16, the journal's part: while the store cannot be written
 * the batch stays pending (nothing is dropped), waiters get the typed
 * StoreUnwritable, market and status events still go out while order, fill,
 * position and balance events wait for their commit (positions coalesced,
 * so a long halt does not pile them up), and one retry that works commits
 * everything and sends what was held, in order.
 */
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src-common/contract/events.js';
import { Journal } from '../../src-main/engine/journal.js';
import { StoreUnwritable } from '../../src-main/engine/ports/store.js';
import { MemoryStore } from '../../src-main/backtest/memory-store.js';

function fullableStore() {
  const store = new MemoryStore();
  const state = { full: false, commits: 0 };
  const problem = () => new StoreUnwritable('disk full: 0.0 MB free on /data', '/data/tern.db');
  const commit = store.commit.bind(store);
  store.commit = () => {
    if (state.full) throw problem();
    state.commits += 1;
    commit();
  };
  const fullable = store as MemoryStore & { writable(tryWrite: boolean): StoreUnwritable | null };
  fullable.writable = () => (state.full ? problem() : null);
  return { store: fullable, state };
}

const order = (id: string) => ({ id }) as never;
const position = (symbol: string, quantity: string) => ({ account: 'paper', symbol, quantity }) as never;

describe('Journal with a store that cannot be written', () => {
  it('holds the batch and the events that describe it, lets live ones through, and sends everything once a retry commits', async () => {
    const { store, state } = fullableStore();
    const health: string[] = [];
    const journal = new Journal(store);
    journal.onStoreHealth({ unwritable: (p) => health.push(`unwritable: ${p.reason}`), writable: () => health.push('writable') });
    const seen: EngineEvent[] = [];
    journal.subscribe((e) => seen.push(e));

    state.full = true;
    journal.record({ type: 'setting', name: 'x', value: 1, ts: 1 });
    journal.publish('orders', 'orders', () => order('O-1'));
    const waiting = journal.durable();
    await expect(waiting).rejects.toBeInstanceOf(StoreUnwritable);
    await expect(waiting).rejects.toMatchObject({ code: 'VENUE_UNAVAILABLE', details: { path: '/data/tern.db' } });
    expect(journal.unwritable?.reason).toBe('disk full: 0.0 MB free on /data');
    expect(store.pending).toBe(1);
    expect(health).toEqual(['unwritable: disk full: 0.0 MB free on /data']);

    // prices and the trading state still go out; positions wait, coalesced per position
    for (let i = 0; i < 1000; i++) {
      journal.publish('ticker', 'ticker:paper:BTC/USDT', () => ({ last: String(i) }) as never);
      journal.publish('positions', 'positions', () => position('BTC/USDT', String(i)));
      await Promise.resolve();
    }
    journal.publish('risk', 'risk', () => ({ state: 'HALTED' }));
    journal.flushIfWritable();
    expect(seen.filter((e) => e.kind === 'ticker')).toHaveLength(1000);
    expect(seen.filter((e) => e.kind === 'risk')).toHaveLength(1);
    expect(seen.filter((e) => e.kind === 'orders' || e.kind === 'positions')).toHaveLength(0);

    // still full: nothing changes, no second "unwritable"
    expect(journal.retryStore()).toBe(false);
    expect(state.commits).toBe(0);

    state.full = false;
    expect(journal.retryStore()).toBe(true);
    expect(store.pending).toBe(0);
    expect(journal.unwritable).toBeNull();
    expect(health).toEqual(['unwritable: disk full: 0.0 MB free on /data', 'writable']);
    const held = seen.filter((e) => e.kind === 'orders' || e.kind === 'positions');
    expect(held.map((e) => e.kind)).toEqual(['orders', 'positions']);
    expect((held[1]!.data as { quantity: string }).quantity).toBe('999');
    await expect(journal.durable()).resolves.toBeUndefined();
  });

  it('durableOrHeld (cancels, the kill switch): resolves false and keeps the entries pending until the store can be written', async () => {
    const { store, state } = fullableStore();
    const journal = new Journal(store);
    await expect(journal.durableOrHeld()).resolves.toBe(true);
    state.full = true;
    journal.record({ type: 'setting', name: 'cancel', value: 1, ts: 1 });
    await expect(journal.durableOrHeld()).resolves.toBe(false);
    journal.record({ type: 'setting', name: 'cancel-2', value: 2, ts: 2 });
    await expect(journal.durableOrHeld()).resolves.toBe(false);
    expect(store.pending).toBe(2);
    // what is not a way out is still refused
    await expect(journal.durable()).rejects.toBeInstanceOf(StoreUnwritable);
    state.full = false;
    expect(journal.retryStore()).toBe(true);
    expect(store.pending).toBe(0);
    expect(state.commits).toBe(1);
    await expect(journal.durableOrHeld()).resolves.toBe(true);
  });

  it('a store marked unwritable at start: reads flush without throwing, a write is refused without trying the disk', async () => {
    const { store, state } = fullableStore();
    const journal = new Journal(store);
    state.full = true;
    journal.markUnwritable(store.writable(true)!);
    expect(() => journal.flushIfWritable()).not.toThrow();
    journal.record({ type: 'setting', name: 'x', value: 1, ts: 1 });
    expect(() => journal.flush()).toThrow(StoreUnwritable);
    expect(state.commits).toBe(0);
  });
});
