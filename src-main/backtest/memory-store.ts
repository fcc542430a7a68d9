import type { AccountRecord, ApiKeyRecord, BalanceRecord, FillRecord, OrderRecord, PositionRecord, StrategyPositionRecord } from '../engine/model/types.js';
import { isTerminal } from '../engine/model/order-state.js';
import type { EngineStore, FillQuery, JournalEntry, OrderQuery } from '../engine/ports/store.js';

/** records by two keys (account, then symbol or asset): no key string made per entry, as `${a}\0${b}` would */
class ByTwo<T> {
  private readonly outer = new Map<string, Map<string, T>>();
  set(a: string, b: string, value: T): void {
    let inner = this.outer.get(a);
    if (!inner) this.outer.set(a, (inner = new Map()));
    inner.set(b, value);
  }
  *values(): IterableIterator<T> {
    for (const inner of this.outer.values()) yield* inner.values();
  }
  /** forgets everything under `a` */
  delete(a: string): void {
    this.outer.delete(a);
  }
}

/**
 * The engine's store for a backtest: the same journal entries and projections
 * as the SQLite store, kept in memory. A backtest's history lives as long as
 * its run; what it needs afterwards (fills, orders) the runner reads from
 * here. Unlike SQLite, an entry is projected as soon as it is recorded (one
 * process, one thread: nobody can see half a batch, and the OMS can find an
 * order it just closed); `commit()` only ends the batch. A backtest's store
 * (`commitsOnRecord`) has no batch at all: an entry is committed as it is
 * recorded, so the engine's journal need not schedule one per turn of the
 * event loop (a promise and a microtask each) nor wait for it. The journal itself
 * is kept only when asked (`keepJournal`), since a long run writes hundreds
 * of thousands of entries nobody reads.
 */
export class MemoryStore implements EngineStore {
  readonly commitsOnRecord: boolean;
  private pendingCount = 0;
  private seq = 0;
  /** by id, in the order they were first recorded (a Map keeps a key where it was first set) */
  private readonly orders = new Map<string, OrderRecord>();
  private readonly byClientId = new Map<string, string>();
  private fills: FillRecord[] = [];
  private readonly positions = new ByTwo<PositionRecord>();
  /** by strategy id, then account NUL symbol */
  private readonly strategyPositions = new Map<string, ByTwo<StrategyPositionRecord>>();
  private readonly balances = new ByTwo<BalanceRecord>();
  private readonly accounts = new Map<string, AccountRecord>();
  private readonly keys = new Map<string, ApiKeyRecord>();
  private readonly settings = new Map<string, unknown>();
  /** every committed entry, oldest first, when `keepJournal` was set */
  readonly journal: JournalEntry[] | null;

  constructor(opts: { keepJournal?: boolean; commitsOnRecord?: boolean } = {}) {
    this.journal = opts.keepJournal ? [] : null;
    this.commitsOnRecord = opts.commitsOnRecord === true;
  }

  record(entry: JournalEntry): void {
    if (!this.commitsOnRecord) this.pendingCount += 1;
    this.seq += 1;
    this.apply(entry);
    this.journal?.push(entry);
  }

  commit(): void {
    this.pendingCount = 0;
  }

  get pending(): number {
    return this.pendingCount;
  }

  get journalSeq(): number {
    return this.seq;
  }

  loadAccounts(): AccountRecord[] {
    return [...this.accounts.values()].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  loadActiveOrders(): OrderRecord[] {
    return [...this.orders.values()].filter((o) => !isTerminal(o.state));
  }

  loadPositions(): PositionRecord[] {
    return [...this.positions.values()].sort((a, b) => a.account.localeCompare(b.account) || a.symbol.localeCompare(b.symbol));
  }

  loadStrategyPositions(): StrategyPositionRecord[] {
    return [...this.strategyPositions.values()].flatMap((byAccount) => [...byAccount.values()]);
  }

  loadBalances(): BalanceRecord[] {
    return [...this.balances.values()].sort((a, b) => a.account.localeCompare(b.account) || a.asset.localeCompare(b.asset));
  }

  loadKeys(): ApiKeyRecord[] {
    return [...this.keys.values()];
  }

  loadSetting(name: string): unknown {
    return this.settings.get(name);
  }

  queryOrders(q: OrderQuery): OrderRecord[] {
    const out: OrderRecord[] = [];
    const ids = [...this.orders.keys()];
    for (let i = ids.length - 1; i >= 0 && out.length < q.limit; i--) {
      const o = this.orders.get(ids[i]!)!;
      if (q.account && o.account !== q.account) continue;
      if (q.symbol && o.symbol !== q.symbol) continue;
      if (q.strategy && o.strategyId !== q.strategy) continue;
      if (q.key && o.keyId !== q.key) continue;
      if (q.status === 'open' && isTerminal(o.state)) continue;
      if (q.status === 'closed' && !isTerminal(o.state)) continue;
      out.push(o);
    }
    return out;
  }

  getOrder(idOrClientOrderId: string): OrderRecord | undefined {
    return this.orders.get(idOrClientOrderId) ?? this.orders.get(this.byClientId.get(idOrClientOrderId) ?? '');
  }

  queryFills(q: FillQuery): FillRecord[] {
    const out: FillRecord[] = [];
    for (let i = this.fills.length - 1; i >= 0 && out.length < q.limit; i--) {
      const f = this.fills[i]!;
      if ((q.account && f.account !== q.account) || (q.symbol && f.symbol !== q.symbol) || (q.strategy && f.strategyId !== q.strategy)) continue;
      out.push(f);
    }
    return out;
  }

  allFills(account?: string): Iterable<FillRecord> {
    return account ? this.fills.filter((f) => f.account === account) : [...this.fills];
  }

  close(): void {
    this.pendingCount = 0;
  }

  private apply(e: JournalEntry): void {
    switch (e.type) {
      case 'order':
        this.orders.set(e.order.id, e.order);
        this.byClientId.set(e.order.clientOrderId, e.order.id);
        return;
      case 'fill':
        this.fills.push(e.fill);
        return;
      case 'position':
        this.positions.set(e.position.account, e.position.symbol, e.position);
        return;
      case 'strategy_position': {
        let owned = this.strategyPositions.get(e.position.strategyId);
        if (!owned) this.strategyPositions.set(e.position.strategyId, (owned = new ByTwo()));
        owned.set(e.position.account, e.position.symbol, e.position);
        return;
      }
      case 'balance':
        this.balances.set(e.balance.account, e.balance.asset, e.balance);
        return;
      case 'account':
        this.accounts.set(e.account.id, e.account);
        return;
      case 'account_reset':
        for (const [id, o] of this.orders) {
          if (o.account !== e.account) continue;
          this.orders.delete(id);
          this.byClientId.delete(o.clientOrderId);
        }
        this.fills = this.fills.filter((f) => f.account !== e.account);
        this.positions.delete(e.account);
        for (const owned of this.strategyPositions.values()) owned.delete(e.account);
        return;
      case 'key':
        this.keys.set(e.key.id, e.key);
        return;
      case 'setting':
        this.settings.set(e.name, e.value);
        return;
      case 'risk_decision':
        return;
    }
  }
}
