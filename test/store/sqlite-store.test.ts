import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SqliteStore } from '../../src-main/store/sqlite-store.js';
import { openTempStore, type TempStore } from '../../src-main/store/temp-store.js';
import { account, apiKey, balance, d, fill, order, position } from './records.js';

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

describe('SqliteStore projections', () => {
  it("'order' upserts the order by id: the last record wins", () => {
    const store = SqliteStore.open('');
    store.record({ type: 'order', event: 'initialize', order: order({ state: 'initialized' }) });
    store.commit();
    store.record({ type: 'order', event: 'accept', order: order({ state: 'accepted', updatedAt: 2 }) });
    store.record({ type: 'order', event: 'partial_fill', order: order({ state: 'partially_filled', filledQuantity: d('0.005'), averagePrice: d('27000'), updatedAt: 3 }) });
    store.commit();
    const o = store.getOrder('O-1')!;
    expect(o.state).toBe('partially_filled');
    expect(o.filledQuantity.eq('0.005')).toBe(true);
    expect(o.averagePrice!.eq('27000')).toBe(true);
    expect(store.queryOrders({ status: 'all', limit: 10 })).toHaveLength(1);
    expect(store.journalSeq).toBe(3);
  });

  it("'fill' inserts a fill once per venue trade and account", () => {
    const store = SqliteStore.open('');
    store.record({ type: 'fill', fill: fill() });
    store.record({ type: 'fill', fill: fill({ id: 'F-2' }) }); // the same venue trade reported again
    store.record({ type: 'fill', fill: fill({ id: 'F-3', account: 'other' }) });
    store.commit();
    expect(store.queryFills({ limit: 10 }).map((f) => f.id).sort()).toEqual(['F-1', 'F-3']);
    expect([...store.journal()].filter((e) => e.entry.type === 'fill')).toHaveLength(3);
  });

  it("'position' and 'balance' upsert by account and symbol / asset", () => {
    const store = SqliteStore.open('');
    store.record({ type: 'position', position: position() });
    store.record({ type: 'position', position: position({ symbol: 'ETH-USDT' }) });
    store.record({ type: 'balance', balance: balance() });
    store.commit();
    store.record({ type: 'position', position: position({ quantity: d('0'), averagePrice: null }) });
    store.record({ type: 'balance', balance: balance({ total: d('9000'), locked: d(0) }) });
    store.commit();
    expect(store.loadPositions().map((p) => [p.symbol, p.quantity.toFixed(), p.averagePrice])).toEqual([
      ['BTC-USDT', '0', null],
      ['ETH-USDT', '-0.5', d('27000.1')],
    ]);
    expect(store.loadBalances().map((b) => [b.asset, b.total.toFixed(), b.locked.toFixed()])).toEqual([['USDT', '9000', '0']]);
  });

  it("'account', 'key' and 'setting' upsert by id / name", () => {
    const store = SqliteStore.open('');
    store.record({ type: 'account', account: account() });
    store.record({ type: 'key', key: apiKey() });
    store.record({ type: 'setting', name: 'risk', value: { maxOrderNotional: d('5000') }, ts: 1 });
    store.commit();
    store.record({ type: 'account', account: account({ status: 'disabled' }) });
    store.record({ type: 'key', key: apiKey({ revokedAt: 99 }) });
    store.record({ type: 'setting', name: 'risk', value: { maxOrderNotional: '6000' }, ts: 2 });
    store.commit();
    expect(store.loadAccounts()).toEqual([account({ status: 'disabled' })]);
    expect(store.loadKeys()).toEqual([apiKey({ revokedAt: 99 })]);
    expect(store.loadSetting('risk')).toEqual({ maxOrderNotional: '6000' });
    expect(store.loadSetting('missing')).toBeUndefined();
  });

  it("'account_reset' removes the account's orders, fills and positions from the projections, not from the journal", () => {
    const store = SqliteStore.open('');
    store.record({ type: 'order', event: 'accept', order: order() });
    store.record({ type: 'order', event: 'accept', order: order({ id: 'O-2', clientOrderId: 'T-2', account: 'other' }) });
    store.record({ type: 'fill', fill: fill() });
    store.record({ type: 'position', position: position() });
    store.record({ type: 'balance', balance: balance() });
    store.commit();
    store.record({ type: 'account_reset', account: 'paper', ts: 10 });
    // in the same batch, after the reset: a new order survives it
    store.record({ type: 'order', event: 'initialize', order: order({ id: 'O-3', clientOrderId: 'T-3', state: 'initialized' }) });
    store.commit();
    expect(store.loadActiveOrders().map((o) => o.id)).toEqual(['O-2', 'O-3']);
    expect(store.queryFills({ account: 'paper', limit: 10 })).toEqual([]);
    expect(store.loadPositions()).toEqual([]);
    expect(store.loadBalances()).toHaveLength(1); // balances are reset by the balance entries that follow
    expect([...store.journal()].map((e) => e.entry.type)).toEqual(['order', 'order', 'fill', 'position', 'balance', 'account_reset', 'order']);
    expect(store.verify().ok).toBe(true);
  });
});

