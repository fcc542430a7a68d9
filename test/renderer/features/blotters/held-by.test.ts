/** The orders blotter says who holds each order (issue 12): what Tern holds works only while Tern runs. */
import type { ColDef } from 'ag-grid-community';
import { describe, expect, it } from 'vitest';
import { OPEN_ORDER_COLUMNS, ORDER_HISTORY_COLUMNS } from '../../../../src-renderer/features/blotters/columns.js';

describe('Held by column', () => {
  for (const [name, columns] of [
    ['open orders', OPEN_ORDER_COLUMNS],
    ['order history', ORDER_HISTORY_COLUMNS],
  ] as const) {
    it(`${name}: Venue or Tern, and Tern's says it works only while Tern runs`, () => {
      const col = (columns as ColDef[]).find((c) => c.field === 'held_by')!;
      expect(col.headerName).toBe('Held by');
      expect(col.hide).toBeFalsy();
      const text = col.valueFormatter as (p: { value: unknown }) => string;
      const tip = col.tooltipValueGetter as (p: { value: unknown }) => string;
      expect([text({ value: 'venue' }), text({ value: 'tern' })]).toEqual(['Venue', 'Tern']);
      expect(tip({ value: 'tern' })).toBe('Held by Tern: works only while Tern runs');
    });
  }
});
