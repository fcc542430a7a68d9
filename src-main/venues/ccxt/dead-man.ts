/**
 * The dead-man switch of a live account: where the exchange offers
 * cancel-all-after (ccxt `cancelAllOrdersAfter`), Tern arms it for N seconds
 * and re-arms it on a heartbeat, well before it runs out. If Tern dies (kill
 * -9, a crash, the machine asleep, the network gone), the heartbeat stops
 * and the exchange cancels the account's resting orders after N seconds.
 * Turned off (or the account closed by Tern), the timer is disarmed (0).
 * Where the exchange has no such endpoint in ccxt, the switch says so.
 */
import type { Exchange } from 'ccxt';
import { DEAD_MAN_MIN_S } from '../../../src-common/contract/constants/accounts.js';
import { type Logger, silentLogger } from '../../engine/ports/logger.js';
import { redact } from './redact.js';


/** What the account shows of its dead-man switch. */
export interface DeadManState {
  /** the exchange offers cancel-all-after through ccxt */
  available: boolean;
  /** seconds after the last heartbeat at which the exchange cancels; null: off */
  timeoutS: number | null;
  /** the exchange acknowledged the last heartbeat */
  armed: boolean;
  /** why it is unavailable, or why the last heartbeat failed */
  reason: string | null;
  /** epoch ms of the last heartbeat the exchange acknowledged */
  lastBeatAt: number | null;
}

/** Extra parameters an exchange needs for its spot dead-man switch (bybit defaults to derivatives). */
const PARAMS: Record<string, Record<string, unknown>> = { bybit: { product: 'SPOT' } };

export function deadManAvailable(ex: Exchange): boolean {
  return Boolean((ex.has as Record<string, unknown>)['cancelAllOrdersAfter']);
}

export function unavailableReason(exchangeId: string): string {
  return `${exchangeId} offers no cancel-all-after (dead-man switch) through ccxt; resting orders stay on the exchange if Tern stops`;
}

export interface DeadManOptions {
  exchange: Exchange;
  exchangeId: string;
  account: string;
  /** seconds; null: off */
  timeoutS: number | null;
  /** ms between heartbeats (default: a third of the timeout, so two may fail before the exchange cancels) */
  beatMs?: number;
  now?: () => number;
  log?: Logger;
  /** after each heartbeat and stop: the account's status shows a failing switch */
  onChange?: (state: DeadManState) => void;
}

export class DeadManSwitch {
  private readonly ex: Exchange;
  private readonly exchangeId: string;
  private readonly account: string;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly beatMsOption: number | undefined;
  private timeoutS: number | null;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private armed = false;
  private reason: string | null = null;
  private lastBeatAt: number | null = null;
  private beating: Promise<void> = Promise.resolve();
  /** set() calls, one after the other */
  private changing: Promise<void> = Promise.resolve();
  private readonly onChange: (state: DeadManState) => void;

  constructor(opts: DeadManOptions) {
    this.ex = opts.exchange;
    this.exchangeId = opts.exchangeId;
    this.account = opts.account;
    this.log = opts.log ?? silentLogger;
    this.now = opts.now ?? Date.now;
    this.beatMsOption = opts.beatMs;
    this.timeoutS = opts.timeoutS;
    this.onChange = opts.onChange ?? (() => undefined);
  }

  get available(): boolean {
    return deadManAvailable(this.ex);
  }

  state(): DeadManState {
    if (!this.available) return { available: false, timeoutS: this.timeoutS, armed: false, reason: unavailableReason(this.exchangeId), lastBeatAt: null };
    return { available: true, timeoutS: this.timeoutS, armed: this.armed, reason: this.reason, lastBeatAt: this.lastBeatAt };
  }

  /** starts the heartbeat (when on and available); the first beat is awaited so the account opens armed */
  async start(): Promise<void> {
    this.running = true;
    if (this.timeoutS === null) return;
    if (!this.available) {
      this.log.warn({ account: this.account }, unavailableReason(this.exchangeId));
      return;
    }
    await this.beat();
    this.schedule();
  }

  /** stops the heartbeat; `disarm` tells the exchange to forget the timer (a deliberate stop keeps the orders) */
  async stop(disarm = true): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.beating;
    if (disarm && this.armed) await this.send(0).catch(() => undefined);
    this.armed = false;
    this.onChange(this.state());
  }

  /**
   * A new timeout, or off (null), without a restart: the exchange is re-armed
   * with it at once (or disarmed) and the heartbeat keeps the new pace.
   * Turning off that the exchange does not take throws, and the old timeout
   * stays in force (the exchange would still cancel after it).
   */
  set(timeoutS: number | null): Promise<void> {
    const next = this.changing.then(() => this.apply(timeoutS));
    this.changing = next.catch(() => undefined);
    return next;
  }

  private async apply(timeoutS: number | null): Promise<void> {
    if (timeoutS === this.timeoutS) return;
    const previous = this.timeoutS;
    this.halt();
    // a beat in flight schedules the next one when it ends: wait for it, then take that one back too
    await this.beating;
    this.halt();
    if (!this.running || !this.available) {
      this.timeoutS = timeoutS;
      this.onChange(this.state());
      return;
    }
    if (timeoutS === null) {
      if (this.armed) {
        try {
          await this.send(0);
        } catch (err) {
          this.schedule();
          throw new Error(`the exchange did not take the dead-man switch off (${redact(err instanceof Error ? err.message : String(err))}); it stays at ${previous} s`, { cause: err });
        }
      }
      this.timeoutS = null;
      this.armed = false;
      this.reason = null;
      this.log.info({ account: this.account }, 'dead-man switch turned off');
      this.onChange(this.state());
      return;
    }
    this.timeoutS = timeoutS;
    this.beating = this.beat();
    await this.beating;
    this.schedule();
  }

  private halt(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private beatMs(): number {
    return this.beatMsOption ?? Math.max(1000, Math.floor((this.timeoutS ?? DEAD_MAN_MIN_S) * 1000 / 3));
  }

  private schedule(): void {
    if (!this.running || this.timeoutS === null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.beating = this.beat().finally(() => this.schedule());
    }, this.beatMs());
    this.timer.unref?.();
  }

  private async beat(): Promise<void> {
    if (this.timeoutS === null) return;
    try {
      await this.send(this.timeoutS * 1000);
      if (!this.armed || this.reason) this.log.info({ account: this.account, timeoutS: this.timeoutS }, 'dead-man switch armed');
      this.armed = true;
      this.reason = null;
      this.lastBeatAt = this.now();
    } catch (err) {
      // the previous arming still runs out at its time: say so, keep beating
      this.reason = `the last heartbeat failed (${redact(err instanceof Error ? err.message : String(err))}); the exchange cancels resting orders ${this.timeoutS} s after the last one it took`;
      this.log.warn({ account: this.account, err: this.reason }, 'dead-man switch heartbeat failed');
    }
    this.onChange(this.state());
  }

  private send(timeoutMs: number): Promise<unknown> {
    const ex = this.ex as unknown as { cancelAllOrdersAfter(timeout: number, params?: Record<string, unknown>): Promise<unknown> };
    return ex.cancelAllOrdersAfter(timeoutMs, PARAMS[this.exchangeId] ?? {});
  }
}