describe('SqliteStore queries', () => {
  function seeded(): SqliteStore {
    const store = SqliteStore.open('');
    const states = ['filled', 'accepted', 'canceled', 'partially_filled', 'rejected', 'pending_cancel'] as const;
    states.forEach((state, i) =>
      store.record({
        type: 'order',
        event: 'initialize',
        order: order({ id: `O-${i}`, clientOrderId: `T-${i}`, state, symbol: i % 2 ? 'ETH-USDT' : 'BTC-USDT', account: i < 4 ? 'paper' : 'other', createdAt: 100 + (i % 3) }),
      }),
    );
    for (let i = 0; i < 5; i++) store.record({ type: 'fill', fill: fill({ id: `F-${i}`, venueTradeId: `VT-${i}`, ts: [5, 3, 5, 1, 9][i]!, symbol: i % 2 ? 'ETH-USDT' : 'BTC-USDT' }) });
    store.commit();
    return store;
  }

  it('loadActiveOrders returns only working orders, oldest first (journal order, whatever their created_at)', () => {
    expect(seeded().loadActiveOrders().map((o) => o.id)).toEqual(['O-1', 'O-3', 'O-5']);
  });

  it('queryOrders filters by status, account and symbol, newest first in journal order (not by created_at, which a clock set back breaks)', () => {
    const store = seeded();
    const ids = (q: Parameters<SqliteStore['queryOrders']>[0]) => store.queryOrders(q).map((o) => o.id);
    expect(ids({ status: 'all', limit: 10 })).toEqual(['O-5', 'O-4', 'O-3', 'O-2', 'O-1', 'O-0']);
    expect(ids({ status: 'open', limit: 10 })).toEqual(['O-5', 'O-3', 'O-1']);
    expect(ids({ status: 'closed', limit: 10 })).toEqual(['O-4', 'O-2', 'O-0']);
    expect(ids({ status: 'closed', account: 'paper', limit: 10 })).toEqual(['O-2', 'O-0']);
    expect(ids({ status: 'all', account: 'paper', symbol: 'ETH-USDT', limit: 10 })).toEqual(['O-3', 'O-1']);
    expect(ids({ status: 'all', limit: 2 })).toEqual(['O-5', 'O-4']);
    // an order's later entries do not move it
    store.record({ type: 'order', event: 'cancel', order: order({ id: 'O-1', clientOrderId: 'T-1', state: 'canceled', symbol: 'ETH-USDT', account: 'paper', createdAt: 101, updatedAt: 999 }) });
    store.commit();
    expect(ids({ status: 'all', limit: 10 })).toEqual(['O-5', 'O-4', 'O-3', 'O-2', 'O-1', 'O-0']);
  });

  it('queryOrders refuses a bad limit or status, naming it', () => {
    const store = seeded();
    expect(() => store.queryOrders({ status: 'all', limit: 0 })).toThrowError('limit must be a positive integer');
    expect(() => store.queryOrders({ status: 'done' as never, limit: 1 })).toThrowError(/status must be/);
  });

  it('getOrder finds an order by id or by client order id', () => {
    const store = seeded();
    expect(store.getOrder('O-2')?.clientOrderId).toBe('T-2');
    expect(store.getOrder('T-2')?.id).toBe('O-2');
    expect(store.getOrder('nope')).toBeUndefined();
  });

  it('queryFills is newest journaled first; allFills is in journal order, whatever the fills\' ts', () => {
    const store = seeded();
    expect(store.queryFills({ limit: 10 }).map((f) => f.id)).toEqual(['F-4', 'F-3', 'F-2', 'F-1', 'F-0']);
    expect(store.queryFills({ limit: 2 }).map((f) => f.id)).toEqual(['F-4', 'F-3']);
    expect(store.queryFills({ symbol: 'ETH-USDT', limit: 10 }).map((f) => f.id)).toEqual(['F-3', 'F-1']);
    expect(store.queryFills({ account: 'paper', symbol: 'BTC-USDT', limit: 10 }).map((f) => f.id)).toEqual(['F-4', 'F-2', 'F-0']);
    expect(store.queryFills({ account: 'nobody', limit: 10 })).toEqual([]);
    expect([...store.allFills()].map((f) => f.id)).toEqual(['F-0', 'F-1', 'F-2', 'F-3', 'F-4']);
    expect([...store.allFills('paper')].map((f) => f.id)).toEqual(['F-0', 'F-1', 'F-2', 'F-3', 'F-4']);
    expect([...store.allFills('other')]).toEqual([]);
  });

  it('allFills reads lazily, page by page, and lets commits happen between pages', () => {
    const store = SqliteStore.open('');
    for (let i = 0; i < 2500; i++) store.record({ type: 'fill', fill: fill({ id: `F-${i}`, venueTradeId: `VT-${i}`, ts: 5000 - i }) });
    store.commit();
    let n = 0;
    for (const f of store.allFills('paper')) {
      expect(f.id).toBe(`F-${n}`);
      n++;
      if (n === 1500) {
        store.record({ type: 'balance', balance: balance() });
        store.commit();
      }
    }
    expect(n).toBe(2500);
  });

  it('journal(fromSeq) yields decoded entries from that seq on', () => {
    const store = seeded();
    const tail = [...store.journal(10)];
    expect(tail.map((e) => e.seq)).toEqual([10, 11]);
    expect(tail[0]!.entry).toEqual({ type: 'fill', fill: fill({ id: 'F-3', venueTradeId: 'VT-3', ts: 1, symbol: 'ETH-USDT' }) });
  });
});

