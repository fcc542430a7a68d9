import type { EngineEvent, EventData, EventKind } from '../../src-common/contract/events.js';
import { type EngineStore, type JournalEntry, StoreUnwritable } from './ports/store.js';

/**
 * Events that describe no journal entry (prices, account and job status, the
 * trading state): while the store cannot be written they still go out, so
 * the trader sees prices and why trading halted. Order, fill, position and
 * balance events wait for their commit.
 */
const LIVE_KINDS: ReadonlySet<EventKind> = new Set<EventKind>(['book', 'ticker', 'trades', 'candles', 'accounts', 'downloads', 'risk']);

/**
 * The check phase's scheduler, taken at load: a test's fake timers replace the
 * global later and would otherwise hold every commit until they are advanced.
 */
const atEndOfRound: (fn: () => void) => void = globalThis.setImmediate.bind(globalThis);

/** what durable() answers when nothing is pending (a store that commits as it records) */
const DONE: Promise<void> = Promise.resolve();

type Held = { kind: EventKind; channel: string; data: () => unknown };

/**
 * Positions are published on every tick: held for hours while the disk is
 * full they would pile up. Each carries the whole position (and a balance
 * the whole balance), so only the newest per position or balance is kept.
 */
function coalesceSnapshots(held: Held[]): Held[] {
  const newest = new Map<string, number>();
  const keyed: Array<string | null> = held.map((e, i) => {
    if (e.kind !== 'positions' && e.kind !== 'balances') return null;
    let value: { account?: string; symbol?: string; asset?: string };
    try {
      value = e.data() as typeof value;
    } catch {
      return null;
    }
    held[i] = { ...e, data: () => value };
    const key = `${e.kind}|${value.account}|${value.symbol ?? value.asset}`;
    newest.set(key, i);
    return key;
  });
  return held.filter((_, i) => keyed[i] === null || newest.get(keyed[i]!) === i);
}

/**
 * An event whose data (a DTO: decimals formatted, objects copied) is made the
 * first time a listener reads it, once for all of them: most events of an
 * order go to channels no WebSocket client watches, and the hub reads `data`
 * only for a channel someone is subscribed to. An own enumerable getter, so a
 * copy (spread, JSON, IPC's structured clone) still carries the data. A
 * `data()` that throws, throws to each listener that reads it (each listener's
 * failure is reported; the hub sends nothing for it).
 */
function lazyEvent(pending: Held): EngineEvent {
  let made = false;
  let value: unknown;
  let failure: unknown = null;
  return {
    kind: pending.kind,
    channel: pending.channel,
    get data() {
      if (!made) {
        made = true;
        try {
          value = pending.data();
        } catch (err) {
          failure = err ?? new Error('event data failed');
        }
      }
      if (failure !== null) throw failure;
      return value;
    },
  } as EngineEvent;
}

export interface StoreHealthListener {
  /** the store cannot be written: what was recorded stays pending */
  unwritable(problem: StoreUnwritable): void;
  /** it can again: everything pending is committed */
  writable(): void;
}

/**
 * Group commit and the outbox. Entries recorded during one round of the event
 * loop are committed together in one transaction at the end of the round (the
 * check phase): the requests of several connections that arrive together are
 * each an I/O callback of their own, and share that commit. Events that
 * describe the entries are published only after it, so nothing leaves the
 * process before it is durable. Callers that must not go on before their
 * entries are durable (an order about to be sent to a venue, an ack to a
 * client) await `durable()`. Events while nothing waits to be committed (prices,
 * statuses), and a store that commits as it records (a backtest), have no
 * batch to wait for: they go out in a microtask.
 */
export class Journal {
  /** events waiting for the commit; their data is made only if someone listens */
  private outbox: Array<{ kind: EventKind; channel: string; data: () => unknown }> = [];
  private scheduled: Promise<void> | null = null;
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private failure: Error | null = null;
  private unwritableProblem: StoreUnwritable | null = null;
  private health: StoreHealthListener | null = null;

  /** the store commits as it records (EngineStore.commitsOnRecord): no batch to schedule per turn */
  private readonly immediate: boolean;

  constructor(private readonly store: EngineStore, private readonly onListenerError: (err: unknown) => void = () => {}) {
    this.immediate = store.commitsOnRecord === true;
  }

  record(entry: JournalEntry): void {
    this.store.record(entry);
    if (!this.immediate) this.schedule();
  }

  /**
   * An event for after the commit. `data` is called at most once, only when
   * there are listeners, so it must read immutable records (ours are).
   */
  publish<K extends EventKind>(kind: K, channel: string, data: () => EventData<K>): void {
    if (this.listeners.size === 0) return;
    this.outbox.push({ kind, channel, data });
    this.schedule();
  }

  /** resolves once everything recorded so far is committed (rejects if the store failed) */
  durable(): Promise<void> {
    // a backtest's store: what was recorded is committed; events waiting (for listeners) still go out in a microtask first
    if (this.immediate && this.scheduled === null && this.outbox.length === 0 && this.failure === null) return DONE;
    return this.schedule();
  }

