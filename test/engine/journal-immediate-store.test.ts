/**
 * Issue 15 (backtests): a store that commits as it records (a backtest's
 * MemoryStore) needs no group commit: the journal schedules no batch per turn
 * of the event loop for it, durable() is already settled when nothing waits
 * to go out, and events for listeners still leave after what they describe.
 */
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src-common/contract/events.js';
import { Journal } from '../../src-main/engine/journal.js';
import { MemoryStore } from '../../src-main/backtest/memory-store.js';

const order = (id: string) => ({ id, clientOrderId: `c-${id}`, state: 'initialized' }) as never;

describe('Journal on a store that commits as it records', () => {
  it('commits nothing in batches: nothing pending, and durable() is already settled', async () => {
    const store = new MemoryStore({ commitsOnRecord: true });
    const journal = new Journal(store);
    journal.record({ type: 'order', event: 'initialize', order: order('O-1') });
    expect(store.pending).toBe(0);
    expect(store.getOrder('c-O-1')).toMatchObject({ id: 'O-1' });
    // settled before a microtask queued after it runs: no batch was scheduled to wait for
    const first = await Promise.race([journal.durable().then(() => 'durable'), Promise.resolve().then(() => 'a microtask later')]);
    expect(first).toBe('durable');
  });

  it('still sends events to listeners after a microtask, and durable() waits for them', async () => {
    const journal = new Journal(new MemoryStore({ commitsOnRecord: true }));
    const seen: string[] = [];
    journal.subscribe((e: EngineEvent) => seen.push(e.kind));
    journal.record({ type: 'order', event: 'initialize', order: order('O-1') });
    journal.publish('orders', 'orders', () => ({ id: 'O-1' }) as never);
    expect(seen).toEqual([]);
    await journal.durable();
    expect(seen).toEqual(['orders']);
  });

  it('a batching MemoryStore (the default) keeps the group commit', async () => {
    const store = new MemoryStore();
    const journal = new Journal(store);
    journal.record({ type: 'order', event: 'initialize', order: order('O-1') });
    expect(store.pending).toBe(1);
    await journal.durable();
    expect(store.pending).toBe(0);
  });
});