describe('SqliteStore group commit', () => {
  it('record() only buffers: nothing is visible or durable before commit()', () => {
    const { store, file } = temp();
    store.record({ type: 'order', event: 'initialize', order: order() });
    expect(store.pending).toBe(1);
    expect(store.getOrder('O-1')).toBeUndefined();
    expect(store.journalSeq).toBe(0);
    const other = new Database(file, { readonly: true });
    expect(other.prepare('SELECT count(*) FROM journal').pluck().get()).toBe(0);
    other.close();
    store.commit();
    expect(store.pending).toBe(0);
    expect(store.getOrder('O-1')?.id).toBe('O-1');
  });

  it('a reopened file holds every committed batch and nothing recorded after the last commit', () => {
    const t = openTempStore();
    t.store.record({ type: 'order', event: 'initialize', order: order() });
    t.store.record({ type: 'fill', fill: fill() });
    t.store.commit();
    t.store.record({ type: 'order', event: 'initialize', order: order({ id: 'O-2', clientOrderId: 'T-2' }) });
    // Simulate the process dying: drop the connection without close() (which would commit).
    (t.store as unknown as { db: Database.Database }).db.close();

    const reopened = SqliteStore.open(t.file);
    expect(reopened.journalSeq).toBe(2);
    expect(reopened.queryOrders({ status: 'all', limit: 10 }).map((o) => o.id)).toEqual(['O-1']);
    expect(reopened.verify().ok).toBe(true);
    reopened.close();
    rmSync(dirname(t.file), { recursive: true, force: true });
  });

  it('a failed commit writes nothing and keeps the batch pending', () => {
    const store = SqliteStore.open('');
    store.record({ type: 'order', event: 'initialize', order: order() });
    store.commit();
    store.record({ type: 'balance', balance: balance() });
    // the same client order id on another order breaks a projection constraint
    store.record({ type: 'order', event: 'initialize', order: order({ id: 'O-2' }) });
    expect(() => store.commit()).toThrow(/UNIQUE constraint failed: orders.client_order_id/);
    expect(store.pending).toBe(2);
    expect(store.journalSeq).toBe(1);
    expect(store.loadBalances()).toEqual([]);
    expect([...store.journal()]).toHaveLength(1);
  });

  it('close() commits what is pending', () => {
    const t = temp();
    t.store.record({ type: 'balance', balance: balance() });
    t.store.close();
    const reopened = SqliteStore.open(t.file);
    expect(reopened.loadBalances()).toHaveLength(1);
    reopened.close();
  });

  it('coalesces upserts within a batch but journals every entry', () => {
    const store = SqliteStore.open('');
    for (let i = 0; i < 5; i++) store.record({ type: 'balance', balance: balance({ total: d(i), updatedAt: i }) });
    store.commit();
    expect(store.loadBalances()[0]!.total.toFixed()).toBe('4');
    expect([...store.journal()]).toHaveLength(5);
  });
});

