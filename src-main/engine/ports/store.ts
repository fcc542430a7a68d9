import type { AccountRecord, ApiKeyRecord, BalanceRecord, FillRecord, OrderRecord, PositionRecord, StrategyPositionRecord } from '../model/types.js';
import type { OrderEvent } from '../model/order-state.js';
import { TernError } from '../../../src-common/contract/errors.js';

/**
 * One entry of the append-only journal. Each carries the full record it
 * changes, so the projections (orders, fills, positions, balances, accounts,
 * keys) can be rebuilt from the journal alone.
 */
export type JournalEntry =
  | { type: 'order'; event: OrderEvent | 'initialize' | 'amend'; order: OrderRecord }
  | { type: 'fill'; fill: FillRecord }
  | { type: 'position'; position: PositionRecord }
  /** a strategy's own position after a fill changed it (the per-strategy ledger) */
  | { type: 'strategy_position'; position: StrategyPositionRecord }
  | { type: 'balance'; balance: BalanceRecord }
  | { type: 'account'; account: AccountRecord }
  | { type: 'account_reset'; account: string; ts: number }
  | { type: 'key'; key: ApiKeyRecord }
  | { type: 'setting'; name: string; value: unknown; ts: number }
  /** the audit trail of the risk engine: one per order or amendment it checked, allowed or refused */
  | { type: 'risk_decision'; decision: Record<string, unknown>; ts: number };

export interface OrderQuery {
  status: 'open' | 'closed' | 'all';
  account?: string;
  symbol?: string;
  /** only the orders of this strategy */
  strategy?: string;
  /** only the orders placed with this API key */
  key?: string;
  limit: number;
}

export interface FillQuery {
  account?: string;
  symbol?: string;
  /** only the fills of this strategy's orders */
  strategy?: string;
  limit: number;
}

/**
 * The engine's persistence. Writes are buffered into the current batch and
 * become durable together at `commit()` (group commit): one SQLite
 * transaction appends the journal entries and applies their projections.
 * Nothing the batch describes may leave the process before `commit()`
 * returns.
 */
export interface EngineStore {
  record(entry: JournalEntry): void;
  commit(): void;
  /** entries recorded but not yet committed */
  readonly pending: number;
  /**
   * true: record() is the commit (an in-memory store, as a backtest's, where
   * nothing can fail and nothing leaves the process): the journal then needs
   * no batch per turn of the event loop, and durable() is at once.
   */
  readonly commitsOnRecord?: boolean;

  /** the state to resume from, read from the projections */
  loadAccounts(): AccountRecord[];
  loadActiveOrders(): OrderRecord[];
  loadPositions(): PositionRecord[];
  /** every strategy's own positions (the per-strategy ledger) */
  loadStrategyPositions(): StrategyPositionRecord[];
  loadBalances(): BalanceRecord[];
  loadKeys(): ApiKeyRecord[];
  loadSetting(name: string): unknown;

  /** queries for closed orders and fills, newest first */
  queryOrders(q: OrderQuery): OrderRecord[];
  getOrder(idOrClientOrderId: string): OrderRecord | undefined;
  queryFills(q: FillQuery): FillRecord[];
  /** every fill of an account, oldest first (verification, reset) */
  allFills(account?: string): Iterable<FillRecord>;
  /** the highest id counter issued, so ids stay unique across restarts */
  readonly journalSeq: number;

  /**
   * Whether writes can succeed now (disk space, a small write when `tryWrite`);
   * null when they can. Stores that cannot run out of room leave it out.
   */
  writable?(tryWrite: boolean): StoreUnwritable | null;

  close(): void;
}

/**
 * The store cannot be written now (disk full, read-only file, I/O error):
 * `commit()` throws it and the batch stays pending. It is not damage: once the
 * store can be written again the pending batch commits and nothing is lost.
 * A 503 to callers (API.md has no code of its own for it), naming the file.
 */
export class StoreUnwritable extends TernError {
  constructor(
    /** what a trader reads, e.g. "disk full: 0.4 MB free on /home/x/.config/Tern" */
    readonly reason: string,
    readonly path: string,
  ) {
    super('VENUE_UNAVAILABLE', `the store cannot be written: ${reason}; trading is halted and reads still work until it can be written again`, {
      path,
      reason,
    });
    this.name = 'StoreUnwritable';
  }
}