  /**
   * For what must go through even while the store cannot be written (cancels,
   * the kill switch): like `durable()`, but then resolves false instead of
   * rejecting; the entries stay in the pending batch, in memory, and are
   * committed with it once the store can be written. A store that failed for
   * good still rejects.
   */
  async durableOrHeld(): Promise<boolean> {
    try {
      await this.schedule();
      return true;
    } catch (err) {
      if (err instanceof StoreUnwritable && !this.failure) return false;
      throw err;
    }
  }

  /**
   * Commit now, synchronously. While the store cannot be written (see
   * `unwritable`) nothing is tried here (the engine's probe retries) and it
   * throws the StoreUnwritable; the entries stay pending.
   */
  flush(): void {
    if (this.failure) throw this.failure;
    if (this.store.pending > 0) {
      if (this.unwritableProblem) {
        this.deliver(true);
        throw this.unwritableProblem;
      }
      try {
        this.store.commit();
      } catch (err) {
        if (err instanceof StoreUnwritable) {
          this.enterUnwritable(err);
          this.deliver(true);
          throw err;
        }
        this.failure = err instanceof Error ? err : new Error(String(err));
        throw this.failure;
      }
    }
    this.deliver(false);
  }

  /** Commit if the store can be written; reads then see the committed state (without what is still pending). */
  flushIfWritable(): void {
    try {
      this.flush();
    } catch (err) {
      if (!(err instanceof StoreUnwritable)) throw err;
    }
  }

  /**
   * Whether a commit now should go through, as far as can be told without
   * writing: not failed, not known unwritable, room on the disk. An order for
   * an in-process venue is sent before its first commit only then (oms.ts).
   */
  get likelyWritable(): boolean {
    if (this.failure || this.unwritableProblem) return false;
    return (this.store.writable?.(false) ?? null) === null;
  }

  /** why the store cannot be written now, or null */
  get unwritable(): StoreUnwritable | null {
    return this.unwritableProblem;
  }

  onStoreHealth(listener: StoreHealthListener): void {
    this.health = listener;
  }

  /** The store said it cannot be written (at start, or a probe): no commit is tried until `retryStore` succeeds. */
  markUnwritable(problem: StoreUnwritable): void {
    this.enterUnwritable(problem);
  }

  /**
   * Asks the store again: enough room and (with nothing pending) a small
   * write, then the pending batch. True once everything is committed; the
   * events held back go out then.
   */
  retryStore(): boolean {
    if (this.failure) return false;
    if (!this.unwritableProblem) return true;
    let problem = this.store.writable?.(this.store.pending === 0) ?? null;
    if (!problem && this.store.pending > 0) {
      try {
        this.store.commit();
      } catch (err) {
        if (!(err instanceof StoreUnwritable)) {
          this.failure = err instanceof Error ? err : new Error(String(err));
          return false;
        }
        problem = err;
      }
    }
    if (problem) {
      this.unwritableProblem = problem;
      return false;
    }
    this.unwritableProblem = null;
    this.health?.writable();
    this.flushIfWritable();
    return true;
  }

  private enterUnwritable(problem: StoreUnwritable): void {
    const first = this.unwritableProblem === null;
    this.unwritableProblem = problem;
    if (first) this.health?.unwritable(problem);
  }

  /** publishes the outbox; `liveOnly`: only LIVE_KINDS, the rest stays in order for after the commit */
  private deliver(liveOnly: boolean): void {
    if (this.outbox.length === 0) return;
    let out = this.outbox;
    if (liveOnly) {
      out = this.outbox.filter((e) => LIVE_KINDS.has(e.kind));
      this.outbox = coalesceSnapshots(this.outbox.filter((e) => !LIVE_KINDS.has(e.kind)));
      if (out.length === 0) return;
    } else {
      this.outbox = [];
    }
    for (const pending of out) {
      const event = lazyEvent(pending);
      for (const listener of this.listeners) {
        try {
          listener(event);
        } catch (err) {
          this.onListenerError(err);
        }
      }
    }
  }

  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get failed(): Error | null {
    return this.failure;
  }

  private schedule(): Promise<void> {
    if (!this.scheduled) {
      this.scheduled = new Promise<void>((resolve, reject) => {
        const run = (): void => {
          this.scheduled = null;
          try {
            this.flush();
            resolve();
          } catch (err) {
            reject(err);
          }
        };
        // with nothing to commit (events only, or a durable() with nothing recorded) there is nothing to group: at once
        if (this.immediate) queueMicrotask(run);
        else if (this.store.pending === 0) queueMicrotask(() => (this.store.pending === 0 ? run() : atEndOfRound(run)));
        else atEndOfRound(run);
      });
      // A rejection nobody awaits must not crash the process; the failure is kept in `failed`.
      this.scheduled.catch(() => {});
    }
    return this.scheduled;
  }
}
