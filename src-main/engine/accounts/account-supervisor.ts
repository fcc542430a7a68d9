/**
 * What an account's status says, and keeping accounts that cannot open.
 *
 * Status (accounts.list, and an `accounts` event when it changes):
 * - 'error': the account could not open (its exchange unreachable at start and
 *   no cached instruments, its keys unreadable…); `reason` says why. It is
 *   retried in the background with backoff until it opens; the engine runs
 *   without it meanwhile.
 * - 'error' also: an open account its exchange refuses (the API key refused,
 *   the clock too far off: "clock ahead of the exchange by N s").
 * - 'disconnected': a market data stream of the account failed and no update
 *   has come since (ccxt is reconnecting).
 * - 'degraded': the account trades with a handicap: requests to the exchange
 *   fail (5xx, 429, timeouts), a private stream is down (REST polling), or
 *   reconciliation left orders unresolved ("N orders unresolved after
 *   reconciliation").
 * - 'stale': a watched symbol had no update for the feed's stale time.
 * - otherwise the record's status ('active').
 * Several at once: the worst is the status and the reason names them all.
 * `market_data` tells, per watched symbol, its state and the seconds since
 * its last update (computed when asked; events come only on changes).
 */
import { TernError } from '../../../src-common/contract/errors.js';
import type { Account, MarketDataStatus } from '../../../src-common/contract/schemas.js';
import { iso } from '../dto.js';
import type { AccountRecord } from '../model/types.js';
import type { Clock } from '../ports/clock.js';
import { type Logger, silentLogger } from '../ports/logger.js';
import type { MarketFeed } from '../ports/market-data.js';

/** A feed that tells how fresh its symbols are (CcxtFeed). */
export interface FeedStatusSource {
  status(): Array<{ symbol: string; lastUpdate: number | null; stale: boolean; reconnecting?: boolean }>;
  onStatus(listener: () => void): () => void;
}

export function hasFeedStatus(feed: object): feed is FeedStatusSource {
  const f = feed as Partial<FeedStatusSource>;
  return typeof f.status === 'function' && typeof f.onStatus === 'function';
}

/** A venue that tells what is wrong between it and its exchange (CcxtVenue). */
export interface VenueHealthSource {
  health(): { status: 'active' | 'degraded' | 'error'; reason: string | null };
  onHealth(listener: () => void): () => void;
  /** a live venue's dead-man switch (its failing heartbeat is part of health()) */
  deadManSwitch?(): { available: boolean; timeoutS: number | null; armed: boolean; reason: string | null };
  /** changes it at once (throws when the exchange does not take it off) */
  setDeadManSwitch?(timeoutS: number | null): Promise<void>;
}

export function hasVenueHealth(venue: object): venue is VenueHealthSource {
  const v = venue as Partial<VenueHealthSource>;
  return typeof v.health === 'function' && typeof v.onHealth === 'function';
}

export interface AccountSupervisorOptions {
  clock: Clock;
  log?: Logger;
  /** tells the `accounts` channel */
  publish(account: Account): void;
  /** builds and opens an account (markets, start, first reconciliation); throws when it cannot */
  open(record: AccountRecord): Promise<void>;
  /** takes down what an open left behind */
  close(id: string): Promise<void>;
  /** the first retry waits this long, each next one twice as long (default 1000 ms) */
  retryMs?: number;
  /** up to this (default 60 000 ms) */
  maxRetryMs?: number;
}

interface Failing {
  record: AccountRecord;
  reason: string;
  attempts: number;
  timer: NodeJS.Timeout | null;
  /** on the monotonic clock (the retry is a timer, which the wall clock does not move) */
  nextAttemptAt: number;
}

interface Watched {
  record: AccountRecord;
  feed: FeedStatusSource | null;
  venue: VenueHealthSource | null;
  /** differences the last reconciliation could not settle */
  unresolved: number;
  /** status and reason last published */
  last: string;
}

export class AccountSupervisor {
  private readonly failing = new Map<string, Failing>();
  private readonly watched = new Map<string, Watched>();
  private readonly log: Logger;
  private stopped = false;

  constructor(private readonly opts: AccountSupervisorOptions) {
    this.log = opts.log ?? silentLogger;
  }

