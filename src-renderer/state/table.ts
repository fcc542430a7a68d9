/**
 * A keyed collection the blotters mirror: each change carries the delta that
 * produced it, so a grid applies a transaction instead of reloading its rows.
 * A grid that missed a delta (its `version` jumped) reloads from `rows`.
 * `rows` is one Map mutated in place; readers key their memos on `version`.
 */
export interface TableDelta<T> {
  version: number;
  upserts: T[];
  removes: string[];
  /** true when the whole table was replaced (a snapshot): grids reload */
  reset: boolean;
}

export interface Table<T> {
  rows: ReadonlyMap<string, T>;
  version: number;
  delta: TableDelta<T> | null;
  status: 'loading' | 'ready' | 'error';
  error?: string;
}

export function emptyTable<T>(): Table<T> {
  return { rows: new Map(), version: 0, delta: null, status: 'loading' };
}

export function replaceRows<T>(table: Table<T>, rows: readonly T[], keyOf: (row: T) => string): Table<T> {
  const map = new Map<string, T>();
  for (const r of rows) map.set(keyOf(r), r);
  const version = table.version + 1;
  return { rows: map, version, delta: { version, upserts: [...map.values()], removes: [], reset: true }, status: 'ready' };
}

export function upsertRows<T>(table: Table<T>, rows: readonly T[], keyOf: (row: T) => string): Table<T> {
  if (rows.length === 0) return table;
  // mutated in place: copying a 10,000-row map per frame costs more than the grid update
  const map = table.rows as Map<string, T>;
  const changed = new Map<string, T>();
  for (const r of rows) {
    const k = keyOf(r);
    map.set(k, r);
    changed.set(k, r);
  }
  const version = table.version + 1;
  return { ...table, rows: map, version, delta: { version, upserts: [...changed.values()], removes: [], reset: false } };
}

export function failTable<T>(table: Table<T>, error: string): Table<T> {
  return { ...table, status: 'error', error };
}

/** keeps at most `max` rows, dropping the ones `older` orders first */
export function trimRows<T>(table: Table<T>, max: number, compare: (a: T, b: T) => number, keyOf: (row: T) => string): Table<T> {
  if (table.rows.size <= max) return table;
  const sorted = [...table.rows.values()].sort(compare);
  const drop = sorted.slice(0, table.rows.size - max).map(keyOf);
  const map = table.rows as Map<string, T>;
  for (const k of drop) map.delete(k);
  const version = table.version + 1;
  return { ...table, rows: map, version, delta: { version, upserts: [], removes: drop, reset: false } };
}
