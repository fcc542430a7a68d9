import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ORDER_STATES, TERMINAL_STATES } from '../../src-main/engine/model/order-state.js';
import { accountCodec, balanceCodec, fillCodec, keyCodec, orderCodec, positionCodec, strategyPositionCodec } from '../../src-main/store/codec.js';
import { ACTIVE_STATES_SQL, migrate, MIGRATIONS, SCHEMA_VERSION } from '../../src-main/store/migrations.js';
import { SqliteStore } from '../../src-main/store/sqlite-store.js';
import { openTempStore, type TempStore } from '../../src-main/store/temp-store.js';
import { fill, order } from './records.js';

let temps: TempStore[] = [];
afterEach(() => {
  for (const t of temps) t.dispose();
  temps = [];
});
function temp(): TempStore {
  const t = openTempStore();
  temps.push(t);
  return t;
}

describe('migrations', () => {
  it('bring a new file to the newest version', () => {
    const { store, file } = temp();
    store.close();
    const db = new Database(file);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('upgrade a version-1 file (journal only) and build its projections from the journal', () => {
    const { store, file } = temp();
    store.record({ type: 'order', event: 'initialize', order: order() });
    store.record({ type: 'fill', fill: fill() });
    store.close();

    // Recreate the file as version 1 left it: the same journal rows, no projections.
    const db = new Database(file);
    const rows = db.prepare('SELECT seq, ts, type, payload FROM journal ORDER BY seq').all();
    db.close();
    const v1 = new Database(`${file}.v1`);
    v1.exec(MIGRATIONS[0]!.sql);
    v1.pragma('user_version = 1');
    const insert = v1.prepare('INSERT INTO journal (seq, ts, type, payload) VALUES (@seq, @ts, @type, @payload)');
    for (const r of rows) insert.run(r);
    v1.close();

    const upgraded = SqliteStore.open(`${file}.v1`);
    expect(upgraded.journalSeq).toBe(2);
    expect(upgraded.loadActiveOrders().map((o) => o.id)).toEqual(['O-1']);
    expect(upgraded.queryFills({ limit: 10 }).map((f) => f.id)).toEqual(['F-1']);
    expect(upgraded.verify()).toEqual({ ok: true, mismatches: [] });
    upgraded.close();
  });

  it('upgrade a version-4 file: its orders are then listed in journal order, whatever their created_at', () => {
    const { store, file } = temp();
    // placed while the wall clock went a day forward and back
    const day = 86_400_000;
    for (const [id, createdAt] of [['O-a', 1_000], ['O-b', 1_000 + day], ['O-c', 2_000]] as const) {
      store.record({ type: 'order', event: 'initialize', order: order({ id, clientOrderId: `T-${id}`, createdAt, updatedAt: createdAt }) });
    }
    store.close();
    const db = new Database(file);
    const rows = db.prepare('SELECT seq, ts, type, payload FROM journal ORDER BY seq').all();
    db.close();
    // the same journal in a file as version 4 left it, projections included
    const v4 = new Database(`${file}.v4`);
    migrate(v4, MIGRATIONS.slice(0, 4));
    const insert = v4.prepare('INSERT INTO journal (seq, ts, type, payload) VALUES (@seq, @ts, @type, @payload)');
    for (const r of rows) insert.run(r);
    v4.close();

    const upgraded = SqliteStore.open(`${file}.v4`);
    expect(upgraded.queryOrders({ status: 'all', limit: 10 }).map((o) => o.id)).toEqual(['O-c', 'O-b', 'O-a']);
    expect(upgraded.loadActiveOrders().map((o) => o.id)).toEqual(['O-a', 'O-b', 'O-c']);
    expect(upgraded.verify()).toEqual({ ok: true, mismatches: [] });
    upgraded.close();
  });

  it('apply only the migrations a file lacks, in order', () => {
    const db = new Database(':memory:');
    const list = [
      { version: 1, name: 'a', sql: 'CREATE TABLE t (x INTEGER)' },
      { version: 2, name: 'b', sql: 'ALTER TABLE t ADD COLUMN y TEXT' },
    ];
    expect(migrate(db, list.slice(0, 1))).toBe(0);
    db.exec('INSERT INTO t (x) VALUES (1)');
    expect(migrate(db, list)).toBe(1);
    expect(db.prepare('SELECT x, y FROM t').get()).toEqual({ x: 1, y: null });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
  });

  it('leave the file untouched when a migration fails', () => {
    const db = new Database(':memory:');
    const list = [
      { version: 1, name: 'a', sql: 'CREATE TABLE t (x INTEGER)' },
      { version: 2, name: 'broken', sql: 'CREATE TABLE u (y); SELECT * FROM nowhere' },
    ];
    expect(() => migrate(db, list)).toThrow(/no such table: nowhere/);
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'`).get()).toEqual({ n: 0 });
  });

  it('refuse a file written by a newer version, saying so', () => {
    const { store, file } = temp();
    store.close();
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => SqliteStore.open(file)).toThrowError(`database schema version ${SCHEMA_VERSION + 1} is newer than this build of Tern supports (${SCHEMA_VERSION})`);
  });

  it('give every projection table the columns of its record codec, in order', () => {
    const db = new Database(':memory:');
    migrate(db);
    const columns = (table: string) => (db.pragma(`table_info(${table})`) as Array<{ name: string }>).map((c) => c.name);
    // columns are named in every read, so a column added later (strategy_id, after seq) may follow seq
    expect(columns('orders').filter((c) => c !== 'seq')).toEqual(orderCodec.columns);
    expect(columns('orders')).toContain('seq');
    expect(columns('fills')).toEqual(['seq', ...fillCodec.columns]);
    expect(columns('strategy_positions')).toEqual(strategyPositionCodec.columns);
    expect(columns('positions')).toEqual(positionCodec.columns);
    expect(columns('balances')).toEqual(balanceCodec.columns);
    expect(columns('accounts')).toEqual(accountCodec.columns);
    expect(columns('api_keys')).toEqual(keyCodec.columns);
  });

  it('name exactly the non-terminal order states as active', () => {
    const active = ORDER_STATES.filter((s) => !TERMINAL_STATES.has(s));
    expect(ACTIVE_STATES_SQL).toBe(`state IN (${active.map((s) => `'${s}'`).join(',')})`);
    const db = new Database(':memory:');
    migrate(db);
    const index = db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'orders_active'`).pluck().get() as string;
    expect(index.replace(/\s+/g, ' ')).toContain(`WHERE ${ACTIVE_STATES_SQL}`);
  });
});
