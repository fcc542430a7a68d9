import type { ColDef, ValueFormatterParams } from 'ag-grid-community';
import type { Balance, Fill, Order, Position } from '../../../src-common/contract/schemas.js';
import { formatFixed, formatPlain, formatUpTo, sign } from '../../lib/decimal.js';
import { formatDateTime, formatTime, titleCase } from '../../lib/format.js';

const plain = (p: ValueFormatterParams) => formatPlain(p.value as string | null);
const money = (p: ValueFormatterParams) => formatFixed(p.value as string | null, 2, { sign: true });
/** averages and fees carry long tails of digits: four places are plenty on screen (the tooltip has them all) */
const upTo4 = (p: ValueFormatterParams) => formatUpTo(p.value as string | null, 4);
const time = (p: ValueFormatterParams) => formatTime(p.value as string);
const numeric = (a: string | null, b: string | null) => (a === null ? -Infinity : Number(a)) - (b === null ? -Infinity : Number(b));
const signClass = { pos: (p: { value: unknown }) => sign(p.value as string) > 0, neg: (p: { value: unknown }) => sign(p.value as string) < 0 };

/** a decimal column: right-aligned, numeric sort and filter, formatted from the string */
function decimalCol<T>(field: string, headerName: string, extra: Partial<ColDef<T>> = {}): ColDef<T> {
  return {
    field: field as ColDef<T>['field'],
    headerName,
    type: 'rightAligned',
    cellClass: 'num',
    valueFormatter: plain,
    comparator: numeric,
    filter: 'agNumberColumnFilter',
    filterValueGetter: (p) => Number((p.data as Record<string, unknown>)[field]),
    width: 110,
    ...extra,
  };
}

const sideCol = <T,>(): ColDef<T> => ({
  field: 'side' as ColDef<T>['field'],
  headerName: 'Side',
  width: 70,
  cellClassRules: { 'side-buy-text': (p) => p.value === 'buy', 'side-sell-text': (p) => p.value === 'sell' },
  valueFormatter: (p) => titleCase(String(p.value)),
});

export const STATUS_LABEL: Record<Order['status'], string> = {
  pending: 'Pending',
  open: 'Open',
  partially_filled: 'Partial',
  filled: 'Filled',
  canceled: 'Canceled',
  rejected: 'Rejected',
  expired: 'Expired',
};

const statusCol: ColDef<Order> = {
  field: 'status',
  headerName: 'Status',
  width: 90,
  valueFormatter: (p) => STATUS_LABEL[p.value as Order['status']] ?? String(p.value),
  cellClassRules: { 'status-bad': (p) => p.value === 'rejected' || p.value === 'expired', 'status-done': (p) => p.value === 'filled', 'status-muted': (p) => p.value === 'canceled' },
};

const typeCol: ColDef<Order> = { field: 'type', headerName: 'Type', width: 95, valueFormatter: (p) => titleCase(String(p.value)) };
const flagsCol: ColDef<Order> = {
  colId: 'flags',
  headerName: 'Flags',
  width: 80,
  valueGetter: (p) => [p.data?.post_only ? 'post' : '', p.data?.reduce_only ? 'reduce' : ''].filter(Boolean).join(' '),
};

export const OPEN_ORDER_COLUMNS: ColDef<Order>[] = [
  { field: 'created_at', headerName: 'Time', width: 85, valueFormatter: time, sort: 'desc', tooltipValueGetter: (p) => formatDateTime(p.value as string) },
  { field: 'symbol', headerName: 'Symbol', width: 100 },
  sideCol<Order>(),
  typeCol,
  decimalCol<Order>('price', 'Price', { editable: true, cellClass: 'num editable', headerTooltip: 'Double-click to amend', enableCellChangeFlash: true }),
  decimalCol<Order>('quantity', 'Qty', { editable: true, cellClass: 'num editable', headerTooltip: 'Double-click to amend', enableCellChangeFlash: true }),
  decimalCol<Order>('filled_quantity', 'Filled', { enableCellChangeFlash: true }),
  decimalCol<Order>('stop_price', 'Stop', { hide: true }),
  statusCol,
  { field: 'time_in_force', headerName: 'TIF', width: 60 },
  flagsCol,
  { field: 'client_order_id', headerName: 'Client ID', width: 160, hide: true },
  { field: 'id', headerName: 'Order ID', width: 150, hide: true },
  { field: 'account', headerName: 'Account', width: 90 },
  { colId: 'actions', headerName: '', width: 80, sortable: false, filter: false, resizable: false, cellRenderer: 'cancelCell', suppressMovable: true, pinned: 'right' },
];

