import type { EngineEvent } from '../contract/events.js';
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
  private outbox: EngineEvent[] = [];
  private scheduled: Promise<void> | null = null;
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private readonly afterCommit = new Set<() => void>();
  private failure: Error | null = null;

  constructor(private readonly store: EngineStore, private readonly onListenerError: (err: unknown) => void = () => {}) {}

  record(entry: JournalEntry): void {
    this.store.record(entry);
    this.schedule();
  }

  publish(event: EngineEvent): void {
    this.outbox.push(event);
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
    for (const hook of this.afterCommit) hook();
    const out = this.outbox;
    if (out.length === 0) return;
    this.outbox = [];
    for (const event of out) {
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

  onCommit(hook: () => void): void {
    this.afterCommit.add(hook);
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
