import { z } from 'zod';
import type { BreakerLimitName } from '../../../src-common/contract/constants/risk.js';
import { DecimalString } from '../../../src-common/contract/schemas.js';
import { type Decimal, dec, str } from '../model/decimal.js';
import { moneyOut } from '../dto.js';
import { type LimitBook, strategyScopeKey } from './limits.js';
import { type PortfolioView, sumEquity, sumPnl } from './portfolio-view.js';
import { RoundTrips } from './round-trips.js';

/**
 * Circuit breakers: limits on what the portfolio has done, checked each time
 * the engine evaluates it (on fills and on bars). A breaker that trips halts
 * trading (the risk engine does that) and is recorded with its numbers.
 *
 * Each breaker is measured in every scope that sets it, on that scope's own
 * total: a global limit on all accounts together, an account's limit on that
 * account. (Unlike the pre-trade limits, a global breaker is not a default for
 * each account: a global max_daily_loss of 1000 means 1000 over everything.)
 *
 * - max_daily_loss: PnL (realized − fees + unrealized) at 00:00 UTC minus
 *   PnL now. The PnL at 00:00 is the one seen at midnight exactly, else the
 *   last one seen before it (or, after a start, the first one seen that day).
 * - max_drawdown_pct: (peak − equity) / peak × 100, the peak being the highest
 *   equity seen. Deposits and withdrawals move equity too and count as such.
 * - max_consecutive_losses: losing round trips in a row (round-trips.ts); any
 *   round trip that does not lose resets the count.
 *
 * A strategy's own scope (its max_daily_loss and max_drawdown_pct) is
 * measured the same way on its ledger (view.strategies): PnL = its realized
 * − fees + unrealized, equity = its capital base + that PnL. Its trip halts
 * that strategy only (the risk engine hands it to the strategies feature).
 *
 * A tripped breaker does not trip again until trading resumes (the state
 * leaves HALTED): then drawdown peaks restart from the current equity and
 * loss streaks from zero, while the day's loss stays until 00:00 UTC, so a
 * resumed day that is still beyond its loss limit trips again at once.
 */

export type BreakerName = BreakerLimitName;

export interface Trip {
  rule: BreakerName;
  /** null: all accounts together, or a strategy's own scope */
  account: string | null;
  /** a strategy's own breaker */
  strategy?: string;
  trippedAt: number;
  limit: Decimal;
  value: Decimal;
  reason: string;
}

/** What survives a restart (the `risk.breakers` setting). */
export const BreakerMemory = z.object({
  day: z.string().nullable(),
  day_start: z.record(z.string(), DecimalString),
  peak: z.record(z.string(), DecimalString),
  streak: z.record(z.string(), z.number().int().min(0)),
  open_round_trips: z.record(z.string(), z.object({ realized: DecimalString, fees: DecimalString })),
  tripped: z.array(z.string()),
});
export type BreakerMemory = z.infer<typeof BreakerMemory>;

export interface UsageRow {
  account: string | null;
  symbol: null;
  value: string;
  limit: string | null;
}

