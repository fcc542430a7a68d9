/** The part of a pino logger the throttle writes to. */
export interface LineLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export interface LogThrottleOptions {
  /** lines of one kind written per window; the rest are counted, not written */
  linesPerWindow: number;
  windowMs: number;
}

export const DEFAULT_LOG_THROTTLE: LogThrottleOptions = { linesPerWindow: 10, windowMs: 60_000 };

interface Window {
  startedAt: number;
  written: number;
  suppressed: number;
}

/**
 * One short line per event, at most `linesPerWindow` of a kind per window:
 * what outside clients do (bad frames, floods) must not be able to fill the
 * disk or drown the log. The first line of the next window carries
 * `suppressed: K`, the count of similar lines left out.
 */
export class LogThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly log: LineLogger,
    private readonly options: LogThrottleOptions = DEFAULT_LOG_THROTTLE,
    private readonly now: () => number = () => performance.now(),
  ) {}

  warn(kind: string, fields: Record<string, unknown>, msg: string): void {
    this.write('warn', kind, fields, msg);
  }

  /** for our own bugs (an engine call that threw something unexpected): keeps `err`, stack and all */
  error(kind: string, fields: Record<string, unknown>, msg: string): void {
    this.write('error', kind, fields, msg);
  }

  private write(level: 'warn' | 'error', kind: string, fields: Record<string, unknown>, msg: string): void {
    const t = this.now();
    let w = this.windows.get(kind);
    if (w === undefined || t - w.startedAt >= this.options.windowMs) {
      const suppressed = w?.suppressed ?? 0;
      w = { startedAt: t, written: 0, suppressed: 0 };
      this.windows.set(kind, w);
      if (suppressed > 0) fields = { ...fields, suppressed };
    }
    if (w.written >= this.options.linesPerWindow) {
      w.suppressed += 1;
      return;
    }
    w.written += 1;
    this.log[level](fields, w.written === this.options.linesPerWindow ? `${msg} (similar lines are suppressed for a while and counted)` : msg);
  }
}

/** An error as one short field set: its code and first line, never a stack. */
export function shortError(err: unknown): Record<string, unknown> {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ...(code !== undefined ? { code } : {}), reason: (err.message.split('\n', 1)[0] ?? '').slice(0, 200) };
  }
  return { reason: String(err).slice(0, 200) };
}