  /** Opens an account; one that cannot open is kept in 'error' and retried in the background. Never throws. */
  async openOrRetry(record: AccountRecord): Promise<boolean> {
    try {
      await this.opts.open(record);
      return true;
    } catch (err) {
      await this.opts.close(record.id).catch(() => {});
      this.fail(record, err);
      return false;
    }
  }

  /** Follows an open account's market data and venue; the returned function stops it (the account closes). */
  watch(record: AccountRecord, feed: MarketFeed, venue?: object): () => void {
    const entry: Watched = { record, feed: hasFeedStatus(feed) ? feed : null, venue: venue && hasVenueHealth(venue) ? venue : null, unresolved: 0, last: '' };
    if (!entry.feed && !entry.venue) return () => {}; // paper, replay: the status is the record's
    entry.last = signature(this.dto(record, entry));
    this.watched.set(record.id, entry);
    const offs = [entry.feed?.onStatus(() => this.changed(entry)), entry.venue?.onHealth(() => this.changed(entry))];
    return () => {
      for (const off of offs) off?.();
      if (this.watched.get(record.id) === entry) this.watched.delete(record.id);
    };
  }

  /** what a reconciliation of an open account left unsettled */
  reconciled(id: string, unresolved: number): void {
    const entry = this.watched.get(id);
    if (!entry || entry.unresolved === unresolved) return;
    entry.unresolved = unresolved;
    this.changed(entry);
  }

  /**
   * Changes an open live account's dead-man switch at once and tells the
   * `accounts` channel; false when no open venue holds one (an account still
   * waiting to open takes the journaled setting when it opens).
   */
  async setDeadManSwitch(id: string, timeoutS: number | null): Promise<boolean> {
    const entry = this.watched.get(id);
    if (!entry?.venue?.setDeadManSwitch) return false;
    await entry.venue.setDeadManSwitch(timeoutS);
    this.changed(entry);
    return true;
  }

  /** the accounts waiting to open */
  failed(): AccountRecord[] {
    return [...this.failing.values()].map((f) => f.record);
  }

  failedRecord(id: string): AccountRecord | undefined {
    return this.failing.get(id)?.record;
  }

  /** the refusal for a request to an account that could not open, or null when it is not one */
  unavailable(id: string): TernError | null {
    const f = this.failing.get(id);
    if (!f) return null;
    return new TernError('VENUE_UNAVAILABLE', `account ${id} is not open: ${f.reason}; Tern retries it in the background`, { account: id, status: 'error' });
  }

  /** stops retrying an account (it is being removed) */
  forget(id: string): void {
    const f = this.failing.get(id);
    if (f?.timer) clearTimeout(f.timer);
    this.failing.delete(id);
  }

  stop(): void {
    this.stopped = true;
    for (const f of this.failing.values()) if (f.timer) clearTimeout(f.timer);
  }

  /** the account as the protocol shows it, with its live status */
  dto(record: AccountRecord, entry: Watched | undefined = this.watched.get(record.id)): Account {
    const base = { id: record.id, exchange: record.exchange, mode: record.mode };
    const f = this.failing.get(record.id);
    if (f) {
      const retry = Math.max(0, Math.round((f.nextAttemptAt - this.opts.clock.monotonic()) / 1000));
      return { ...base, status: 'error', reason: `${f.reason} (attempt ${f.attempts}; next try in ${retry} s)` };
    }
    if (!entry) return { ...base, status: record.status };
    const problems: Array<{ status: Severity; reason: string }> = [];
    const health = entry.venue?.health();
    if (health && health.status !== 'active') problems.push({ status: health.status, reason: health.reason ?? health.status });
    if (entry.unresolved > 0) problems.push({ status: 'degraded', reason: `${entry.unresolved} order${entry.unresolved === 1 ? '' : 's'} unresolved after reconciliation` });
    const market = entry.feed ? marketDataOf(entry.feed, this.opts.clock.now()) : undefined;
    if (market) {
      const lagging = market.symbols.filter((s) => s.state === market.state).map((s) => s.symbol);
      if (market.state === 'reconnecting') problems.push({ status: 'disconnected', reason: `market data of ${lagging.join(', ')} is reconnecting` });
      if (market.state === 'stale') {
        const worst = Math.max(...market.symbols.filter((s) => s.state === 'stale').map((s) => s.seconds_since_update ?? 0));
        problems.push({ status: 'stale', reason: `no market data for ${lagging.join(', ')} for ${worst} s` });
      }
    }
    const dms = entry.venue?.deadManSwitch?.();
    const md = {
      ...(market ? { market_data: market } : {}),
      ...(dms ? { dead_man_switch: { available: dms.available, timeout_s: dms.timeoutS, armed: dms.armed, reason: dms.reason } } : {}),
    };
    if (problems.length === 0) return { ...base, status: record.status, reason: null, ...md };
    problems.sort((a, b) => SEVERITY.indexOf(a.status) - SEVERITY.indexOf(b.status));
    return { ...base, status: problems[0]!.status, reason: problems.map((p) => p.reason).join('; '), ...md };
  }

