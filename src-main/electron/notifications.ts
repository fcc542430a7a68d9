/**
 * Which engine events become desktop notifications, with what text, and how
 * bursts are folded. Pure (no 'electron'): main shows what `NoticeThrottle`
 * hands it with Electron's Notification.
 *
 * Notified: fills, orders that end rejected, risk trips and trading-state
 * changes, kill-switch reports, and accounts whose connection drops or comes
 * back. Market data and routine updates (usage, limits, balances) are not.
 */
import { z } from 'zod';
import type { EngineEvent } from '../../src-common/contract/events.js';
import type { Account } from '../../src-common/contract/schemas.js';

export type NoticeCategory = 'fill' | 'reject' | 'risk' | 'connection';

export interface Notice {
  category: NoticeCategory;
  title: string;
  body: string;
  /** shown even when the OS is in do-not-disturb, where supported (Electron's `urgency: 'critical'` on Linux) */
  urgent: boolean;
}

/** Account statuses that mean the venue cannot be reached (the exchanges issue names them; paper is always 'active'). */
const DOWN_STATUS = /disconnect|reconnect|error|offline|unreachable|down|stale|fail/i;

export function isDownStatus(status: string): boolean {
  return DOWN_STATUS.test(status);
}

// The `risk` channel carries `{event, ...Risk snapshot, trips?, report?}` (risk-engine.ts announce); read it leniently.
const RiskEventData = z.looseObject({
  event: z.string(),
  state: z.string(),
  reason: z.string().optional(),
  trips: z.array(z.looseObject({ rule: z.string(), reason: z.string(), account: z.string().nullable().optional() })).optional(),
  report: z
    .looseObject({
      state: z.string().optional(),
      canceled: z.array(z.unknown()).default([]),
      failed: z.array(z.unknown()).default([]),
      flattened: z.array(z.unknown()).default([]),
    })
    .optional(),
});

/** Remembers the state it needs (risk state, account statuses and modes) to tell a change from a repeat. */
export class NotificationRules {
  private riskState: string | null = null;
  private riskReason: string | null = null;
  private readonly accounts = new Map<string, { status: string; mode: string }>();
  private readonly rejected = new Set<string>();

  /** Starting point, from `risk.get` and `accounts.list` at start, so the first event is compared with something. */
  seed(risk: { state: string; reason: string } | null, accounts: readonly Account[]): void {
    if (risk) {
      this.riskState = risk.state;
      this.riskReason = risk.reason;
    }
    for (const a of accounts) this.accounts.set(a.id, { status: a.status, mode: a.mode });
  }

  noticeFor(event: EngineEvent): Notice | null {
    switch (event.kind) {
      case 'fills':
        return this.fill(event as EngineEvent<'fills'>);
      case 'orders':
        return this.order(event as EngineEvent<'orders'>);
      case 'risk':
        return this.risk(event as EngineEvent<'risk'>);
      case 'accounts':
        return this.account(event as EngineEvent<'accounts'>);
      default:
        return null;
    }
  }

  private who(account: string): string {
    const mode = this.accounts.get(account)?.mode;
    return mode ? `${account} (${mode.toUpperCase()})` : account;
  }

  private fill({ data: f }: EngineEvent<'fills'>): Notice {
    const verb = f.side === 'buy' ? 'Bought' : 'Sold';
    return {
      category: 'fill',
      title: `${verb} ${f.quantity} ${f.symbol}`,
      body: `at ${f.price} · fee ${f.fee} ${f.fee_asset} · ${this.who(f.account)}`,
      urgent: false,
    };
  }

  private order({ data: o }: EngineEvent<'orders'>): Notice | null {
    if (o.status !== 'rejected' || this.rejected.has(o.id)) return null;
    this.rejected.add(o.id);
    // a bounded memory: forget the oldest (insertion order) rather than grow all day
    if (this.rejected.size > 1000) this.rejected.delete(this.rejected.values().next().value as string);
    const price = o.price ? ` at ${o.price}` : '';
    return {
      category: 'reject',
      title: `Order rejected: ${o.side.toUpperCase()} ${o.quantity} ${o.symbol}${price}`,
      body: `${o.reject_reason ?? 'the venue gave no reason'} · ${this.who(o.account)}`,
      urgent: false,
    };
  }