describe('SqliteStore journal integrity', () => {
  it('the journal refuses UPDATE and DELETE', () => {
    const t = temp();
    t.store.record({ type: 'balance', balance: balance() });
    t.store.commit();
    const db = new Database(t.file);
    expect(() => db.prepare(`UPDATE journal SET payload = '{}'`).run()).toThrowError('journal is append-only: UPDATE refused');
    expect(() => db.prepare('DELETE FROM journal').run()).toThrowError('journal is append-only: DELETE refused');
    db.close();
  });

  it('verify() reports a projection row that differs from the journal, and rebuildProjections() repairs it', () => {
    const t = temp();
    t.store.record({ type: 'order', event: 'accept', order: order() });
    t.store.record({ type: 'order', event: 'accept', order: order({ id: 'O-2', clientOrderId: 'T-2' }) });
    t.store.record({ type: 'fill', fill: fill() });
    t.store.record({ type: 'position', position: position() });
    t.store.commit();
    expect(t.store.verify()).toEqual({ ok: true, mismatches: [] });

    const db = new Database(t.file);
    db.prepare(`UPDATE orders SET quantity = '999' WHERE id = 'O-1'`).run();
    db.prepare(`DELETE FROM fills`).run();
    db.prepare(`INSERT INTO positions VALUES ('paper', 'ETH-USDT', '1', NULL, '0', '0', 1)`).run();
    db.close();

    const result = t.store.verify();
    expect(result.ok).toBe(false);
    expect(result.mismatches).toEqual([
      'orders[O-1]: differs from the journal',
      'fills[3]: missing (the journal has it)',
      'positions[paper/ETH-USDT]: not in the journal',
    ]);
    t.store.rebuildProjections();
    expect(t.store.verify()).toEqual({ ok: true, mismatches: [] });
    expect(t.store.getOrder('O-1')!.quantity.toFixed()).toBe('0.015');
  });

  it('opening a file whose projections lag the journal rebuilds them', () => {
    const t = temp();
    t.store.record({ type: 'order', event: 'accept', order: order() });
    t.store.commit();
    t.store.close();
    const db = new Database(t.file);
    db.prepare(`DELETE FROM orders`).run();
    db.prepare(`UPDATE meta SET value = 0 WHERE key = 'projected_seq'`).run();
    db.close();
    const reopened = SqliteStore.open(t.file);
    expect(reopened.loadActiveOrders().map((o) => o.id)).toEqual(['O-1']);
    reopened.close();
  });

  it('the rebuild option rebuilds even when projected_seq looks current', () => {
    const t = temp();
    t.store.record({ type: 'order', event: 'accept', order: order() });
    t.store.close();
    const db = new Database(t.file);
    db.prepare(`DELETE FROM orders`).run();
    db.close();
    const plain = SqliteStore.open(t.file);
    expect(plain.loadActiveOrders()).toEqual([]);
    plain.close();
    const rebuilt = SqliteStore.open(t.file, { rebuild: true });
    expect(rebuilt.loadActiveOrders().map((o) => o.id)).toEqual(['O-1']);
    rebuilt.close();
  });

  it('FULL synchronous mode can be chosen', () => {
    const t = openTempStore({ synchronous: 'FULL' });
    temps.push(t);
    expect((t.store as unknown as { db: Database.Database }).db.pragma('synchronous', { simple: true })).toBe(2);
  });
});

