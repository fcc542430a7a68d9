import type { Table } from '../../state/table.js';

/** The part of AG Grid's API the sync uses (a fake in tests). */
export interface GridLike<T> {
  applyTransactionAsync(tx: { add?: T[]; update?: T[]; remove?: T[] }): void;
  setGridOption(key: 'rowData', rows: T[]): void;
}

/**
 * Mirrors a Table into a grid with transactions: each store delta becomes one
 * async transaction (AG Grid batches those per animation frame), never a
 * reload, unless a delta was missed or the table was replaced. `include`
 * narrows the rows (open orders only, say): a row that stops matching leaves.
 */
export class GridSync<T> {
  private present = new Set<string>();
  private version = -1;

  constructor(
    private readonly grid: GridLike<T>,
    private readonly keyOf: (row: T) => string,
    private readonly include: (row: T) => boolean = () => true,
  ) {}

  /** the rows in the grid now, by key */
  get size(): number {
    return this.present.size;
  }

  reload(table: Table<T>): void {
    const rows = [...table.rows.values()].filter(this.include);
    this.present = new Set(rows.map(this.keyOf));
    this.version = table.version;
    this.grid.setGridOption('rowData', rows);
  }

  update(table: Table<T>): void {
    if (table.version === this.version) return;
    const delta = table.delta;
    if (!delta || delta.reset || delta.version !== table.version || table.version !== this.version + 1) {
      this.reload(table);
      return;
    }
    this.version = table.version;
    const add: T[] = [];
    const update: T[] = [];
    const remove: T[] = [];
    for (const row of delta.upserts) {
      const key = this.keyOf(row);
      const has = this.present.has(key);
      if (this.include(row)) {
        if (has) update.push(row);
        else {
          add.push(row);
          this.present.add(key);
        }
      } else if (has) {
        remove.push(row);
        this.present.delete(key);
      }
    }
    for (const key of delta.removes) {
      if (this.present.delete(key)) remove.push({ [KEY_FIELD]: key } as T);
    }
    if (add.length || update.length || remove.length) this.grid.applyTransactionAsync({ add, update, remove });
  }
}

/**
 * A removed row is named by its id alone: getRowId must read this field when
 * the row's own key field is missing (see keyedRowId).
 */
export const KEY_FIELD = '__key';

export function keyedRowId<T>(keyOf: (row: T) => string) {
  return (row: T): string => {
    const k = (row as Record<string, unknown>)[KEY_FIELD];
    return typeof k === 'string' ? k : keyOf(row);
  };
}
