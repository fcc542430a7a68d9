/** The blotters say who placed each order and fill, and who holds a position (issue 11, ownership). */
import type { ColDef } from 'ag-grid-community';
import { describe, expect, it } from 'vitest';
import { FILL_COLUMNS, OPEN_ORDER_COLUMNS, ORDER_HISTORY_COLUMNS, POSITION_COLUMNS, ownersText } from '../../../../src-renderer/features/blotters/columns.js';

describe('Strategy column', () => {
  for (const [name, columns] of [
    ['open orders', OPEN_ORDER_COLUMNS],
    ['order history', ORDER_HISTORY_COLUMNS],
    ['fills', FILL_COLUMNS],
  ] as const) {
    it(`${name}: shown by default, the strategy's id or Manual`, () => {
      const col = (columns as ColDef[]).find((c) => c.field === 'strategy_id')!;
      expect(col.headerName).toBe('Strategy');
      expect(col.hide).toBeFalsy();
      const text = col.valueFormatter as (p: { value: unknown }) => string;
      expect([text({ value: 'sma-cross' }), text({ value: null })]).toEqual(['sma-cross', 'Manual']);
      const filterValue = col.filterValueGetter as (p: { data: unknown }) => string;
      expect(filterValue({ data: { strategy_id: null } })).toBe('Manual');
    });
  }
});

describe('Owners of a position', () => {
  it('the positions blotter shows each owner’s share, the trader as Manual', () => {
    const col = (POSITION_COLUMNS as ColDef[]).find((c) => c.colId === 'owners')!;
    expect(col.hide).toBeFalsy();
    const value = col.valueGetter as (p: { data: unknown }) => string;
    expect(value({ data: { owners: [{ strategy_id: null, quantity: '0.02' }, { strategy_id: 'sma-cross', quantity: '0.01' }] } })).toBe('Manual 0.02 · sma-cross 0.01');
    // a position the strategies hold all of: no empty Manual share
    expect(value({ data: { owners: [{ strategy_id: null, quantity: '0' }, { strategy_id: 'grid', quantity: '0.5' }] } })).toBe('grid 0.5');
  });

  it('a close says whose shares it took (the toast text)', () => {
    expect(ownersText([{ strategy_id: null, quantity: '0.02' }, { strategy_id: 's1', quantity: '0.005' }])).toBe('Manual 0.02 · s1 0.005');
  });
});
