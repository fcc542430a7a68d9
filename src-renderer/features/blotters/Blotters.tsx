import type { CellEditRequestEvent, ICellRendererParams } from 'ag-grid-community';
import { useMemo, useState } from 'react';
import type { Balance, Fill, Order, Position } from '../../../src-common/contract/schemas.js';
import { useAction } from '../../client/context.js';
import { formatPlain, isMultipleOf, parseDecimal, wire } from '../../lib/decimal.js';
import { useMarket } from '../../state/market.js';
import { notify } from '../../state/notifications.js';
import { findInstrument, useReference } from '../../state/reference.js';
import type { Table } from '../../state/table.js';
import { type TradingState, balanceKey, fillKey, isOpenOrder, orderKey, positionKey, useTrading } from '../../state/trading.js';
import { Dialog } from '../../ui/Dialog.js';
import { BlotterGrid } from './BlotterGrid.js';
import { type PositionActionContext, PositionActionDialog, PositionActionsCell } from './PositionActions.js';
import type { PositionAction } from './position-actions.js';
import { BALANCE_COLUMNS, FILL_COLUMNS, OPEN_ORDER_COLUMNS, ORDER_HISTORY_COLUMNS, POSITION_COLUMNS } from './columns.js';
import './grid-setup.js';

type TableName = 'orders' | 'fills' | 'positions' | 'balances';

/** stable get/subscribe pairs per table: the grids link to them once */
function link<K extends TableName>(name: K) {
  return {
    get: () => useTrading.getState()[name] as TradingState[K],
    subscribe: (onChange: (t: TradingState[K]) => void) =>
      useTrading.subscribe((s, prev) => {
        if (s[name] !== prev[name]) onChange(s[name]);
      }),
  };
}
const ORDERS = link('orders');
const FILLS = link('fills');
const POSITIONS = link('positions');
const BALANCES = link('balances');
const isPosition = (p: Position) => p.quantity !== '0' || p.realized_pnl !== '0';

interface Actions extends PositionActionContext {
  cancel(order: Order): void;
}

function CancelCell(p: ICellRendererParams<Order, unknown, Actions>) {
  if (!p.data || !isOpenOrder(p.data)) return null;
  const order = p.data;
  return (
    <button type="button" className="btn btn-tiny btn-danger" onClick={() => p.context.cancel(order)} aria-label={`Cancel order ${order.id}`} data-testid="cancel-order">
      Cancel
    </button>
  );
}

const COMPONENTS = { cancelCell: CancelCell, positionActions: PositionActionsCell };

const TABS = [
  { id: 'open', label: 'Open orders' },
  { id: 'history', label: 'Order history' },
  { id: 'fills', label: 'Fills' },
  { id: 'positions', label: 'Positions' },
  { id: 'balances', label: 'Balances' },
] as const;
type TabId = (typeof TABS)[number]['id'];

function countOpen(t: Table<Order>): number {
  let n = 0;
  for (const o of t.rows.values()) if (isOpenOrder(o)) n++;
  return n;
}

function useTableStatus(name: TableName) {
  const status = useTrading((s) => s[name].status);
  const error = useTrading((s) => s[name].error);
  return { status, error };
}