describe('SqliteStore projections written behind the journal', () => {
  /** what another connection sees on disk: the journal's last seq, meta projected_seq, the orders rows */
  function onDisk(file: string) {
    const db = new Database(file, { readonly: true });
    try {
      return {
        journal: db.prepare('SELECT max(seq) FROM journal').pluck().get() as number,
        projected: Number(db.prepare(`SELECT value FROM meta WHERE key = 'projected_seq'`).pluck().get()),
        orders: db.prepare('SELECT id, state FROM orders ORDER BY seq').raw().all() as string[][],
      };
    } finally {
      db.close();
    }
  }

  it('a commit writes its journal rows; the projections follow when read, and reads see every committed entry', () => {
    const t = temp();
    t.store.record({ type: 'order', event: 'initialize', order: order() });
    t.store.record({ type: 'balance', balance: balance() });
    t.store.commit();
    t.store.record({ type: 'order', event: 'accept', order: order({ state: 'accepted', updatedAt: 2 }) });
    t.store.commit();
    // durable in the journal, not yet in the tables
    expect(onDisk(t.file)).toEqual({ journal: 3, projected: 0, orders: [] });
    // getOrder answers from what is behind without writing it
    expect(t.store.getOrder('T-1')?.state).toBe('accepted');
    expect(onDisk(t.file).orders).toEqual([]);
    // a listing writes what is behind first
    expect(t.store.queryOrders({ status: 'all', limit: 10 }).map((o) => o.state)).toEqual(['accepted']);
    expect(onDisk(t.file)).toEqual({ journal: 3, projected: 3, orders: [['O-1', 'accepted']] });
    expect(t.store.loadBalances()).toHaveLength(1);
    expect(t.store.verify()).toEqual({ ok: true, mismatches: [] });
  });

  it('what is behind is written once the process is idle for a moment, without a read', async () => {
    const t = temp();
    t.store.record({ type: 'order', event: 'accept', order: order() });
    t.store.commit();
    expect(onDisk(t.file).projected).toBe(0);
    await vi.waitFor(() => expect(onDisk(t.file)).toEqual({ journal: 1, projected: 1, orders: [['O-1', 'accepted']] }), { timeout: 5_000, interval: 20 });
  });

  it('a setting committed behind is read back as stored', () => {
    const store = SqliteStore.open('');
    store.record({ type: 'setting', name: 's', value: { a: d('1.5'), b: [1, null] }, ts: 1 });
    store.commit();
    const read = store.loadSetting('s') as { a: string };
    expect(read).toEqual({ a: '1.5', b: [1, null] });
    read.a = 'changed';
    expect(store.loadSetting('s')).toEqual({ a: '1.5', b: [1, null] });
  });

  it('an account reset projects at once, with what was behind it', () => {
    const t = temp();
    t.store.record({ type: 'order', event: 'accept', order: order() });
    t.store.commit();
    t.store.record({ type: 'account_reset', account: 'paper', ts: 2 });
    t.store.record({ type: 'order', event: 'accept', order: order({ id: 'O-2', clientOrderId: 'T-2' }) });
    t.store.commit();
    expect(onDisk(t.file)).toEqual({ journal: 3, projected: 3, orders: [['O-2', 'accepted']] });
    expect(t.store.getOrder('O-1')).toBeUndefined();
  });

  it('a client order id taken by an order still behind, or already in the table, is refused at the commit, which writes nothing', () => {
    const store = SqliteStore.open('');
    store.record({ type: 'order', event: 'initialize', order: order() });
    store.commit();
    store.record({ type: 'order', event: 'initialize', order: order({ id: 'O-2' }) });
    expect(() => store.commit()).toThrow(/UNIQUE constraint failed: orders.client_order_id/);
    expect(store.journalSeq).toBe(1);
    // once in the table (a read wrote it), the same
    expect(store.queryOrders({ status: 'all', limit: 10 })).toHaveLength(1);
    expect(() => store.commit()).toThrow(/UNIQUE constraint failed: orders.client_order_id/);
    expect(store.pending).toBe(1);
    expect([...store.journal()]).toHaveLength(1);
  });

  it('the client order ids of a large batch are checked against each other and the table (in queries of many ids)', () => {
    const store = SqliteStore.open('');
    const placed = (n: number) => order({ id: `O-${n}`, clientOrderId: `T-${n}` });
    for (let n = 0; n < 200; n++) store.record({ type: 'order', event: 'initialize', order: placed(n) });
    store.commit();
    expect(store.queryOrders({ status: 'all', limit: 1000 })).toHaveLength(200);
    // updates of orders in the table pass; a new order reusing one of their client ids does not
    for (let n = 0; n < 150; n++) store.record({ type: 'order', event: 'accept', order: { ...placed(n), state: 'accepted' } });
    store.commit();
    for (let n = 200; n < 350; n++) store.record({ type: 'order', event: 'initialize', order: placed(n) });
    store.record({ type: 'order', event: 'initialize', order: order({ id: 'O-new', clientOrderId: 'T-180' }) });
    expect(() => store.commit()).toThrow(/UNIQUE constraint failed: orders.client_order_id/);
    expect(store.journalSeq).toBe(350);
    const other = SqliteStore.open('');
    other.record({ type: 'order', event: 'initialize', order: placed(1) });
    other.record({ type: 'order', event: 'initialize', order: order({ id: 'O-2', clientOrderId: 'T-1' }) });
    expect(() => other.commit()).toThrow(/UNIQUE constraint failed: orders.client_order_id/);
  });

  it('after a crash, opening replays only the journal after projected_seq into the projections', () => {
    const t = openTempStore();
    t.store.record({ type: 'order', event: 'accept', order: order() });
    t.store.record({ type: 'position', position: position() });
    t.store.commit();
    expect(t.store.loadPositions()).toHaveLength(1); // projected: projected_seq 2
    t.store.record({ type: 'order', event: 'accept', order: order({ id: 'O-2', clientOrderId: 'T-2' }) });
    t.store.record({ type: 'fill', fill: fill() });
    t.store.commit();
    // the process dies: the connection goes without close(), which would write what is behind
    (t.store as unknown as { db: Database.Database }).db.close();
    expect(onDisk(t.file)).toEqual({ journal: 4, projected: 2, orders: [['O-1', 'accepted']] });
    // a projected row changed behind the store's back: a full rebuild would put it back, a catch-up leaves it
    const db = new Database(t.file);
    db.prepare(`UPDATE positions SET quantity = '7'`).run();
    db.close();

    const reopened = SqliteStore.open(t.file);
    expect(onDisk(t.file)).toEqual({ journal: 4, projected: 4, orders: [['O-1', 'accepted'], ['O-2', 'accepted']] });
    expect(reopened.queryFills({ limit: 10 }).map((f) => f.id)).toEqual(['F-1']);
    expect(reopened.loadPositions()[0]!.quantity.toFixed()).toBe('7');
    reopened.close();
    rmSync(dirname(t.file), { recursive: true, force: true });
  });

  it('opened after a crash on a disk that counts as full: the tail is read, not written; the first commit with room writes it with its own', () => {
    const t = openTempStore();
    t.store.record({ type: 'order', event: 'accept', order: order() });
    t.store.commit();
    expect(t.store.loadActiveOrders()).toHaveLength(1); // projected: projected_seq 1
    t.store.record({ type: 'order', event: 'fill', order: order({ state: 'filled', updatedAt: 2 }) });
    t.store.record({ type: 'fill', fill: fill() });
    t.store.record({ type: 'order', event: 'accept', order: order({ id: 'O-2', clientOrderId: 'T-2' }) });
    t.store.commit();
    (t.store as unknown as { db: Database.Database }).db.close();
    const crashed = { journal: 4, projected: 1, orders: [['O-1', 'accepted']] };
    expect(onDisk(t.file)).toEqual(crashed);

    const disk = { free: 1024 };
    const store = SqliteStore.open(t.file, { minFreeBytes: 64 * 1024, freeBytes: () => disk.free });
    try {
      expect(onDisk(t.file)).toEqual(crashed);
      expect(store.loadActiveOrders().map((o) => o.id)).toEqual(['O-2']);
      expect(store.queryOrders({ status: 'all', limit: 10 }).map((o) => [o.id, o.state])).toEqual([['O-2', 'accepted'], ['O-1', 'filled']]);
      expect(store.queryFills({ limit: 10 }).map((f) => f.id)).toEqual(['F-1']);
      expect(store.getOrder('T-2')?.id).toBe('O-2');
      expect(store.verify()).toEqual({ ok: true, mismatches: [] });
      expect(store.writable(true)?.reason).toMatch(/^disk full/);
      expect(onDisk(t.file)).toEqual(crashed);

      disk.free = 1024 ** 3;
      store.record({ type: 'order', event: 'cancel', order: order({ id: 'O-2', clientOrderId: 'T-2', state: 'canceled', updatedAt: 3 }) });
      store.commit();
      expect(onDisk(t.file)).toEqual({ journal: 5, projected: 5, orders: [['O-1', 'filled'], ['O-2', 'canceled']] });
      // the copy is gone: reads are the tables'
      expect(store.loadActiveOrders()).toEqual([]);
      expect(store.verify()).toEqual({ ok: true, mismatches: [] });
    } finally {
      store.close();
      rmSync(dirname(t.file), { recursive: true, force: true });
    }
  });

  it('while the file cannot be written, reads still see what is behind (applied in a transaction that is rolled back)', () => {
    const t = temp();
    t.store.record({ type: 'order', event: 'accept', order: order() });
    t.store.commit();
    expect(t.store.loadActiveOrders()).toHaveLength(1);
    t.store.record({ type: 'order', event: 'fill', order: order({ state: 'filled', updatedAt: 2 }) });
    t.store.record({ type: 'fill', fill: fill() });
    t.store.commit();
    // the disk fills up: the transaction that would write the projections fails as SQLite fails it
    const internals = t.store as unknown as { projectTx: () => void };
    const projectTx = internals.projectTx;
    internals.projectTx = () => {
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    };
    expect(t.store.loadActiveOrders()).toEqual([]);
    expect(t.store.queryOrders({ status: 'closed', limit: 10 }).map((o) => o.id)).toEqual(['O-1']);
    expect(t.store.queryFills({ limit: 10 }).map((f) => f.id)).toEqual(['F-1']);
    expect([...t.store.allFills()].map((f) => f.id)).toEqual(['F-1']);
    expect(onDisk(t.file)).toEqual({ journal: 3, projected: 1, orders: [['O-1', 'accepted']] });
    // room again: the next read writes them
    internals.projectTx = projectTx;
    expect(t.store.queryFills({ limit: 10 })).toHaveLength(1);
    expect(onDisk(t.file)).toEqual({ journal: 3, projected: 3, orders: [['O-1', 'filled']] });
  });
});
