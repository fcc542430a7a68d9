/**
 * Issue 15 (REST): entries recorded by callbacks of one event-loop round (the
 * requests of several connections that arrive together: each is its own I/O
 * callback, with microtasks run between them) share one commit, made at the
 * end of the round; nobody waiting on durable() goes on, and no event that
 * describes an entry goes out, before that commit.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EngineEvent } from '../../src-common/contract/events.js';
import { Journal } from '../../src-main/engine/journal.js';
import { MemoryStore } from '../../src-main/backtest/memory-store.js';

function countingStore() {
  const store = new MemoryStore();
  const commits: number[] = [];
  const commit = store.commit.bind(store);
  store.commit = () => {
    commits.push(store.pending);
    commit();
  };
  return { store, commits };
}

const setting = (name: string) => ({ type: 'setting' as const, name, value: 1, ts: 1 });

afterEach(() => {
  vi.useRealTimers();
});

describe('Journal group commit across the callbacks of one event-loop round', () => {
  it('entries recorded by three callbacks of the same round are committed together, once; each waiter goes on only after that commit', async () => {
    const { store, commits } = countingStore();
    const journal = new Journal(store);
    const acked: Array<{ name: string; pendingThen: number; commitsThen: number }> = [];
    // one "request" per callback: record, then wait until durable before answering
    const request = (name: string) => async () => {
      journal.record(setting(name));
      await journal.durable();
      acked.push({ name, pendingThen: store.pending, commitsThen: commits.length });
    };
    // callbacks queued together run in one phase of one round, each with its microtasks run after it (as I/O callbacks do)
    const all = new Promise<void>((resolve) => {
      let left = 3;
      for (const name of ['a', 'b', 'c'])
        setImmediate(() => {
          void request(name)().then(() => --left === 0 && resolve());
        });
    });
    await all;
    expect(commits).toEqual([3]);
    expect(acked).toEqual([
      { name: 'a', pendingThen: 0, commitsThen: 1 },
      { name: 'b', pendingThen: 0, commitsThen: 1 },
      { name: 'c', pendingThen: 0, commitsThen: 1 },
    ]);
  });

  it('publishes the events of a round only after its commit, in the order they were published', async () => {
    const { store, commits } = countingStore();
    const journal = new Journal(store);
    const seen: Array<[string, number]> = [];
    journal.subscribe((e: EngineEvent) => seen.push([(e.data as { id: string }).id, commits.length]));
    const seenBefore: unknown[] = [];
    await new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        journal.record(setting('a'));
        journal.publish('orders', 'orders', () => ({ id: 'O-1' }) as never);
      });
      setImmediate(() => {
        seenBefore.push(...seen);
        journal.record(setting('b'));
        journal.publish('orders', 'orders', () => ({ id: 'O-2' }) as never);
      });
      setImmediate(() => journal.durable().then(resolve, reject));
    });
    expect(seenBefore).toEqual([]);
    expect(commits).toEqual([2]);
    expect(seen).toEqual([
      ['O-1', 1],
      ['O-2', 1],
    ]);
  });

  it('what a waiter records after its commit goes in the next round’s commit', async () => {
    const { store, commits } = countingStore();
    const journal = new Journal(store);
    journal.record(setting('a'));
    await journal.durable();
    journal.record(setting('b'));
    journal.record(setting('c'));
    await journal.durable();
    expect(commits).toEqual([1, 2]);
    expect(store.pending).toBe(0);
  });

  it('a test’s fake timers do not hold the commit back', async () => {
    vi.useFakeTimers();
    const { store, commits } = countingStore();
    const journal = new Journal(store);
    journal.record(setting('a'));
    await journal.durable();
    expect(commits).toEqual([1]);
  });
});
