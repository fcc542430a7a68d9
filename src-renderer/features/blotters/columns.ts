import type { ColDef, ValueFormatterParams } from 'ag-grid-community';
import { needsStopPrice } from '../../../src-common/contract/constants/orders.js';
import type { Balance, Fill, Order, Position } from '../../../src-common/contract/schemas.js';
import { formatFixed, formatPlain, formatUpTo, sign } from '../../lib/decimal.js';
import { LOCAL_CLOCK_TITLE } from '../../lib/clock.js';
import { formatDateTime, formatTime, titleCase } from '../../lib/format.js';
import { DEFAULT_QUOTE_PLACES, assetPlaces, pricePlaces } from '../../lib/precision.js';
import { ORDER_TYPE_NAME, ORDER_TYPE_SHORT } from '../../lib/order-types.js';
import { useReference } from '../../state/reference.js';

const plain = (p: ValueFormatterParams) => formatPlain(p.value as string | null);
/** the row's account and symbol, and the instruments known now */
const rowOf = (p: ValueFormatterParams) => ({ row: (p.data ?? {}) as { account?: string; symbol?: string; fee_asset?: string; asset?: string }, instruments: useReference.getState().instruments });
/** a computed price (an average, a mid) at the instrument's places; the tooltip keeps every digit */
const priceAt = (p: ValueFormatterParams) => {
  const { row, instruments } = rowOf(p);
  const places = pricePlaces(instruments, row.account ?? '', row.symbol ?? '');
  return places === null ? formatUpTo(p.value as string | null, 8) : formatFixed(p.value as string | null, places);
};
/** PnL in the symbol's quote asset, at its price places (2 for USDT, 8 for BTC) */
const money = (p: ValueFormatterParams) => {
  const { row, instruments } = rowOf(p);
  return formatFixed(p.value as string | null, pricePlaces(instruments, row.account ?? '', row.symbol ?? '') ?? DEFAULT_QUOTE_PLACES, { sign: true });
};
/** an amount of an asset (a balance, a fee) at most at that asset's places on the account */
const assetAmount = (assetField: 'asset' | 'fee_asset' | 'quote') => (p: ValueFormatterParams) => {
  const { row, instruments } = rowOf(p);
  const asset = assetField === 'quote' ? (row.symbol ?? '').split('/')[1] ?? '' : (row[assetField] ?? '');
  return formatUpTo(p.value as string | null, assetPlaces(instruments, row.account ?? '', asset) ?? 8);
};
const time = (p: ValueFormatterParams) => formatTime(p.value as string);
/** order and fill times are the engine's, on this computer's clock; a replayed chart says when it is not (lib/clock.ts) */
const LOCAL_CLOCK = LOCAL_CLOCK_TITLE;
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

/** short labels (TP, Stop LMT) that fit the column; the full name and the API's type are the tooltip */
const typeCol: ColDef<Order> = {
  field: 'type',
  headerName: 'Type',
  width: 95,
  valueFormatter: (p) => ORDER_TYPE_SHORT[p.value as Order['type']] ?? titleCase(String(p.value)),
  tooltipValueGetter: (p) => `${ORDER_TYPE_NAME[p.value as Order['type']] ?? titleCase(String(p.value))} (${String(p.value)})`,
  filterValueGetter: (p) => ORDER_TYPE_SHORT[p.data!.type] ?? p.data!.type,
};
/** a stop's, take profit's or trailing stop's trigger: beside the price, shown by default so a working trigger order shows what fires it */
const triggerCol = (extra: Partial<ColDef<Order>> = {}): ColDef<Order> =>
  decimalCol<Order>('stop_price', 'Trigger', {
    colId: 'trigger',
    headerTooltip: 'The price that fires a stop, take profit or trailing stop (a trailing stop: where it stands now)',
    enableCellChangeFlash: true,
    ...extra,
  });
/** a stop or take profit still waiting: its trigger can be amended (orders.amend stop_price) */
export const triggerAmendable = (o: Order | undefined): boolean => o !== undefined && needsStopPrice(o.type) && o.triggered_at == null;
/** who holds the order's trigger or OCO link (issue 12): what Tern holds works only while Tern runs */
export const heldByText = (heldBy: unknown): string => (heldBy === 'tern' ? 'Tern' : 'Venue');
export const heldByTip = (heldBy: unknown): string =>
  heldBy === 'tern' ? 'Held by Tern: works only while Tern runs' : 'Held by the venue: it works while Tern is closed';