  private risk({ data }: EngineEvent<'risk'>): Notice | null {
    const parsed = RiskEventData.safeParse(data);
    if (!parsed.success) return null;
    const r = parsed.data;
    const previous = this.riskState;
    const previousReason = this.riskReason;
    this.riskState = r.state;
    this.riskReason = r.reason ?? null;
    switch (r.event) {
      case 'trip': {
        const reasons = (r.trips ?? []).map((t) => t.reason).join('; ') || r.reason || 'a circuit breaker tripped';
        return { category: 'risk', title: `Risk breaker tripped: trading ${r.state}`, body: reasons, urgent: true };
      }
      case 'state':
        if (r.state === previous && (r.reason ?? null) === previousReason) return null;
        return {
          category: 'risk',
          title: `Trading ${r.state}`,
          body: r.reason || `was ${previous ?? 'unknown'}`,
          urgent: r.state !== 'ACTIVE',
        };
      case 'kill_switch': {
        const rep = r.report;
        if (!rep) return null;
        const parts = [`${rep.canceled.length} order${rep.canceled.length === 1 ? '' : 's'} canceled`];
        if (rep.flattened.length > 0) parts.push(`${rep.flattened.length} position${rep.flattened.length === 1 ? '' : 's'} closed`);
        if (rep.failed.length > 0) parts.push(`${rep.failed.length} failed: check the risk screen`);
        return { category: 'risk', title: `Kill switch: trading ${rep.state ?? r.state}`, body: parts.join(' · '), urgent: rep.failed.length > 0 };
      }
      default:
        // usage and limits updates only move the baseline
        return null;
    }
  }

  private account({ data: a }: EngineEvent<'accounts'>): Notice | null {
    const before = this.accounts.get(a.id);
    this.accounts.set(a.id, { status: a.status, mode: a.mode });
    const wasDown = before !== undefined && isDownStatus(before.status);
    const isDown = isDownStatus(a.status);
    if (isDown && !wasDown) {
      return { category: 'connection', title: `Disconnected: ${this.who(a.id)}`, body: `${a.exchange} is ${a.status}; orders and market data may be stale`, urgent: true };
    }
    if (!isDown && wasDown) {
      return { category: 'connection', title: `Reconnected: ${this.who(a.id)}`, body: `${a.exchange} is ${a.status}`, urgent: false };
    }
    return null;
  }
}

const PLURAL: Record<NoticeCategory, string> = {
  fill: 'fills',
  reject: 'rejected orders',
  risk: 'risk alerts',
  connection: 'connection changes',
};

export interface NoticeThrottleOptions {
  /** shows one notification */
  show: (notice: Notice) => void;
  /** at most this many notices of one category per window, shown at once; default 3 */
  maxPerWindow?: number;
  /** default 5000 ms */
  windowMs?: number;
  /** ms on a clock that only moves forward (default performance.now: a wall clock set back must not stretch a window) */
  now?: () => number;
  /** runs `fn` after `ms`; returns a cancel */
  setTimer?: (fn: () => void, ms: number) => () => void;
}

interface Bucket {
  windowStart: number;
  shown: number;
  held: number;
  heldUrgent: boolean;
  latest: Notice | null;
  cancelTimer: (() => void) | null;
}

const defaultTimer = (fn: () => void, ms: number): (() => void) => {
  const t = setTimeout(fn, ms);
  t.unref?.();
  return () => clearTimeout(t);
};

/**
 * Folds bursts: per category, the first few notices of a window show at once;
 * the rest are counted and, when the window ends, shown as one summary
 * ("12 more fills" with the latest). Nothing is dropped silently.
 */
export class NoticeThrottle {
  private readonly buckets = new Map<NoticeCategory, Bucket>();
  private readonly max: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => () => void;

  constructor(private readonly opts: NoticeThrottleOptions) {
    this.max = Math.max(1, opts.maxPerWindow ?? 3);
    this.windowMs = Math.max(1, opts.windowMs ?? 5000);
    this.now = opts.now ?? (() => performance.now());
    this.setTimer = opts.setTimer ?? defaultTimer;
  }

  push(notice: Notice): void {
    const now = this.now();
    let b = this.buckets.get(notice.category);
    if (!b || (now - b.windowStart >= this.windowMs && b.held === 0)) {
      b = { windowStart: now, shown: 0, held: 0, heldUrgent: false, latest: null, cancelTimer: null };
      this.buckets.set(notice.category, b);
    }
    if (b.shown < this.max) {
      b.shown += 1;
      this.opts.show(notice);
      return;
    }
    b.held += 1;
    b.heldUrgent ||= notice.urgent;
    b.latest = notice;
    if (!b.cancelTimer) {
      const bucket = b;
      const wait = Math.max(0, bucket.windowStart + this.windowMs - now);
      bucket.cancelTimer = this.setTimer(() => this.flush(notice.category, bucket), wait);
    }
  }

  /** Cancels pending summaries (at quit). */
  close(): void {
    for (const b of this.buckets.values()) b.cancelTimer?.();
    this.buckets.clear();
  }

  private flush(category: NoticeCategory, b: Bucket): void {
    b.cancelTimer = null;
    if (this.buckets.get(category) !== b || b.held === 0 || !b.latest) return;
    const latest = b.latest;
    const summary: Notice = {
      category,
      title: b.held === 1 ? latest.title : `${b.held} more ${PLURAL[category]}`,
      body: b.held === 1 ? latest.body : `latest: ${latest.title} ${latest.body}`,
      urgent: b.heldUrgent,
    };
    // the summary opens the next window, so a burst that goes on folds again
    this.buckets.set(category, { windowStart: this.now(), shown: 1, held: 0, heldUrgent: false, latest: null, cancelTimer: null });
    this.opts.show(summary);
  }
}