  private changed(entry: Watched): void {
    if (this.watched.get(entry.record.id) !== entry) return;
    const dto = this.dto(entry.record, entry);
    const sig = signature(dto);
    if (sig === entry.last) return;
    entry.last = sig;
    this.log.info({ account: entry.record.id, status: dto.status, reason: dto.reason }, 'account status changed');
    this.opts.publish(dto);
  }

  private fail(record: AccountRecord, err: unknown): void {
    const prev = this.failing.get(record.id);
    if (prev?.timer) clearTimeout(prev.timer);
    const attempts = (prev?.attempts ?? 0) + 1;
    const reason = err instanceof Error ? err.message : String(err);
    const delay = Math.min((this.opts.retryMs ?? 1000) * 2 ** Math.min(attempts - 1, 20), this.opts.maxRetryMs ?? 60_000);
    const f: Failing = { record, reason, attempts, timer: null, nextAttemptAt: this.opts.clock.monotonic() + delay };
    this.failing.set(record.id, f);
    if (!this.stopped) {
      f.timer = setTimeout(() => void this.retry(f), delay);
      f.timer.unref?.();
    }
    if (attempts === 1) this.log.error({ account: record.id, err: reason }, 'account could not open; retrying in the background');
    if (prev?.reason !== reason) this.opts.publish(this.dto(record));
  }

  private async retry(f: Failing): Promise<void> {
    f.timer = null;
    if (this.stopped || this.failing.get(f.record.id) !== f) return;
    try {
      await this.opts.open(f.record);
    } catch (err) {
      await this.opts.close(f.record.id).catch(() => {});
      if (!this.stopped && this.failing.get(f.record.id) === f) this.fail(f.record, err);
      return;
    }
    if (this.stopped || this.failing.get(f.record.id) !== f) {
      // stopped or removed while it opened
      await this.opts.close(f.record.id).catch(() => {});
      return;
    }
    this.failing.delete(f.record.id);
    this.log.info({ account: f.record.id, attempts: f.attempts + 1 }, 'account opened');
    const entry = this.watched.get(f.record.id);
    const dto = this.dto(f.record, entry);
    if (entry) entry.last = signature(dto);
    this.opts.publish(dto);
  }
}

type Severity = 'error' | 'disconnected' | 'degraded' | 'stale';
/** worst first */
const SEVERITY: Severity[] = ['error', 'disconnected', 'degraded', 'stale'];

function signature(a: Account): string {
  return `${a.status}|${a.reason ?? ''}`;
}

function marketDataOf(feed: FeedStatusSource, now: number): MarketDataStatus {
  const seconds = (ts: number | null) => (ts === null ? null : Math.max(0, Math.floor((now - ts) / 1000)));
  const raw = feed.status();
  const symbols = raw.map((s) => ({
    symbol: s.symbol,
    state: s.reconnecting ? ('reconnecting' as const) : s.stale ? ('stale' as const) : s.lastUpdate === null ? ('waiting' as const) : ('connected' as const),
    last_update: s.lastUpdate === null ? null : iso(s.lastUpdate),
    seconds_since_update: seconds(s.lastUpdate),
  }));
  let lastUpdate: number | null = null;
  for (const s of raw) if (s.lastUpdate !== null && (lastUpdate === null || s.lastUpdate > lastUpdate)) lastUpdate = s.lastUpdate;
  const has = (state: string) => symbols.some((s) => s.state === state);
  const state = has('reconnecting') ? 'reconnecting' : has('stale') ? 'stale' : has('connected') ? 'connected' : 'waiting';
  return { state, last_update: lastUpdate === null ? null : iso(lastUpdate), seconds_since_update: seconds(lastUpdate), symbols };
}
