import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../src-main/engine/ports/store.js';
import { encodeEntry } from '../../src-main/store/codec.js';
import { ROW_ENTRIES } from '../../src-main/store/journal-rows.js';
import { repairStore } from '../../src-main/store/repair.js';
import { SqliteStore } from '../../src-main/store/sqlite-store.js';
import { openTempStore, type TempStore } from '../../src-main/store/temp-store.js';
import { balance, d, fill, order, position } from './records.js';

let temps: TempStore[] = [];
afterEach(() => {
  for (const t of temps) t.dispose();
  temps = [];
});
function temp(): TempStore {
  const t = openTempStore({ backgroundCheckpoints: false });
  temps.push(t);
  return t;
}

/** What the engine journals for a market order on paper, as one batch: its records change at each step. */
function orderLife(n: number, ts = 1_700_000_000_000 + n * 10): JournalEntry[] {
  const o = order({ id: `O-${n}`, clientOrderId: `T-${n}`, type: 'market', price: null, state: 'initialized', venueOrderId: null, createdAt: ts, updatedAt: ts });
  const f = fill({ id: `F-${n}`, orderId: o.id, clientOrderId: o.clientOrderId, venueTradeId: `VT-${n}`, ts: ts + 2 });
  return [
    { type: 'risk_decision', decision: { order_id: o.id, allowed: true, checks: [{ rule: 'max_order_notional', ok: true }] }, ts },
    { type: 'order', event: 'initialize', order: o },
    { type: 'order', event: 'submit', order: { ...o, state: 'submitted', previousState: 'initialized', updatedAt: ts + 1 } },
    { type: 'order', event: 'accept', order: { ...o, state: 'accepted', previousState: 'submitted', venueOrderId: `P-${n}`, updatedAt: ts + 1 } },
    { type: 'fill', fill: f },
    {
      type: 'order',
      event: 'fill',
      order: { ...o, state: 'filled', previousState: 'accepted', venueOrderId: `P-${n}`, filledQuantity: o.quantity, averagePrice: f.price, fees: f.fee, updatedAt: ts + 2 },
    },
    { type: 'position', position: position({ quantity: d(n), updatedAt: ts + 2 }) },
    { type: 'balance', balance: balance({ asset: 'BTC', total: d(n), updatedAt: ts + 2 }) },
    { type: 'balance', balance: balance({ total: d(10_000 - n), updatedAt: ts + 2 }) },
    { type: 'setting', name: 'risk.breakers', value: { streak: n, peak: d(10_000 - n) }, ts: ts + 2 },
  ];
}

/** entries as the store gives them back (Decimals compare by value through their strings) */
const plain = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;

function rowsOf(file: string): Array<{ seq: number; type: string }> {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT seq, type FROM journal ORDER BY seq').all() as Array<{ seq: number; type: string }>;
  } finally {
    db.close();
  }
}

describe('journal rows holding several entries', () => {
  it('an order placed on paper is one row, and the journal gives back every entry exactly, in order, each with its seq', () => {
    const t = temp();
    const entries = orderLife(1);
    for (const e of entries) t.store.record(e);
    t.store.commit();
    expect(t.store.journalSeq).toBe(entries.length);
    const back = [...t.store.journal()];
    expect(back.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    expect(plain(back.map((e) => e.entry))).toEqual(plain(entries));
    // each entry's own time, not the row's
    expect(back[1]!.ts).toBe(1_700_000_000_010);
    expect(back[9]!.ts).toBe(1_700_000_000_012);
    t.store.close();
    expect(rowsOf(t.file)).toEqual([{ seq: entries.length, type: 'group' }]);
  });

  it('many orders in one commit: rows of at most ROW_ENTRIES entries, an order folded only within its row; replay, verify and a rebuild agree', () => {
    const t = temp();
    const entries = Array.from({ length: 30 }, (_, n) => orderLife(n)).flat();
    for (const e of entries) t.store.record(e);
    t.store.commit();
    expect(plain([...t.store.journal()].map((e) => e.entry))).toEqual(plain(entries));
    expect(plain([...t.store.journal(95)].map((e) => [e.seq, e.entry]))).toEqual(plain(entries.slice(94).map((e, i) => [95 + i, e])));
    expect(t.store.verify()).toEqual({ ok: true, mismatches: [] });
    const orders = t.store.queryOrders({ status: 'all', limit: 100 });
    expect(orders.map((o) => o.id)).toEqual(Array.from({ length: 30 }, (_, n) => `O-${29 - n}`));
    expect(orders.every((o) => o.state === 'filled')).toBe(true);
    t.store.close();
    const rows = rowsOf(t.file);
    expect(rows).toHaveLength(Math.ceil(entries.length / ROW_ENTRIES));
    expect(rows.at(-1)!.seq).toBe(entries.length);

    const reopened = SqliteStore.open(t.file, { backgroundCheckpoints: false, rebuild: true });
    expect(reopened.verify().ok).toBe(true);
    expect(reopened.queryOrders({ status: 'all', limit: 100 }).map((o) => o.id)).toEqual(orders.map((o) => o.id));
    expect(plain(reopened.loadPositions())).toEqual(plain([position({ quantity: d(29), updatedAt: 1_700_000_000_292 })]));
    reopened.close();
  });
});

describe('a journal written before rows held several entries (one entry per row)', () => {
  /** rows as earlier versions wrote them: each entry its own row, typed by the entry */
  function writeOldRows(file: string, entries: JournalEntry[]): void {
    const db = new Database(file);
    try {
      const insert = db.prepare('INSERT INTO journal (seq, ts, type, payload) VALUES (?, ?, ?, ?)');
      db.transaction(() => entries.forEach((e, i) => {
        const { wire, ts, payload } = encodeEntry(e);
        insert.run(i + 1, ts, wire.type, payload);
      }))();
    } finally {
      db.close();
    }
  }

  it('opens (projections rebuilt from it), reads back entry by entry, takes new rows after it, verifies, and repairs', () => {
    const t = temp();
    t.store.close();
    const old = [...orderLife(1), { type: 'order', event: 'initialize', order: order({ id: 'O-rest', clientOrderId: 'T-rest', state: 'accepted' }) } as JournalEntry];
    writeOldRows(t.file, old);

    const store = SqliteStore.open(t.file, { backgroundCheckpoints: false });
    expect(store.journalSeq).toBe(old.length);
    expect(plain([...store.journal()].map((e) => e.entry))).toEqual(plain(old));
    expect(store.getOrder('O-1')!.state).toBe('filled');
    expect(store.loadActiveOrders().map((o) => o.id)).toEqual(['O-rest']);

    const added = orderLife(2);
    for (const e of added) store.record(e);
    store.commit();
    expect(plain([...store.journal()].map((e) => e.entry))).toEqual(plain([...old, ...added]));
    expect(store.verify()).toEqual({ ok: true, mismatches: [] });
    store.close();
    expect(rowsOf(t.file).map((r) => r.type)).toEqual([...old.map((e) => e.type), 'group']);

    const report = repairStore(t.file, new Date(Date.UTC(2026, 0, 1)));
    expect(report).toMatchObject({ kept: old.length + added.length, keptRanges: `1-${old.length + added.length}`, lost: 'none', lostCount: 0 });
    const repaired = SqliteStore.open(t.file, { backgroundCheckpoints: false });
    expect(plain([...repaired.journal()].map((e) => e.entry))).toEqual(plain([...old, ...added]));
    expect(repaired.getOrder('O-2')!.state).toBe('filled');
    repaired.close();
  });
});
