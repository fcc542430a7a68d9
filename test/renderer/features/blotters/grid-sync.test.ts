import { describe, expect, it } from 'vitest';
import { GridSync, KEY_FIELD, keyedRowId } from '../../../../src-renderer/features/blotters/grid-sync.js';
import { emptyTable, replaceRows, trimRows, upsertRows } from '../../../../src-renderer/state/table.js';

type Row = { id: string; open: boolean };
const keyOf = (r: Row) => r.id;

function fakeGrid() {
  const log: Array<{ kind: 'tx'; add: string[]; update: string[]; remove: string[] } | { kind: 'reload'; rows: string[] }> = [];
  return {
    log,
    grid: {
      applyTransactionAsync: (tx: { add?: Row[]; update?: Row[]; remove?: Row[] }) =>
        log.push({ kind: 'tx', add: (tx.add ?? []).map(keyedRowId(keyOf)), update: (tx.update ?? []).map(keyedRowId(keyOf)), remove: (tx.remove ?? []).map(keyedRowId(keyOf)) }),
      setGridOption: (_k: 'rowData', rows: Row[]) => log.push({ kind: 'reload', rows: rows.map(keyOf) }),
    },
  };
}

describe('GridSync', () => {
  it('turns each store delta into one transaction, never a reload', () => {
    const { grid, log } = fakeGrid();
    const sync = new GridSync<Row>(grid, keyOf);
    let t = replaceRows(emptyTable<Row>(), [{ id: 'a', open: true }], keyOf);
    sync.reload(t);
    t = upsertRows(t, [{ id: 'a', open: true }, { id: 'b', open: true }], keyOf);
    sync.update(t);
    expect(log).toEqual([
      { kind: 'reload', rows: ['a'] },
      { kind: 'tx', add: ['b'], update: ['a'], remove: [] },
    ]);
  });

  it('keeps only matching rows: a row that stops matching is removed', () => {
    const { grid, log } = fakeGrid();
    const sync = new GridSync<Row>(grid, keyOf, (r) => r.open);
    let t = replaceRows(emptyTable<Row>(), [{ id: 'a', open: true }, { id: 'x', open: false }], keyOf);
    sync.reload(t);
    t = upsertRows(t, [{ id: 'a', open: false }, { id: 'x', open: false }], keyOf);
    sync.update(t);
    expect(log.at(0)).toEqual({ kind: 'reload', rows: ['a'] });
    expect(log.at(1)).toEqual({ kind: 'tx', add: [], update: [], remove: ['a'] });
    expect(sync.size).toBe(0);
  });

  it('a row added and updated before the grid applied it is not added twice', () => {
    const { grid, log } = fakeGrid();
    const sync = new GridSync<Row>(grid, keyOf);
    let t = replaceRows(emptyTable<Row>(), [], keyOf);
    sync.reload(t);
    t = upsertRows(t, [{ id: 'n', open: true }], keyOf);
    sync.update(t);
    t = upsertRows(t, [{ id: 'n', open: true }], keyOf);
    sync.update(t);
    expect(log.slice(1)).toEqual([
      { kind: 'tx', add: ['n'], update: [], remove: [] },
      { kind: 'tx', add: [], update: ['n'], remove: [] },
    ]);
  });

  it('removes trimmed rows by key', () => {
    const { grid, log } = fakeGrid();
    const sync = new GridSync<Row>(grid, keyOf);
    let t = replaceRows(emptyTable<Row>(), [{ id: 'a', open: true }, { id: 'b', open: true }, { id: 'c', open: true }], keyOf);
    sync.reload(t);
    t = trimRows(t, 2, (x, y) => x.id.localeCompare(y.id), keyOf);
    sync.update(t);
    expect(log.at(-1)).toEqual({ kind: 'tx', add: [], update: [], remove: ['a'] });
    expect(({ [KEY_FIELD]: 'a' } as Record<string, string>)[KEY_FIELD]).toBe('a');
  });

  it('reloads when it missed a delta or the table was replaced', () => {
    const { grid, log } = fakeGrid();
    const sync = new GridSync<Row>(grid, keyOf);
    let t = replaceRows(emptyTable<Row>(), [{ id: 'a', open: true }], keyOf);
    sync.reload(t);
    t = upsertRows(t, [{ id: 'b', open: true }], keyOf);
    t = upsertRows(t, [{ id: 'c', open: true }], keyOf);
    sync.update(t);
    expect(log.at(-1)).toEqual({ kind: 'reload', rows: ['a', 'b', 'c'] });
    t = replaceRows(t, [{ id: 'z', open: true }], keyOf);
    sync.update(t);
    expect(log.at(-1)).toEqual({ kind: 'reload', rows: ['z'] });
  });
});
