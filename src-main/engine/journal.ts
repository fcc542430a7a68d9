import type { EngineEvent, EventData, EventKind } from '../contract/events.js';
import type { EngineStore, JournalEntry } from './ports/store.js';

/**
 * Group commit and the outbox. Entries recorded during one turn of the event
 * loop are committed together in one transaction, in a microtask; events that
 * describe them are published only after that commit, so nothing leaves the
 * process before it is durable. Callers that must not go on before their
 * entries are durable (an order about to be sent to a venue, an ack to a
 * client) await `durable()`.
 */
export class Journal {
  /** events waiting for the commit; their data is made only if someone listens */
  private outbox: Array<{ kind: EventKind; channel: string; data: () => unknown }> = [];
  private scheduled: Promise<void> | null = null;
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private failure: Error | null = null;

  constructor(private readonly store: EngineStore, private readonly onListenerError: (err: unknown) => void = () => {}) {}

  record(entry: JournalEntry): void {
    this.store.record(entry);
    this.schedule();
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
    return this.schedule();
  }

  /** commit now, synchronously (queries read the store, so they flush first) */
  flush(): void {
    if (this.failure) throw this.failure;
    if (this.store.pending > 0) {
      try {
        this.store.commit();
      } catch (err) {
        this.failure = err instanceof Error ? err : new Error(String(err));
        throw this.failure;
      }
    }
    const out = this.outbox;
    if (out.length === 0) return;
    this.outbox = [];
    for (const pending of out) {
      let event: EngineEvent;
      try {
        event = { kind: pending.kind, channel: pending.channel, data: pending.data() } as EngineEvent;
      } catch (err) {
        this.onListenerError(err);
        continue;
      }
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
        queueMicrotask(() => {
          this.scheduled = null;
          try {
            this.flush();
            resolve();
          } catch (err) {
            reject(err);
          }
        });
      });
      // A rejection nobody awaits must not crash the process; the failure is kept in `failed`.
      this.scheduled.catch(() => {});
    }
    return this.scheduled;
  }
}