/** The blotters: open orders (amend inline, cancel, cancel all), history, fills, positions (close a share, limit close, reverse, protect), balances. */
export default function Blotters({ initialTab = 'open' }: { initialTab?: TabId }) {
  const [tab, setTab] = useState<TabId>(initialTab);
  const [confirmCancelAll, setConfirmCancelAll] = useState(false);
  const [positionAction, setPositionAction] = useState<{ position: Position; action: PositionAction } | null>(null);
  const act = useAction();
  const openCount = useTrading((s) => countOpen(s.orders));
  const positionCount = useTrading((s) => {
    let n = 0;
    for (const p of s.positions.rows.values()) if (!/^-?0(\.0+)?$/.test(p.quantity)) n++;
    return n;
  });
  const ordersStatus = useTableStatus('orders');
  const fillsStatus = useTableStatus('fills');
  const positionsStatus = useTableStatus('positions');
  const balancesStatus = useTableStatus('balances');
  const account = useMarket((s) => s.account);
  const symbol = useMarket((s) => s.symbol);

  const actions: Actions = useMemo(
    () => ({
      cancel: (order) => void act('orders.cancel', { id: order.id }, `Cancel ${order.id} failed`),
      // every position action is asked first, in its dialog
      positionAction: (position, action) => setPositionAction({ position, action }),
    }),
    [act],
  );

  const onAmend = useMemo(
    () => (e: CellEditRequestEvent<Order>) => {
      const order = e.data;
      const field = e.colDef.field;
      if (!order || (field !== 'price' && field !== 'quantity' && field !== 'stop_price')) return;
      const name = field === 'price' ? 'Price' : field === 'stop_price' ? 'Trigger' : 'Quantity';
      const value = parseDecimal(e.newValue === null || e.newValue === undefined ? '' : String(e.newValue));
      if (!value || value.lte(0)) {
        notify({ kind: 'error', title: 'Amend not sent', body: `${name} must be a number above zero` });
        return;
      }
      const instrument = findInstrument(useReference.getState().instruments, order.account, order.symbol);
      const step = field === 'quantity' ? instrument?.size_increment : instrument?.price_increment;
      if (step && !isMultipleOf(value, step)) {
        notify({ kind: 'error', title: 'Amend not sent', body: `${name} must be in steps of ${formatPlain(step)}` });
        return;
      }
      if (field === 'quantity' && instrument && value.lt(instrument.min_quantity)) {
        notify({ kind: 'error', title: 'Amend not sent', body: `Quantity must be at least ${formatPlain(instrument.min_quantity)}` });
        return;
      }
      void act('orders.amend', { id: order.id, [field]: wire(value) }, `Amend ${order.id} refused`).then((o) => {
        if (o) notify({ kind: 'info', title: 'Order amended', body: field === 'stop_price' ? `${o.symbol} ${formatPlain(o.quantity)}: trigger ${formatPlain(o.stop_price)}` : `${o.symbol} ${formatPlain(o.quantity)} @ ${formatPlain(o.price)}` });
      });
    },
    [act],
  );

  const cancelAll = async (scope: 'symbol' | 'all') => {
    setConfirmCancelAll(false);
    const r = await act('orders.cancelAll', scope === 'symbol' ? { account, symbol } : {}, 'Cancel all failed');
    if (r) notify({ kind: 'info', title: `${r.canceled.length} order(s) canceled` });
  };

  return (
    <section className="panel blotters" aria-label="Blotters">
      <header className="panel-head">
        <div className="tabs tabs-inline" role="tablist">
          {TABS.map((t) => (
            <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} className={`tab ${tab === t.id ? 'tab-active' : ''}`} onClick={() => setTab(t.id)} data-testid={`tab-${t.id}`}>
              {t.label}
              {t.id === 'open' && openCount > 0 && <span className="count">{openCount}</span>}
              {t.id === 'positions' && positionCount > 0 && <span className="count">{positionCount}</span>}
            </button>
          ))}
        </div>
      </header>
      <div className="panel-body">
        {tab === 'open' && (
          <BlotterGrid<Order>
            gridId="open-orders"
            getTable={ORDERS.get}
            subscribe={ORDERS.subscribe}
            {...ordersStatus}
            keyOf={orderKey}
            include={isOpenOrder}
            columns={OPEN_ORDER_COLUMNS}
            emptyText="No open orders"
            components={COMPONENTS}
            context={actions}
            onCellEditRequest={onAmend}
            toolbar={
              <button type="button" className="btn btn-small btn-danger" disabled={openCount === 0} onClick={() => setConfirmCancelAll(true)} data-testid="cancel-all">
                Cancel all…
              </button>
            }
          />
        )}
        {tab === 'history' && (
          <BlotterGrid<Order> gridId="order-history" getTable={ORDERS.get} subscribe={ORDERS.subscribe} {...ordersStatus} keyOf={orderKey} columns={ORDER_HISTORY_COLUMNS} emptyText="No orders yet" />
        )}
        {tab === 'fills' && <BlotterGrid<Fill> gridId="fills" getTable={FILLS.get} subscribe={FILLS.subscribe} {...fillsStatus} keyOf={fillKey} columns={FILL_COLUMNS} emptyText="No fills yet" />}
        {tab === 'positions' && (
          <BlotterGrid<Position>
            gridId="positions"
            getTable={POSITIONS.get}
            subscribe={POSITIONS.subscribe}
            {...positionsStatus}
            keyOf={positionKey}
            include={isPosition}
            columns={POSITION_COLUMNS}
            emptyText="No positions"
            components={COMPONENTS}
            context={actions}
          />
        )}
        {tab === 'balances' && (
          <BlotterGrid<Balance> gridId="balances" getTable={BALANCES.get} subscribe={BALANCES.subscribe} {...balancesStatus} keyOf={balanceKey} columns={BALANCE_COLUMNS} emptyText="No balances" />
        )}
      </div>
      <Dialog open={confirmCancelAll} title="Cancel open orders?" onClose={() => setConfirmCancelAll(false)}>
        <p>
          Cancel every open order of <strong>{symbol}</strong> on {account}, or every open order on every account ({openCount}).
        </p>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={() => setConfirmCancelAll(false)} data-autofocus>
            Keep them
          </button>
          <button type="button" className="btn btn-danger" onClick={() => void cancelAll('symbol')} data-testid="cancel-all-symbol">
            Cancel {symbol}
          </button>
          <button type="button" className="btn btn-danger" onClick={() => void cancelAll('all')} data-testid="cancel-all-confirm">
            Cancel all ({openCount})
          </button>
        </div>
      </Dialog>
      <PositionActionDialog target={positionAction} onClose={() => setPositionAction(null)} />
    </section>
  );
}
