/**
 * The orders blotters show a trigger order readably (issue 14 follow-up): the
 * Type column's labels fit its width (TP, TP LMT, Stop LMT) with the full name
 * as the tooltip, and the trigger price sits beside the price, shown by default.
 */
import type { ColDef } from 'ag-grid-community';
import { describe, expect, it } from 'vitest';
import { ORDER_TYPES } from '../../../../src-common/contract/constants/orders.js';
import { OPEN_ORDER_COLUMNS, ORDER_HISTORY_COLUMNS } from '../../../../src-renderer/features/blotters/columns.js';

const cols = OPEN_ORDER_COLUMNS as ColDef[];
const typeCol = cols.find((c) => c.field === 'type')!;
const text = typeCol.valueFormatter as (p: { value: unknown }) => string;
const tip = typeCol.tooltipValueGetter as (p: { value: unknown }) => string;

describe('orders blotter Type and Trigger columns', () => {
  it('short type labels, the full name and the API type in the tooltip', () => {
    expect(['take_profit_market', 'take_profit_limit', 'stop_market', 'stop_limit', 'trailing_stop', 'limit', 'market'].map((value) => text({ value }))).toEqual([
      'TP',
      'TP LMT',
      'Stop',
      'Stop LMT',
      'Trailing',
      'Limit',
      'Market',
    ]);
    expect(tip({ value: 'take_profit_limit' })).toBe('Take profit limit (take_profit_limit)');
    // no label longer than the column holds (~11 characters at 95 px)
    for (const value of ORDER_TYPES) expect(text({ value }).length).toBeLessThanOrEqual(9);
  });

  it('the trigger price is shown by default, right after the price, in open orders; history has it too', () => {
    const ids = cols.map((c) => c.colId ?? c.field);
    const trigger = cols.find((c) => c.colId === 'trigger')!;
    expect([trigger.headerName, trigger.field, trigger.hide]).toEqual(['Trigger', 'stop_price', undefined]);
    expect(ids.indexOf('trigger')).toBe(ids.indexOf('price') + 1);
    // no second column on the same field (the old hidden "Stop")
    expect(cols.filter((c) => c.field === 'stop_price')).toHaveLength(1);
    expect((ORDER_HISTORY_COLUMNS as ColDef[]).find((c) => c.colId === 'trigger')?.hide).toBeFalsy();
  });

  it("a waiting stop's or take profit's trigger is edited in place (orders.amend stop_price); a fired one, a trailing stop and a limit are not", () => {
    const trigger = cols.find((c) => c.colId === 'trigger')!;
    const editable = trigger.editable as (p: { data: unknown }) => boolean;
    const o = (patch: Record<string, unknown>) => ({ data: { type: 'stop_market', triggered_at: null, ...patch } });
    expect([o({}), o({ type: 'take_profit_limit' }), o({ triggered_at: '2026-01-01T00:00:00.000Z' }), o({ type: 'trailing_stop' }), o({ type: 'limit' })].map(editable)).toEqual([true, true, false, false, false]);
  });
});
