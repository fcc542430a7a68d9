import { TernError } from '../../src-common/contract/errors.js';
import { JOURNAL_TYPES, type Tuple, tsOfWire, type WireEntry, wireFromRow } from './codec.js';

/**
 * Journal rows that hold several entries (type 'group'). Each entry keeps its
 * own seq; a row holds a run of consecutive entries and is stored under the
 * seq of its last one, so max(seq) is still the last entry's seq and rows
 * stay in journal order. Rows from before (one entry per row, typed by the
 * entry) are read as they always were.
 *
 * Why: an order placed on paper is ~10 entries committed together (risk
 * decision, initialize, submit, accept, fill, filled, position, balances…);
 * one row for them is one b-tree insert and one JSON text instead of ten.
 * And an order's successive records in the same row are folded: the row
 * keeps its last record in full and, for each earlier one, only the fields
 * that differ (with where in the row it was), so the journal still gives
 * back every entry exactly, in order, at a third of the bytes.
 *
 * Payload: a JSON array of items in the order of their first entry. An item
 * is an entry as wireFromRow gives it ({type, ...}); a folded order adds
 * `at` (its entries' places in the row, the last being the item's own
 * record) and `prior` ([event, [field index, value, ...]] per earlier entry).
 */
export const GROUP = 'group';

/** Entries per row at most: bounds what one damaged page can take with it (repair) and the size of one JSON text. */
export const ROW_ENTRIES = 64;

type OrderWire = Extract<WireEntry, { type: 'order' }>;
/** a folded order as stored */
type FoldedOrder = OrderWire & { at: number[]; prior: Array<[string, unknown[]]> };
type Item = WireEntry | FoldedOrder;
/** a folded order while its row is open: every record in full (diffed against the last one at the commit) */
type Fold = { fold: true; events: string[]; tuples: Tuple[]; at: number[] };
/** an item whose JSON was made when it was recorded */
type Text = { text: string };

/** What a row holds for the fields that differ from the last record: [index, value, index, value…]. */
function diff(earlier: Tuple, last: Tuple): unknown[] {
  const out: unknown[] = [];
  const n = Math.max(earlier.length, last.length);
  for (let i = 0; i < n; i++) {
    const a = earlier[i];
    const b = last[i];
    // JSON fields are objects: compared by their text (rare: protective orders)
    if (a !== b && !(typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && JSON.stringify(a) === JSON.stringify(b))) out.push(i, a ?? null);
  }
  return out;
}

function stored(item: WireEntry | Fold): Item {
  if (!('fold' in item)) return item;
  const last = item.tuples[item.tuples.length - 1]!;
  const prior: Array<[string, unknown[]]> = [];
  for (let k = 0; k < item.tuples.length - 1; k++) prior.push([item.events[k]!, diff(item.tuples[k]!, last)]);
  return { type: 'order', event: item.events[item.events.length - 1]!, order: last, at: item.at, prior };
}

/** Pending rows of the current batch. */
export class JournalRows {
  private rows: Array<{ items: Array<WireEntry | Fold | Text>; count: number; lastSeq: number; ts: number }> = [];
  /** in the open row: each order id's item and the place of its first entry */
  private orderItems = new Map<string, { index: number; offset: number }>();

  /** `text`: the item's JSON, made already (see encodeWire) */
  add(seq: number, wire: WireEntry, ts: number, text?: string): void {
    let row = this.rows[this.rows.length - 1];
    if (row === undefined || row.count === ROW_ENTRIES) {
      row = { items: [], count: 0, lastSeq: seq, ts };
      this.rows.push(row);
      this.orderItems.clear();
    }
    const offset = row.count;
    row.count += 1;
    row.lastSeq = seq;
    row.ts = ts;
    if (wire.type === 'order') {
      const id = wire.order[0] as string;
      const known = this.orderItems.get(id);
      if (known !== undefined) {
        const before = row.items[known.index]!;
        if ('fold' in before) {
          before.events.push(wire.event);
          before.tuples.push(wire.order);
          before.at.push(offset);
        } else {
          const first = before as OrderWire;
          row.items[known.index] = { fold: true, events: [first.event, wire.event], tuples: [first.order, wire.order], at: [known.offset, offset] };
        }
        return;
      }
      this.orderItems.set(id, { index: row.items.length, offset });
    }
    row.items.push(text === undefined ? wire : { text });
  }

  get isEmpty(): boolean {
    return this.rows.length === 0;
  }

  /** flat [seq, ts, type, payload, …] for the pending rows */
  params(): unknown[] {
    const out: unknown[] = [];
    for (const row of this.rows) {
      let json = '[';
      for (let i = 0; i < row.items.length; i++) {
        const item = row.items[i]!;
        if (i > 0) json += ',';
        json += 'text' in item ? item.text : JSON.stringify(stored(item));
      }
      out.push(row.lastSeq, row.ts, GROUP, `${json}]`);
    }
    return out;
  }

  get length(): number {
    return this.rows.length;
  }

  clear(): void {
    this.rows = [];
    this.orderItems.clear();
  }
}

export interface RowEntry {
  seq: number;
  ts: number;
  wire: WireEntry;
}

function unreadable(seq: number, why: string): TernError {
  return new TernError('INTERNAL', `journal row ${seq} cannot be read: ${why}`);
}

/** The entries a journal row holds, in order, each with its seq and time. */
export function entriesOfRow(seq: number, ts: number, type: string, payload: string): RowEntry[] {
  if (type !== GROUP) return [{ seq, ts, wire: wireFromRow(type, payload) }];
  const items = JSON.parse(payload) as Item[];
  if (!Array.isArray(items)) throw unreadable(seq, 'a group row holds no list');
  let count = 0;
  for (const item of items) count += item && 'at' in item ? item.at.length : 1;
  const slots: Array<WireEntry | undefined> = new Array(count);
  let next = 0;
  for (const item of items) {
    if (item === null || typeof item !== 'object') throw unreadable(seq, 'an item is not an entry');
    if ('at' in item) {
      const { at, prior, event, order } = item;
      if (!Array.isArray(at) || !Array.isArray(prior) || at.length !== prior.length + 1) throw unreadable(seq, 'a folded order does not add up');
      prior.forEach(([earlierEvent, changed], k) => {
        const tuple = order.slice();
        for (let i = 0; i < changed.length; i += 2) tuple[changed[i] as number] = changed[i + 1];
        slots[at[k]!] = { type: 'order', event: earlierEvent, order: tuple };
      });
      slots[at[at.length - 1]!] = { type: 'order', event, order };
    } else {
      while (slots[next] !== undefined) next++;
      if (!(JOURNAL_TYPES as readonly string[]).includes((item as WireEntry).type)) throw new TernError('INTERNAL', `journal holds an unknown entry type: ${String((item as WireEntry).type)}`);
      slots[next] = item as WireEntry;
    }
  }
  const first = seq - count + 1;
  return slots.map((wire, i) => {
    if (wire === undefined) throw unreadable(seq, `entry ${i + 1} of ${count} is missing`);
    return { seq: first + i, ts: tsOfWire(wire), wire };
  });
}
