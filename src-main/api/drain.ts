import { TernError } from '../../src-common/contract/errors.js';

/** what close() gives calls in flight before it answers them itself */
export const DEFAULT_DRAIN_MS = 5_000;

/**
 * How the API stops (API.md: stop accepting, flush the journal, exit 0)
 * without leaving a client unanswered: new requests are answered 503 "Tern is
 * stopping" while calls in flight get `drainMs` to finish; whatever is still
 * waiting then (a slow exchange) is answered 503 VENUE_UNAVAILABLE. Only then
 * does the server stop listening: closing the listener earlier resets the
 * connections the OS accepted but Node had not yet read. The engine call
 * itself is not abandoned, only its caller's wait: the journal already holds
 * what was sent.
 */
export class Drain {
  private draining = false;
  private timer: NodeJS.Timeout | undefined;
  /** the 503 every call gets once the drain expired */
  private expired: TernError | null = null;
  private onExpired: (() => void) | undefined;
  /**
   * Each call in flight with the way to answer its caller 503. Not a race
   * against one session-long promise: that keeps a reaction, and with it the
   * answer, of every call ever made until the server stops.
   */
  private readonly inFlight = new Set<(err: TernError) => void>();
  private quiet: (() => void) | undefined;

  /** whether close() began: new requests are refused */
  get active(): boolean {
    return this.draining;
  }

  /** the call, or the drain's 503 if that comes first */
  bound<T>(call: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.expired) return reject(this.expired);
      this.inFlight.add(reject);
      const settle = () => {
        this.inFlight.delete(reject);
        if (this.inFlight.size === 0) this.quiet?.();
      };
      call.then(
        (value) => {
          settle();
          resolve(value);
        },
        (err: unknown) => {
          settle();
          reject(err);
        },
      );
    });
  }

  /** resolves once no call is in flight, or the drain expired */
  settled(): Promise<void> {
    if (this.inFlight.size === 0 || !this.onExpired) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.quiet = resolve;
    });
  }

  /** starts the drain; once: a second close() waits for the same one */
  begin(drainMs: number, onExpired: () => void): void {
    if (this.draining) return;
    this.draining = true;
    this.onExpired = onExpired;
    this.timer = setTimeout(() => this.end(drainMs), drainMs);
    this.timer.unref();
  }

  /** the server closed: nothing left to wait for */
  finish(): void {
    clearTimeout(this.timer);
  }

  private end(waitedMs: number): void {
    clearTimeout(this.timer);
    const onExpired = this.onExpired;
    if (!onExpired) return;
    this.onExpired = undefined;
    this.quiet?.();
    this.expired = new TernError(
      'VENUE_UNAVAILABLE',
      `Tern is stopping: this call did not finish within ${waitedMs} ms; it may still have reached the exchange (look it up by client_order_id once Tern is back)`,
      { reason: 'stopping' },
    );
    for (const answer503 of this.inFlight) answer503(this.expired);
    this.inFlight.clear();
    onExpired();
  }
}

export const stoppingRefusal = (): TernError => new TernError('VENUE_UNAVAILABLE', 'Tern is stopping', { reason: 'stopping' });
