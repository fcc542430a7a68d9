import type Database from 'better-sqlite3';
import { accountCodec, balanceCodec, fillCodec, keyCodec, orderCodec, positionCodec, type RecordCodec, strategyPositionCodec, type Tuple, type WireEntry } from './codec.js';

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
  orders: Map<string, Tuple>;
  /** the seq of each order's first entry in the segment: its place in "newest first" when the row is new */
  orderSeqs: Map<string, number>;
  /** params, seq, params, seq…: a fill row is keyed by the seq of its journal entry */
  fills: unknown[];
  positions: Map<string, Tuple>;
  strategyPositions: Map<string, Tuple>;
  balances: Map<string, Tuple>;
  accounts: Map<string, Tuple>;
  keys: Map<string, Tuple>;
  settings: Map<string, { name: string; value: unknown; ts: number }>;
}

type Step = { kind: 'upserts'; segment: Segment } | { kind: 'reset'; account: string };

const newSegment = (): Segment => ({
  orders: new Map(),
  orderSeqs: new Map(),
  fills: [],
  positions: new Map(),
  strategyPositions: new Map(),
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
      // Key columns come first in every schema.
      case 'order': {
        const id = e.order[0] as string;
        s.orders.set(id, e.order);
        if (!s.orderSeqs.has(id)) s.orderSeqs.set(id, seq);
        break;
      }
      case 'fill':
        s.fills.push(fillCodec.params(e.fill), seq);
        break;
      case 'position':
        s.positions.set(`${e.position[0] as string}\u0000${e.position[1] as string}`, e.position);
        break;
      case 'strategy_position':
        s.strategyPositions.set(`${e.position[0] as string}\u0000${e.position[1] as string}\u0000${e.position[2] as string}`, e.position);
        break;
      case 'balance':
        s.balances.set(`${e.balance[0] as string}\u0000${e.balance[1] as string}`, e.balance);
        break;
      case 'account':
        s.accounts.set(e.account[0] as string, e.account);
        break;
      case 'key':
        s.keys.set(e.key[0] as string, e.key);
        break;
      case 'setting':
        s.settings.set(e.name, e);
        break;
    }
  }

  get isEmpty(): boolean {
    return this.steps.length === 0;
  }

  /** the newest record of an order in the batch (after its last reset), if it has one */
  order(id: string): Tuple | undefined {
    return this.current?.orders.get(id);
  }

  /** the newest value of a setting in the batch (after its last reset), if it has one */
  setting(name: string): { value: unknown } | undefined {
    return this.current?.settings.get(name);
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
  { table: 'strategy_positions', key: ['strategy_id', 'account', 'symbol'] },
  { table: 'balances', key: ['account', 'asset'] },
  { table: 'accounts', key: ['id'] },
  { table: 'api_keys', key: ['id'] },
  { table: 'settings', key: ['name'] },
];

/** Order columns fixed at creation (see Projector); seq is the journal seq of the order's first entry. */
export const ORDER_IDENTITY = ['client_order_id', 'account', 'symbol', 'side', 'type', 'created_at', 'seq', 'strategy_id'] as const;

/** Rows per multi-row statement: one native call binds many rows. */
const ROWS_PER_STATEMENT = 32;

/**
 * One INSERT (or upsert) for 1..ROWS_PER_STATEMENT rows, prepared on first use.
 * `argsPerRow` is how many run() arguments make one row (a tuple, plus the
 * fill's seq).
 */
class RowWriter {
  private readonly statements: Database.Statement[] = [];
  constructor(
    private readonly db: Database.Database,
    private readonly head: string,
    private readonly rowSql: string,
    private readonly tail: string,
    private readonly argsPerRow: number,
  ) {}

  write(args: unknown[]): void {
    const step = ROWS_PER_STATEMENT * this.argsPerRow;
    for (let i = 0; i < args.length; i += step) {
      const part = i === 0 && args.length <= step ? args : args.slice(i, i + step);
      this.statement(part.length / this.argsPerRow).run(...part);
    }
  }

  private statement(rows: number): Database.Statement {
    let stmt = this.statements[rows];
    if (stmt === undefined) {
      stmt = this.db.prepare(`${this.head} VALUES ${Array(rows).fill(this.rowSql).join(', ')} ${this.tail}`);
      this.statements[rows] = stmt;
    }
    return stmt;
  }
}

