import type { ExecutionReport, VenueBalance } from '../../engine/ports/venue.js';

export type ReportListener = (report: ExecutionReport) => void;

/**
 * Delivers execution reports to listeners synchronously and in order. A
 * venue operation queues its reports and delivers them when its state is
 * consistent again (still inside the same call); a listener that places or
 * cancels an order from inside a report only queues more reports, delivered
 * after the ones already waiting, so every listener sees one total order.
 */
export class ReportStream {
  /** replaced, never changed in place, so a delivery walks the listeners as they were when it began without copying them */
  private listeners: readonly ReportListener[] = [];
  private queue: ExecutionReport[] = [];
  private draining = false;

  constructor(private readonly onListenerError: (err: unknown) => void) {}

  subscribe(listener: ReportListener): () => void {
    const entry: ReportListener = (r) => listener(r);
    this.listeners = [...this.listeners, entry];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== entry);
    };
  }

  push(report: ExecutionReport): void {
    this.queue.push(report);
  }

  /** Queues a balance report for each balance that changed. */
  pushBalances(changed: Iterable<VenueBalance>, ts: number): void {
    for (const b of changed) this.queue.push({ type: 'balance', asset: b.asset, total: b.total, locked: b.locked, ts });
  }

  /**
   * Runs one venue request or market event, then queues the balances it
   * changed and delivers every report it produced (also when it throws).
   */
  run<T>(work: () => T, balanceChanges: () => Iterable<VenueBalance>, now: () => number): T {
    try {
      return work();
    } finally {
      this.pushBalances(balanceChanges(), now());
      this.drain();
    }
  }

  drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let i = 0; i < this.queue.length; i++) {
        const report = this.queue[i]!;
        for (const listener of this.listeners) {
          try {
            listener(report);
          } catch (err) {
            // One broken listener must not stop the others or undo a fill.
            this.onListenerError(err);
          }
        }
      }
    } finally {
      this.queue = [];
      this.draining = false;
    }
  }
}