/** the scope id of all accounts together */
const ALL = '*';
const STRATEGY = strategyScopeKey('');
const strategyOf = (id: string): string | undefined => (id.startsWith(STRATEGY) ? id.slice(STRATEGY.length) : undefined);
const accountOf = (id: string): string | null => (id === ALL || strategyOf(id) !== undefined ? null : id);
const who = (id: string): string => (id === ALL ? 'all accounts together' : strategyOf(id) !== undefined ? `strategy ${strategyOf(id)}` : `account ${id}`);
/** the limit a scope sets itself: the global, an account's or a strategy's own */
const limitAt = (limits: LimitBook, id: string, name: BreakerName) => {
  const strategy = strategyOf(id);
  return strategy !== undefined ? limits.forStrategy(strategy)?.get(name) : limits.at(accountOf(id), name);
};
const DAY_MS = 86_400_000;
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export class Breakers {
  private day: string | null = null;
  private readonly dayStart = new Map<string, Decimal>();
  private readonly lastPnl = new Map<string, Decimal>();
  private readonly peak = new Map<string, Decimal>();
  private readonly lastEquity = new Map<string, Decimal>();
  private readonly streak = new Map<string, number>();
  private readonly lastLoss = new Map<string, { symbol: string; result: Decimal }>();
  private readonly rounds = new RoundTrips();
  private readonly tripped = new Set<string>();

  /** Reads the view; returns new trips and whether the memory changed (to persist it). */
  evaluate(view: PortfolioView, now: number, limits: LimitBook): { trips: Trip[]; changed: boolean } {
    let changed = false;
    const today = utcDay(now);
    const newDay = this.day !== today;
    // a view taken exactly at 00:00:00.000 is the day's start itself; any later one starts from the last view before midnight
    const rolledOver = newDay && this.day !== null && now % DAY_MS !== 0;
    if (newDay) {
      this.day = today;
      changed = true;
    }

    const scopes: Array<{ id: string; pnl: Decimal; equity: Decimal }> = [
      { id: ALL, pnl: sumPnl(view.accounts), equity: sumEquity(view.accounts) },
      ...view.accounts.map((a) => ({ id: a.account, pnl: a.pnl, equity: a.equity })),
      ...(view.strategies ?? []).map((s) => ({ id: strategyScopeKey(s.strategy), pnl: s.pnl, equity: s.equity })),
    ];
    for (const { id, pnl, equity } of scopes) {
      if (newDay || !this.dayStart.has(id)) {
        this.dayStart.set(id, (rolledOver ? this.lastPnl.get(id) : undefined) ?? pnl);
        changed = true;
      }
      this.lastPnl.set(id, pnl);
      const peak = this.peak.get(id);
      if (!peak || equity.gt(peak)) {
        this.peak.set(id, equity);
        changed = true;
      }
      this.lastEquity.set(id, equity);
    }

    for (const position of view.positions) {
      const { closed, changed: opened } = this.rounds.observe(position);
      if (opened) changed = true;
      if (!closed) continue;
      const loss = closed.result.isNegative();
      for (const id of [closed.account, ALL]) {
        this.streak.set(id, loss ? (this.streak.get(id) ?? 0) + 1 : 0);
        if (loss) this.lastLoss.set(id, { symbol: closed.symbol, result: closed.result });
      }
    }

    const trips: Trip[] = [];
    const trip = (rule: BreakerName, id: string, limit: Decimal, value: Decimal, reason: string) => {
      const key = `${rule}|${id}`;
      if (this.tripped.has(key)) return;
      this.tripped.add(key);
      changed = true;
      const strategy = strategyOf(id);
      trips.push({ rule, account: accountOf(id), ...(strategy !== undefined ? { strategy } : {}), trippedAt: now, limit, value, reason: `${rule}: ${reason}` });
    };

    for (const { id, pnl, equity } of scopes) {
      const daily = limitAt(limits, id, 'max_daily_loss');
      if (daily) {
        const loss = this.dayStart.get(id)!.sub(pnl);
        if (loss.gt(daily.limit)) {
          trip('max_daily_loss', id, daily.limit, loss, `${who(id)} lost ${moneyOut(loss)} since 00:00 UTC ${today} (limit ${str(daily.limit)})`);
        }
      }
      const drawdown = limitAt(limits, id, 'max_drawdown_pct');
      const peak = this.peak.get(id)!;
      if (drawdown && peak.isPositive()) {
        const below = peak.sub(equity).mul(100);
        if (below.gt(drawdown.limit.mul(peak))) {
          const pct = below.div(peak);
          trip('max_drawdown_pct', id, drawdown.limit, pct, `${who(id)}: equity ${moneyOut(equity)} is ${moneyOut(pct)}% below its peak ${moneyOut(peak)} (limit ${str(drawdown.limit)}%)`);
        }
      }
      const losses = limitAt(limits, id, 'max_consecutive_losses');
      const count = this.streak.get(id) ?? 0;
      if (losses && dec(count).gt(losses.limit)) {
        const last = this.lastLoss.get(id);
        const lastText = last ? `, the last on ${last.symbol} (${moneyOut(last.result)})` : '';
        trip('max_consecutive_losses', id, losses.limit, dec(count), `${who(id)}: ${count} losing round trips in a row${lastText} (limit ${str(losses.limit)})`);
      }
    }
    return { trips, changed };
  }

  /** Trading resumed: breakers arm again, drawdown from the current equity, loss streaks from zero. */
  rearm(): void {
    this.tripped.clear();
    this.peak.clear();
    for (const [id, equity] of this.lastEquity) this.peak.set(id, equity);
    this.streak.clear();
    this.lastLoss.clear();
  }

  /**
   * A strategy starts again after its breaker halted it: armed again, its
   * drawdown peak from the next equity seen; its day's loss stays until
   * 00:00 UTC (as an account's), so a day still beyond the limit trips again.
   */
  rearmStrategy(strategy: string): void {
    const id = strategyScopeKey(strategy);
    for (const key of this.tripped) if (key.endsWith(`|${id}`)) this.tripped.delete(key);
    this.peak.delete(id);
  }

  /** the account scopes' figures (a strategy's are in its trips and on its ledger) */
  usage(limits: LimitBook): { daily_loss: UsageRow[]; drawdown_pct: UsageRow[]; consecutive_losses: UsageRow[] } {
    const ids = [...new Set([ALL, ...this.lastPnl.keys(), ...this.streak.keys()])].filter((id) => strategyOf(id) === undefined).sort();
    const limitOf = (id: string, name: BreakerName) => {
      const l = limits.at(accountOf(id), name);
      return l ? str(l.limit) : null;
    };
    const rows = (name: BreakerName, value: (id: string) => Decimal | undefined): UsageRow[] =>
      ids.flatMap((id) => {
        const v = value(id);
        return v === undefined ? [] : [{ account: accountOf(id), symbol: null, value: moneyOut(v), limit: limitOf(id, name) }];
      });
    return {
      daily_loss: rows('max_daily_loss', (id) => {
        const start = this.dayStart.get(id);
        const pnl = this.lastPnl.get(id);
        return start && pnl ? start.sub(pnl) : undefined;
      }),
      drawdown_pct: rows('max_drawdown_pct', (id) => {
        const peak = this.peak.get(id);
        const equity = this.lastEquity.get(id);
        return peak && equity && peak.isPositive() ? peak.sub(equity).mul(100).div(peak) : undefined;
      }),
      consecutive_losses: rows('max_consecutive_losses', (id) => (this.lastPnl.has(id) || this.streak.has(id) ? dec(this.streak.get(id) ?? 0) : undefined)),
    };
  }

  toJSON(): BreakerMemory {
    const strings = (m: Map<string, Decimal>) => Object.fromEntries([...m].map(([k, v]) => [k, str(v)]));
    return {
      day: this.day,
      day_start: strings(this.dayStart),
      peak: strings(this.peak),
      streak: Object.fromEntries(this.streak),
      open_round_trips: this.rounds.toJSON(),
      tripped: [...this.tripped],
    };
  }

  static load(memory: BreakerMemory): Breakers {
    const b = new Breakers();
    b.day = memory.day;
    for (const [k, v] of Object.entries(memory.day_start)) b.dayStart.set(k, dec(v));
    for (const [k, v] of Object.entries(memory.peak)) b.peak.set(k, dec(v));
    for (const [k, v] of Object.entries(memory.streak)) b.streak.set(k, v);
    b.rounds.load(memory.open_round_trips);
    for (const key of memory.tripped) b.tripped.add(key);
    return b;
  }
}
