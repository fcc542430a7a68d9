/** Blotter numbers at the instrument's precision, never raw long decimals nor too few places (issue 13). */
import type { ColDef } from 'ag-grid-community';
import { beforeEach, describe, expect, it } from 'vitest';
import { BALANCE_COLUMNS, FILL_COLUMNS, ORDER_HISTORY_COLUMNS, POSITION_COLUMNS } from '../../../../src-renderer/features/blotters/columns.js';
import { useReference } from '../../../../src-renderer/state/reference.js';
import { INSTRUMENT } from '../../helpers/fake-client.js';
import { resetStores } from '../../helpers/stores.js';

const ETH_BTC = { ...INSTRUMENT, symbol: 'ETH/BTC', base: 'ETH', quote: 'BTC', price_increment: '0.00000001', size_increment: '0.001', min_quantity: '0.001', min_notional: '0.0001' };

function shown(columns: ColDef[], field: string, data: Record<string, unknown>): string {
  const col = columns.find((c) => c.field === field)!;
  const format = col.valueFormatter as (p: { value: unknown; data: unknown }) => string;
  return format({ value: data[field], data });
}

beforeEach(() => {
  resetStores();
  useReference.getState().setInstruments([INSTRUMENT, ETH_BTC]);
});

describe('blotter precision', () => {
  it('shows averages and marks at the instrument’s price places, whatever the quote', () => {
    const eth = { account: 'paper', symbol: 'ETH/BTC', average_price: '0.0921234567891234', mark_price: '0.092125005', unrealized_pnl: '0.000123456789' };
    expect(shown(POSITION_COLUMNS as ColDef[], 'average_price', eth)).toBe('0.09212346');
    expect(shown(POSITION_COLUMNS as ColDef[], 'mark_price', eth)).toBe('0.09212501');
    expect(shown(POSITION_COLUMNS as ColDef[], 'unrealized_pnl', eth)).toBe('+0.00012346');
    const btc = { account: 'paper', symbol: 'BTC/USDT', average_price: '47000.123456789012345', mark_price: '47000.125', realized_pnl: '-0.40000000001' };
    expect(shown(POSITION_COLUMNS as ColDef[], 'average_price', btc)).toBe('47,000.12');
    expect(shown(POSITION_COLUMNS as ColDef[], 'mark_price', btc)).toBe('47,000.13');
    expect(shown(POSITION_COLUMNS as ColDef[], 'realized_pnl', btc)).toBe('-0.40');
    expect(shown(ORDER_HISTORY_COLUMNS as ColDef[], 'average_price', btc)).toBe('47,000.12');
  });

  it('shows balances and fees at most at their asset’s places', () => {
    expect(shown(BALANCE_COLUMNS as ColDef[], 'total', { account: 'paper', asset: 'USDT', total: '99415.49660155' })).toBe('99,415.50');
    expect(shown(BALANCE_COLUMNS as ColDef[], 'total', { account: 'paper', asset: 'BTC', total: '0.02' })).toBe('0.02');
    // BTC is ETH/BTC's quote: its price places (8) are finer than BTC/USDT's size places (5)
    expect(shown(BALANCE_COLUMNS as ColDef[], 'free', { account: 'paper', asset: 'BTC', free: '0.0123456789' })).toBe('0.01234568');
    expect(shown(FILL_COLUMNS as ColDef[], 'fee', { account: 'paper', symbol: 'BTC/USDT', fee_asset: 'USDT', fee: '1.16667345' })).toBe('1.17');
  });
});