const heldByCol: ColDef<Order> = {
  field: 'held_by',
  headerName: 'Held by',
  headerTooltip: 'Venue: the exchange holds the order, its trigger and OCO link. Tern: held by Tern, works only while Tern runs',
  width: 80,
  valueFormatter: (p) => heldByText(p.value),
  tooltipValueGetter: (p) => heldByTip(p.value),
  cellClassRules: { 'held-by-tern': (p) => p.value === 'tern' },
};
const flagsCol: ColDef<Order> = {
  colId: 'flags',
  headerName: 'Flags',
  width: 80,
  valueGetter: (p) => [p.data?.post_only ? 'post' : '', p.data?.reduce_only ? 'reduce' : ''].filter(Boolean).join(' '),
};

/** who placed it: a strategy's id, or Manual (the trader, an API caller) */
export const ownerLabel = (strategyId: string | null | undefined): string => strategyId ?? 'Manual';
const strategyCol = <T,>(): ColDef<T> => ({
  field: 'strategy_id' as ColDef<T>['field'],
  headerName: 'Strategy',
  headerTooltip: 'The strategy that placed it; Manual: placed by hand or by an API caller',
  width: 100,
  valueFormatter: (p) => ownerLabel(p.value as string | null),
  filterValueGetter: (p) => ownerLabel((p.data as { strategy_id?: string | null } | undefined)?.strategy_id),
});
/** a position's owners, e.g. "Manual 0.02 · sma-cross 0.01" (the strategies' shares come from their own orders) */
export const ownersText = (owners: Position['owners']): string =>
  (owners ?? []).filter((o) => o.strategy_id !== null || sign(o.quantity) !== 0).map((o) => `${ownerLabel(o.strategy_id)} ${formatPlain(o.quantity)}`).join(' · ');

export const OPEN_ORDER_COLUMNS: ColDef<Order>[] = [
  { field: 'created_at', headerName: 'Time', headerTooltip: LOCAL_CLOCK, width: 85, valueFormatter: time, sort: 'desc', tooltipValueGetter: (p) => formatDateTime(p.value as string) },
  { field: 'symbol', headerName: 'Symbol', width: 100 },
  sideCol<Order>(),
  typeCol,
  decimalCol<Order>('price', 'Price', { editable: true, cellClass: 'num editable', headerTooltip: 'Double-click to amend', enableCellChangeFlash: true }),
  triggerCol({
    editable: (p) => triggerAmendable(p.data),
    cellClass: (p) => (triggerAmendable(p.data) ? 'num editable' : 'num'),
    headerTooltip: 'The price that fires a stop, take profit or trailing stop (a trailing stop: where it stands now); double-click a waiting one to move it',
  }),
  decimalCol<Order>('quantity', 'Qty', { editable: true, cellClass: 'num editable', headerTooltip: 'Double-click to amend', enableCellChangeFlash: true }),
  decimalCol<Order>('filled_quantity', 'Filled', { enableCellChangeFlash: true }),
  statusCol,
  // after the status: at 1280 px what a trader reads first (time to status) stays clear of the pinned Cancel column
  heldByCol,
  { field: 'time_in_force', headerName: 'TIF', width: 60 },
  flagsCol,
  strategyCol<Order>(),
  { field: 'client_order_id', headerName: 'Client ID', width: 160, hide: true },
  { field: 'id', headerName: 'Order ID', width: 150, hide: true },
  { field: 'account', headerName: 'Account', width: 90 },
  { colId: 'actions', headerName: '', width: 80, sortable: false, filter: false, resizable: false, cellRenderer: 'cancelCell', suppressMovable: true, pinned: 'right' },
];

