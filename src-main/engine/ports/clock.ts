/** Time and identity are injected so that a backtest or a test is deterministic. */
export interface Clock {
  /** epoch milliseconds: for timestamps (what happened when), never for durations */
  now(): number;
  /**
   * Milliseconds that only ever move forward, at the pace of real time (the
   * simulated time in backtests and tests): for durations, rate windows,
   * throttles and timeouts. A wall clock set back a day must not stall a
   * token bucket for a day, nor one set forward refill it.
   */
  monotonic(): number;
}

export interface IdSource {
  /** a new id, unique within this data folder, e.g. next('O') → 'O-...' */
  next(prefix: string): string;
}

export const systemClock: Clock = { now: () => Date.now(), monotonic: () => performance.now() };

/**
 * A clock a test or a backtest moves by hand. Moving it forward is time
 * passing (both readings move); `jump` is the wall clock being set (NTP, the
 * user, a VM resumed): only `now()` moves.
 */
export class ManualClock implements Clock {
  private mono: number;
  constructor(private t = 0) {
    this.mono = t;
  }
  now(): number {
    return this.t;
  }
  monotonic(): number {
    return this.mono;
  }
  /** time passes until `t` (setting it back moves the wall clock only) */
  set(t: number): void {
    if (t > this.t) this.mono += t - this.t;
    this.t = t;
  }
  advance(ms: number): void {
    this.t += ms;
    if (ms > 0) this.mono += ms;
  }
  /** the wall clock is set `ms` forward or back; no time passes */
  jump(ms: number): void {
    this.t += ms;
  }
}

/** Sequential ids: prefix, a per-process run tag and a counter. Deterministic when the tag is. */
export class SequentialIds implements IdSource {
  private n = 0;
  constructor(private readonly runTag: string) {}
  next(prefix: string): string {
    this.n += 1;
    return `${prefix}-${this.runTag}-${this.n}`;
  }
}
