import { type Decimal, str } from '../model/decimal.js';
import type { OrderRecord } from '../model/types.js';
import type { JournalEntry } from '../ports/store.js';
import type { LimitScope } from './limits.js';
import type { RuleReading } from './rules/rule.js';
import type { TradingState } from './trading-state.js';

/**
 * The audit trail of risk decisions: every order and amendment the risk
 * engine checked, the rules that applied with their numbers, and whether it
 * passed. Decisions keep Decimals; they become strings when written.
 */
export interface RiskDecision {
  ts: number;
  action: 'place' | 'amend';
  order: Pick<OrderRecord, 'id' | 'clientOrderId' | 'account' | 'symbol' | 'side' | 'type' | 'quantity' | 'price' | 'reduceOnly'>;
  state: TradingState;
  fromKillSwitch: boolean;
  allowed: boolean;
  /** the rule that refused it (a limit's name or 'trading_state'), null when allowed */
  rule: string | null;
  message: string | null;
  /** what each applicable rule compared, in the order they ran */
  readings: readonly RuleReading[];
}

export interface RiskAudit {
  record(decision: RiskDecision): void;
}

/** A decision in its written form: snake_case, decimal strings. (A type, not an interface, so that it is a Record<string, unknown>.) */
export type RiskDecisionRecord = {
  ts: number;
  action: 'place' | 'amend';
  order_id: string;
  client_order_id: string;
  account: string;
  symbol: string;
  side: string;
  type: string;
  quantity: string;
  price: string | null;
  reduce_only: boolean;
  state: TradingState;
  from_kill_switch: boolean;
  allowed: boolean;
  rule: string | null;
  message: string | null;
  checks: Array<{ rule: string; limit: string; value: string | null; scope: LimitScope }>;
};

const text = (d: Decimal | null): string | null => (d === null ? null : str(d));

export function decisionRecord(d: RiskDecision): RiskDecisionRecord {
  return {
    ts: d.ts,
    action: d.action,
    order_id: d.order.id,
    client_order_id: d.order.clientOrderId,
    account: d.order.account,
    symbol: d.order.symbol,
    side: d.order.side,
    type: d.order.type,
    quantity: str(d.order.quantity),
    price: text(d.order.price),
    reduce_only: d.order.reduceOnly,
    state: d.state,
    from_kill_switch: d.fromKillSwitch,
    allowed: d.allowed,
    rule: d.rule,
    message: d.message,
    checks: d.readings.map((r) => ({ rule: r.rule, limit: str(r.limit), value: text(r.value), scope: r.scope })),
  };
}

/** The last `capacity` decisions, in memory (the default trail, tests, the UI's recent view). */
export class MemoryAudit implements RiskAudit {
  private readonly ring: Array<RiskDecision | undefined>;
  private next = 0;
  private count = 0;

  constructor(private readonly capacity = 1000) {
    this.ring = new Array<RiskDecision | undefined>(capacity);
  }

  record(decision: RiskDecision): void {
    this.ring[this.next] = decision;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** oldest first */
  recent(limit = this.capacity): RiskDecision[] {
    const out: RiskDecision[] = [];
    const n = Math.min(limit, this.count);
    for (let i = n; i > 0; i--) out.push(this.ring[(this.next - i + this.capacity) % this.capacity]!);
    return out;
  }
}

/** The journal entry of a decision. */
export type RiskDecisionEntry = Extract<JournalEntry, { type: 'risk_decision' }>;

export function riskDecisionEntry(d: RiskDecision): RiskDecisionEntry {
  return { type: 'risk_decision', decision: decisionRecord(d), ts: d.ts };
}

/** Decisions into the journal, in the same group commit as the order they decided. */
export function journalAudit(journal: { record(entry: JournalEntry): void }): RiskAudit {
  return {
    record(d) {
      journal.record(riskDecisionEntry(d));
    },
  };
}

/** Several trails at once (the journal, and the recent ones in memory for the UI). */
export function teeAudit(...trails: RiskAudit[]): RiskAudit {
  return {
    record(d) {
      for (const t of trails) t.record(d);
    },
  };
}
