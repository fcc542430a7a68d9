/** Time and identity are injected so that a backtest or a test is deterministic. */
export interface Clock {
  /** epoch milliseconds */
  now(): number;
}

export interface IdSource {
  /** a new id, unique within this data folder, e.g. next('O') → 'O-...' */
  next(prefix: string): string;
}

export const systemClock: Clock = { now: () => Date.now() };

export class ManualClock implements Clock {
  constructor(private t = 0) {}
  now(): number {
    return this.t;
  }
  set(t: number): void {
    this.t = t;
  }
  advance(ms: number): void {
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
