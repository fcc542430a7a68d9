import type Database from 'better-sqlite3';
import type { AccountRecord, ApiKeyRecord, BalanceRecord, FillRecord, OrderRecord, PositionRecord } from '../engine/model/types.js';
import { accountCodec, balanceCodec, fillCodec, keyCodec, orderCodec, positionCodec, type RecordCodec, type Wire, type WireEntry } from './codec.js';

/**
 * How journal entries change the projection tables, in one place, used by
 * both the incremental path (commit) and the rebuild (open, verify).
 *
 * A batch coalesces upserts of the same key (last wins: each entry carries
 * the full record) so a batch in which an order is created, accepted and
 * filled writes its row once. An account_reset is a barrier: what came
 * before it is written, then the account's rows are deleted, then the rest.
 */

interface Segment {
  orders: Map<string, Wire<OrderRecord>>;
  fills: Array<{ seq: number; fill: Wire<FillRecord> }>;
  positions: Map<string, Wire<PositionRecord>>;
  balances: Map<string, Wire<BalanceRecord>>;
  accounts: Map<string, Wire<AccountRecord>>;
  keys: Map<string, Wire<ApiKeyRecord>>;
  settings: Map<string, { name: string; value: unknown; ts: number }>;
}

type Step = { kind: 'upserts'; segment: Segment } | { kind: 'reset'; account: string };

const newSegment = (): Segment => ({
  orders: new Map(),
  fills: [],
  positions: new Map(),
  balances: new Map(),
  accounts: new Map(),
  keys: new Map(),
  settings: new Map(),
});

export class ProjectionBatch {
  readonly steps: Step[] = [];
  private current: Segment | null = null;

  add(seq: number, e: WireEntry): void {
    if (e.type === 'account_reset') {
      this.steps.push({ kind: 'reset', account: e.account });
      this.current = null;
      return;
    }
    let s = this.current;
    if (s === null) {
      s = newSegment();
      this.steps.push({ kind: 'upserts', segment: s });
      this.current = s;
    }
    switch (e.type) {
      case 'order':
        s.orders.set(e.order.id, e.order);
        break;
      case 'fill':
        s.fills.push({ seq, fill: e.fill });
        break;
      case 'position':
        s.positions.set(`${e.position.account}\u0000${e.position.symbol}`, e.position);
        break;
      case 'balance':
        s.balances.set(`${e.balance.account}\u0000${e.balance.asset}`, e.balance);
        break;
      case 'account':
        s.accounts.set(e.account.id, e.account);
        break;
      case 'key':
        s.keys.set(e.key.id, e.key);
        break;
      case 'setting':
        s.settings.set(e.name, e);
        break;
    }
  }

  get isEmpty(): boolean {
    return this.steps.length === 0;
  }

  clear(): void {
    this.steps.length = 0;
    this.current = null;
  }
}

/** Names of the projection tables and their key columns (verification, rebuild). */
export const PROJECTION_TABLES: ReadonlyArray<{ table: string; key: readonly string[] }> = [
  { table: 'orders', key: ['id'] },
  { table: 'fills', key: ['seq'] },
  { table: 'positions', key: ['account', 'symbol'] },
  { table: 'balances', key: ['account', 'asset'] },
  { table: 'accounts', key: ['id'] },
  { table: 'api_keys', key: ['id'] },
  { table: 'settings', key: ['name'] },
];

function upsertSql(table: string, columns: readonly string[], key: readonly string[]): string {
  const rest = columns.filter((c) => !key.includes(c));
  return (
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ` +
    `ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${rest.map((c) => `${c} = excluded.${c}`).join(', ')}`
  );
}

/** The projection statements against one schema: `main`, or an attached copy that verify() rebuilds into. */
export class Projector {
  private readonly upsertOrder: Database.Statement;
  private readonly insertFill: Database.Statement;
  private readonly upsertPosition: Database.Statement;
  private readonly upsertBalance: Database.Statement;
  private readonly upsertAccount: Database.Statement;
  private readonly upsertKey: Database.Statement;
  private readonly upsertSetting: Database.Statement;
  private readonly resetStatements: Database.Statement[];
  private readonly clearStatements: Database.Statement[];

  constructor(db: Database.Database, schema = 'main') {
    const t = (name: string) => `${schema}.${name}`;
    const upsert = (name: string, codec: RecordCodec<unknown>, key: readonly string[]) => db.prepare(upsertSql(t(name), codec.columns, key));
    this.upsertOrder = upsert('orders', orderCodec as RecordCodec<unknown>, ['id']);
    this.upsertPosition = upsert('positions', positionCodec as RecordCodec<unknown>, ['account', 'symbol']);
    this.upsertBalance = upsert('balances', balanceCodec as RecordCodec<unknown>, ['account', 'asset']);
    this.upsertAccount = upsert('accounts', accountCodec as RecordCodec<unknown>, ['id']);
    this.upsertKey = upsert('api_keys', keyCodec as RecordCodec<unknown>, ['id']);
    this.upsertSetting = db.prepare(upsertSql(t('settings'), ['name', 'value', 'updated_at'], ['name']));
    // A fill reported twice (same venue trade on the same account) is kept once;
    // the journal still holds both reports.
    const fillColumns = [...fillCodec.columns, 'seq'];
    this.insertFill = db.prepare(`INSERT INTO ${t('fills')} (${fillColumns.join(', ')}) VALUES (${fillColumns.map(() => '?').join(', ')}) ON CONFLICT DO NOTHING`);
    this.resetStatements = ['orders', 'fills', 'positions'].map((name) => db.prepare(`DELETE FROM ${t(name)} WHERE account = ?`));
    this.clearStatements = PROJECTION_TABLES.map(({ table }) => db.prepare(`DELETE FROM ${t(table)}`));
  }

  /** Writes a batch; the caller holds the transaction. */
  apply(batch: ProjectionBatch): void {
    for (const step of batch.steps) {
      if (step.kind === 'reset') {
        for (const stmt of this.resetStatements) stmt.run(step.account);
        continue;
      }
      const s = step.segment;
      for (const o of s.orders.values()) this.upsertOrder.run(orderCodec.params(o));
      for (const { seq, fill } of s.fills) {
        const p = fillCodec.params(fill);
        p.push(seq);
        this.insertFill.run(p);
      }
      for (const p of s.positions.values()) this.upsertPosition.run(positionCodec.params(p));
      for (const b of s.balances.values()) this.upsertBalance.run(balanceCodec.params(b));
      for (const a of s.accounts.values()) this.upsertAccount.run(accountCodec.params(a));
      for (const k of s.keys.values()) this.upsertKey.run(keyCodec.params(k));
      for (const e of s.settings.values()) this.upsertSetting.run(e.name, JSON.stringify(e.value), e.ts);
    }
  }

  /** Empties every projection table (before a rebuild). */
  clear(): void {
    for (const stmt of this.clearStatements) stmt.run();
  }
}