/** `fixed` columns are written when the row is created and never updated (their indexes are not rewritten). */
function upsertWriter(db: Database.Database, table: string, columns: readonly string[], key: readonly string[], fixed: readonly string[] = []): RowWriter {
  const rest = columns.filter((c) => !key.includes(c) && !fixed.includes(c));
  return new RowWriter(db, `INSERT INTO ${table} (${columns.join(', ')})`, `(${columns.map(() => '?').join(', ')})`, upsertTail(key, rest), 1);
}

function upsertTail(key: readonly string[], updated: readonly string[]): string {
  return `ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${updated.map((c) => `${c} = excluded.${c}`).join(', ')}`;
}

/** The projection statements against one schema: `main`, or an attached copy that verify() rebuilds into. */
export class Projector {
  private readonly orders: RowWriter;
  private readonly fills: RowWriter;
  private readonly positions: RowWriter;
  private readonly strategyPositions: RowWriter;
  private readonly balances: RowWriter;
  private readonly accounts: RowWriter;
  private readonly keys: RowWriter;
  private readonly settings: RowWriter;
  private readonly resetStatements: Database.Statement[];
  private readonly clearStatements: Database.Statement[];

  constructor(db: Database.Database, schema = 'main') {
    const t = (name: string) => `${schema}.${name}`;
    const upsert = (name: string, codec: RecordCodec<never>, key: readonly string[], fixed?: readonly string[]) =>
      upsertWriter(db, t(name), codec.columns, key, fixed);
    // An order's identity never changes after it is created: updating only the
    // rest leaves the orders_*_created indexes untouched on every state change.
    const orderColumns = [...orderCodec.columns, 'seq'];
    this.orders = new RowWriter(
      db,
      `INSERT INTO ${t('orders')} (${orderColumns.join(', ')})`,
      `(${orderColumns.map(() => '?').join(', ')})`,
      upsertTail(['id'], orderColumns.filter((c) => c !== 'id' && !(ORDER_IDENTITY as readonly string[]).includes(c))),
      2,
    );
    this.positions = upsert('positions', positionCodec as RecordCodec<never>, ['account', 'symbol']);
    this.strategyPositions = upsert('strategy_positions', strategyPositionCodec as RecordCodec<never>, ['strategy_id', 'account', 'symbol']);
    this.balances = upsert('balances', balanceCodec as RecordCodec<never>, ['account', 'asset']);
    this.accounts = upsert('accounts', accountCodec as RecordCodec<never>, ['id']);
    this.keys = upsert('api_keys', keyCodec as RecordCodec<never>, ['id']);
    this.settings = upsertWriter(db, t('settings'), ['name', 'value', 'updated_at'], ['name']);
    // A fill reported twice (same venue trade on the same account) is kept once;
    // the journal still holds both reports.
    const fillColumns = [...fillCodec.columns, 'seq'];
    this.fills = new RowWriter(db, `INSERT INTO ${t('fills')} (${fillColumns.join(', ')})`, `(${fillColumns.map(() => '?').join(', ')})`, 'ON CONFLICT DO NOTHING', 2);
    this.resetStatements = ['orders', 'fills', 'positions', 'strategy_positions'].map((name) => db.prepare(`DELETE FROM ${t(name)} WHERE account = ?`));
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
      if (s.orders.size) {
        // one flat argument list, without an entry pair and a [params, seq] pair per order
        const args: unknown[] = [];
        s.orders.forEach((order, id) => args.push(orderCodec.params(order), s.orderSeqs.get(id)));
        this.orders.write(args);
      }
      if (s.fills.length) this.fills.write(s.fills);
      if (s.positions.size) this.positions.write([...s.positions.values()].map(positionCodec.params));
      if (s.strategyPositions.size) this.strategyPositions.write([...s.strategyPositions.values()].map(strategyPositionCodec.params));
      if (s.balances.size) this.balances.write([...s.balances.values()].map(balanceCodec.params));
      if (s.accounts.size) this.accounts.write([...s.accounts.values()].map(accountCodec.params));
      if (s.keys.size) this.keys.write([...s.keys.values()].map(keyCodec.params));
      if (s.settings.size) this.settings.write([...s.settings.values()].map((e) => [e.name, JSON.stringify(e.value), e.ts]));
    }
  }

  /** Empties every projection table (before a rebuild). */
  clear(): void {
    for (const stmt of this.clearStatements) stmt.run();
  }
}