export const ORDER_HISTORY_COLUMNS: ColDef<Order>[] = [
  { field: 'created_at', headerName: 'Created', headerTooltip: LOCAL_CLOCK, width: 85, valueFormatter: time, sort: 'desc', tooltipValueGetter: (p) => formatDateTime(p.value as string) },
  { field: 'updated_at', headerName: 'Updated', width: 85, valueFormatter: time, hide: true },
  { field: 'symbol', headerName: 'Symbol', width: 100 },
  sideCol<Order>(),
  typeCol,
  heldByCol,
  decimalCol<Order>('price', 'Price'),
  triggerCol({ enableCellChangeFlash: false }),
  decimalCol<Order>('quantity', 'Qty'),
  decimalCol<Order>('filled_quantity', 'Filled'),
  decimalCol<Order>('average_price', 'Avg price', { valueFormatter: priceAt, tooltipField: 'average_price' }),
  decimalCol<Order>('fees', 'Fees', { width: 90, valueFormatter: assetAmount('quote'), tooltipField: 'fees' }),
  statusCol,
  { field: 'reject_reason', headerName: 'Reason', width: 200, tooltipField: 'reject_reason' },
  { field: 'time_in_force', headerName: 'TIF', width: 60, hide: true },
  flagsCol,
  strategyCol<Order>(),
  { field: 'client_order_id', headerName: 'Client ID', width: 160, hide: true },
  { field: 'id', headerName: 'Order ID', width: 150, hide: true },
  { field: 'account', headerName: 'Account', width: 90 },
];

export const FILL_COLUMNS: ColDef<Fill>[] = [
  { field: 'ts', headerName: 'Time', headerTooltip: LOCAL_CLOCK, width: 85, valueFormatter: time, sort: 'desc', tooltipValueGetter: (p) => formatDateTime(p.value as string) },
  { field: 'symbol', headerName: 'Symbol', width: 100 },
  sideCol<Fill>(),
  decimalCol<Fill>('quantity', 'Qty'),
  decimalCol<Fill>('price', 'Price'),
  decimalCol<Fill>('fee', 'Fee', { width: 100, valueFormatter: assetAmount('fee_asset'), tooltipField: 'fee' }),
  { field: 'fee_asset', headerName: 'Fee asset', width: 80 },
  { field: 'liquidity', headerName: 'Liq.', width: 70, valueFormatter: (p) => titleCase(String(p.value)) },
  strategyCol<Fill>(),
  { field: 'order_id', headerName: 'Order ID', width: 150, hide: true },
  { field: 'client_order_id', headerName: 'Client ID', width: 160, hide: true },
  { field: 'account', headerName: 'Account', width: 90 },
];

export const POSITION_COLUMNS: ColDef<Position>[] = [
  { field: 'account', headerName: 'Account', width: 90 },
  { field: 'symbol', headerName: 'Symbol', width: 100 },
  decimalCol<Position>('quantity', 'Qty', { cellClassRules: signClass, enableCellChangeFlash: true }),
  decimalCol<Position>('average_price', 'Avg price', { valueFormatter: priceAt, tooltipField: 'average_price' }),
  // mark and unrealized PnL move with every tick: no flash, it would never stop
  decimalCol<Position>('mark_price', 'Mark', { valueFormatter: priceAt }),
  decimalCol<Position>('unrealized_pnl', 'Unrealized PnL', { valueFormatter: money, cellClassRules: signClass, width: 130 }),
  decimalCol<Position>('realized_pnl', 'Realized PnL', { valueFormatter: money, cellClassRules: signClass, width: 120 }),
  { colId: 'owners', headerName: 'Owners', headerTooltip: 'Who holds the position: Manual (you) and each strategy with its own share', width: 170, valueGetter: (p) => ownersText(p.data?.owners), tooltipValueGetter: (p) => ownersText(p.data?.owners) },
  { colId: 'actions', headerName: 'Close · Protect', width: 320, sortable: false, filter: false, resizable: false, cellRenderer: 'positionActions', suppressMovable: true, pinned: 'right' },
];

export const BALANCE_COLUMNS: ColDef<Balance>[] = [
  { field: 'account', headerName: 'Account', width: 90 },
  { field: 'asset', headerName: 'Asset', width: 80 },
  decimalCol<Balance>('total', 'Total', { width: 140, enableCellChangeFlash: true, valueFormatter: assetAmount('asset'), tooltipField: 'total' }),
  decimalCol<Balance>('free', 'Free', { width: 140, enableCellChangeFlash: true, valueFormatter: assetAmount('asset'), tooltipField: 'free' }),
  decimalCol<Balance>('locked', 'Locked', { width: 140, enableCellChangeFlash: true, valueFormatter: assetAmount('asset'), tooltipField: 'locked' }),
];
