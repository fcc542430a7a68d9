/**
 * Issue 15 (the REST/WS hot path): an event's data is made only when a
 * listener reads it, once for all listeners. The WebSocket hub reads it only
 * for channels someone watches, so the ~8 events of a market order cost no
 * DTOs while no client is subscribed; a copy of the event still carries it.
 */
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src-common/contract/events.js';
import { Journal } from '../../src-main/engine/journal.js';
import { MemoryStore } from '../../src-main/backtest/memory-store.js';

function journalWith(...listeners: Array<(e: EngineEvent) => void>) {
  const errors: unknown[] = [];
  const journal = new Journal(new MemoryStore(), (err) => errors.push(err));
  for (const l of listeners) journal.subscribe(l);
  return { journal, errors };
}

describe('Journal events', () => {
  it('makes no data for an event no listener reads', async () => {
    let made = 0;
    const kinds: string[] = [];
    const { journal } = journalWith((e) => kinds.push(e.kind));
    journal.publish('orders', 'orders', () => (made++, { id: 'O-1' }) as never);
    await journal.durable();
    expect(kinds).toEqual(['orders']);
    expect(made).toBe(0);
  });

  it('makes it once for every listener that reads it, and a copy carries it', async () => {
    let made = 0;
    const seen: unknown[] = [];
    const copies: unknown[] = [];
    const { journal } = journalWith(
      (e) => seen.push(e.data),
      (e) => seen.push(e.data),
      // what the desktop shell's IPC does to it, and a spread
      (e) => copies.push(structuredClone(e), { ...e }),
    );
    journal.publish('orders', 'orders', () => (made++, { id: 'O-1' }) as never);
    await journal.durable();
    expect(made).toBe(1);
    expect(seen).toEqual([{ id: 'O-1' }, { id: 'O-1' }]);
    expect(seen[0]).toBe(seen[1]);
    expect(copies).toEqual([
      { kind: 'orders', channel: 'orders', data: { id: 'O-1' } },
      { kind: 'orders', channel: 'orders', data: { id: 'O-1' } },
    ]);
  });

  it('a data function that throws fails the listeners that read it, not the others nor the next events', async () => {
    const got: string[] = [];
    const { journal, errors } = journalWith(
      (e) => got.push(`a ${JSON.stringify(e.data)}`),
      (e) => got.push(`b ${e.kind}`),
    );
    journal.publish('orders', 'orders', () => {
      throw new Error('broken dto');
    });
    journal.publish('fills', 'fills', () => ({ id: 'F-1' }) as never);
    await journal.durable();
    expect(got).toEqual(['b orders', 'a {"id":"F-1"}', 'b fills']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['broken dto']);
  });
});