export const ORDER_HISTORY_COLUMNS: ColDef<Order>[] = [
  { field: 'created_at', headerName: 'Created', width: 85, valueFormatter: time, sort: 'desc', tooltipValueGetter: (p) => formatDateTime(p.value as string) },
  { field: 'updated_at', headerName: 'Updated', width: 85, valueFormatter: time, hide: true },
  { field: 'symbol', headerName: 'Symbol', width: 100 },
  sideCol<Order>(),
  typeCol,
  decimalCol<Order>('price', 'Price'),
  decimalCol<Order>('quantity', 'Qty'),
  decimalCol<Order>('filled_quantity', 'Filled'),
  decimalCol<Order>('average_price', 'Avg price', { valueFormatter: upTo4, tooltipField: 'average_price' }),
  decimalCol<Order>('fees', 'Fees', { width: 90, valueFormatter: upTo4, tooltipField: 'fees' }),
  statusCol,
  { field: 'reject_reason', headerName: 'Reason', width: 200, tooltipField: 'reject_reason' },
  { field: 'time_in_force', headerName: 'TIF', width: 60, hide: true },
  flagsCol,
  { field: 'client_order_id', headerName: 'Client ID', width: 160, hide: true },
  { field: 'id', headerName: 'Order ID', width: 150, hide: true },
  { field: 'account', headerName: 'Account', width: 90 },
];

export const FILL_COLUMNS: ColDef<Fill>[] = [
  { field: 'ts', headerName: 'Time', width: 85, valueFormatter: time, sort: 'desc', tooltipValueGetter: (p) => formatDateTime(p.value as string) },
  { field: 'symbol', headerName: 'Symbol', width: 100 },
  sideCol<Fill>(),
  decimalCol<Fill>('quantity', 'Qty'),
  decimalCol<Fill>('price', 'Price'),
  decimalCol<Fill>('fee', 'Fee', { width: 100, valueFormatter: upTo4, tooltipField: 'fee' }),
  { field: 'fee_asset', headerName: 'Fee asset', width: 80 },
  { field: 'liquidity', headerName: 'Liq.', width: 70, valueFormatter: (p) => titleCase(String(p.value)) },
  { field: 'order_id', headerName: 'Order ID', width: 150, hide: true },
  { field: 'client_order_id', headerName: 'Client ID', width: 160, hide: true },
  { field: 'account', headerName: 'Account', width: 90 },
];

export const POSITION_COLUMNS: ColDef<Position>[] = [
  { field: 'account', headerName: 'Account', width: 90 },
  { field: 'symbol', headerName: 'Symbol', width: 100 },
  decimalCol<Position>('quantity', 'Qty', { cellClassRules: signClass, enableCellChangeFlash: true }),
  decimalCol<Position>('average_price', 'Avg price', { valueFormatter: upTo4, tooltipField: 'average_price' }),
  // mark and unrealized PnL move with every tick: no flash, it would never stop
  decimalCol<Position>('mark_price', 'Mark'),
  decimalCol<Position>('unrealized_pnl', 'Unrealized PnL', { valueFormatter: money, cellClassRules: signClass, width: 130 }),
  decimalCol<Position>('realized_pnl', 'Realized PnL', { valueFormatter: money, cellClassRules: signClass, width: 120 }),
  { colId: 'actions', headerName: '', width: 80, sortable: false, filter: false, resizable: false, cellRenderer: 'closeCell', suppressMovable: true, pinned: 'right' },
];

export const BALANCE_COLUMNS: ColDef<Balance>[] = [
  { field: 'account', headerName: 'Account', width: 90 },
  { field: 'asset', headerName: 'Asset', width: 80 },
  decimalCol<Balance>('total', 'Total', { width: 140, enableCellChangeFlash: true }),
  decimalCol<Balance>('free', 'Free', { width: 140, enableCellChangeFlash: true }),
  decimalCol<Balance>('locked', 'Locked', { width: 140, enableCellChangeFlash: true }),
];
