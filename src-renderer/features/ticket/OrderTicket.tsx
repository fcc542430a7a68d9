import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { isTakeProfit, needsLimitPrice, needsStopPrice, TIME_IN_FORCE } from '../../../src-common/contract/constants/orders.js';
import { asCallError, describeError } from '../../client/call-error.js';
import { useClient } from '../../client/context.js';
import { formatFixed, formatPlain, parseDecimal, roundToIncrement, wire } from '../../lib/decimal.js';
import { useMarket } from '../../state/market.js';
import { notify } from '../../state/notifications.js';
import { useRisk } from '../../state/risk.js';
import { placesFor, useSelectedInstrument, useSelectedTicker } from '../../state/selectors.js';
import { type TicketType, type TimeInForce, useTicket } from '../../state/ticket.js';
import { useConnection } from '../../state/connection.js';
import { Panel } from '../../ui/Panel.js';
import { ProtectionFields } from './ProtectionFields.js';
import { RiskWarnings } from './RiskWarnings.js';
import { useOrderCheck } from './use-order-check.js';
import { SizeInput } from './SizeInput.js';
import { ORDER_TYPE_NAME } from '../../lib/order-types.js';
import { type TicketField, checkTicket, ticketFieldOf } from './validate.js';

const TYPE_LABEL = ORDER_TYPE_NAME;
const TICKET_LABEL: Record<TicketType, string> = { ...TYPE_LABEL, take_profit_limit: 'TP limit', trailing_stop: 'Trailing', oco: 'OCO' };
/** the types this ticket has fields for, in the order a trader reaches for them */
const TICKET_TYPES: readonly TicketType[] = ['limit', 'market', 'stop_limit', 'stop_market', 'take_profit_limit', 'take_profit_market', 'trailing_stop', 'oco'];
/** every field the ticket checks: all shown once the trader tries to send */
const ALL_TOUCHED: Partial<Record<TicketField, boolean>> = {
  quantity: true,
  price: true,
  stopPrice: true,
  postOnly: true,
  notional: true,
  market: true,
  takeProfit: true,
  stopLoss: true,
  stopLossLimit: true,
  trailingOffset: true,
  activationPrice: true,
};

let seq = 0;
/** a client order id made before sending, so a retry after a lost answer cannot double the order */
function newClientOrderId(): string {
  seq = (seq + 1) % 1_000_000;
  const rand = Math.random().toString(36).slice(2, 8);
  return `ui-${Date.now().toString(36)}-${rand}${seq.toString(36)}`;
}

function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <div className="field-error" id={id} role="alert">
      {message}
    </div>
  );
}

/**
 * The order ticket: checks the order against the instrument's increments and
 * minimums as it is typed, shows its value and likely fee, and sends it.
 */
export function OrderTicket() {
  const client = useClient();
  const t = useTicket();
  const instrument = useSelectedInstrument();
  const ticker = useSelectedTicker();
  const account = useMarket((s) => s.account);
  const symbol = useMarket((s) => s.symbol);
  const phase = useConnection((s) => s.status.phase);
  const tradingState = useRisk((s) => s.risk?.state);
  const [touched, setTouched] = useState<Partial<Record<TicketField, boolean>>>({});
  const [serverError, setServerError] = useState<{ field?: TicketField; message: string } | null>(null);
  const [sending, setSending] = useState(false);
  const [flash, setFlash] = useState(false);
  const priceRef = useRef<HTMLInputElement>(null);

  const check = useMemo(() => checkTicket(t, instrument, ticker ?? undefined, account, symbol), [t, instrument, ticker, account, symbol]);
  const verdict = useOrderCheck(check.params, check.oco);
  const places = placesFor(instrument);
  const needsPrice = t.type !== 'oco' && needsLimitPrice(t.type);
  const needsStop = t.type !== 'oco' && needsStopPrice(t.type);
  /** a click on a price lands in the trigger of an order with no limit price (stop market, take profit) */
  const triggerOnly = needsStop && !needsPrice;
  const takeProfit = t.type !== 'oco' && isTakeProfit(t.type);

  // a price set from the book or the chart flashes the field it landed in
  useEffect(() => {
    if (t.priceSetAt === 0) return;
    setFlash(true);
    setServerError(null);
    const timer = setTimeout(() => setFlash(false), 400);
    return () => clearTimeout(timer);
  }, [t.priceSetAt]);

  const shown = (f: TicketField) => (touched[f] ? check.errors[f] : undefined) ?? (serverError?.field === f ? serverError.message : undefined);

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    setTouched(ALL_TOUCHED);
    if ((!check.params && !check.oco) || sending) return;
    setSending(true);
    setServerError(null);
    try {
      if (check.oco) {
        const group = await client.call('orders.oco', { ...check.oco, client_order_id: newClientOrderId() });
        notify({ kind: 'info', title: `Sent: OCO ${check.oco.side} ${formatPlain(check.oco.quantity)} ${check.oco.symbol}`, body: `take profit @ ${formatPlain(check.oco.take_profit.price)} · stop @ ${formatPlain(check.oco.stop_loss.stop_price)} · ${group.orders.length} legs` });
        return;
      }
      const order = await client.call('orders.create', { ...check.params!, client_order_id: newClientOrderId() });
      if (order.status === 'rejected') {
        setServerError({ message: order.reject_reason ?? 'rejected by the venue' });
      } else if (order.status !== 'filled') {
        // a filled order is announced by its fill
        notify({ kind: 'info', title: `Sent: ${order.side === 'buy' ? 'Buy' : 'Sell'} ${formatPlain(order.quantity)} ${order.symbol}`, body: `${TYPE_LABEL[order.type].toLowerCase()}${order.price ? ` @ ${formatPlain(order.price)}` : ''} · ${order.status.replace('_', ' ')}` });
      }
    } catch (err) {
      const ce = asCallError(err);
      setServerError({ field: ticketFieldOf(ce.field), message: describeError(ce) });
      notify({ kind: 'error', title: 'Order refused', body: describeError(ce) });
    } finally {
      setSending(false);
    }
  };

  const nudgePrice = (dir: 1 | -1) => {
    if (!instrument) return;
    const current = parseDecimal(t.price) ?? parseDecimal(ticker?.last ?? null);
    if (!current) return;
    const next = roundToIncrement(current, instrument.price_increment).add(parseDecimal(instrument.price_increment)!.mul(dir));
    if (next.gt(0)) t.set({ price: wire(next) });
  };

  const blocked = phase !== 'open' ? 'Not connected' : tradingState === 'HALTED' ? 'Trading is HALTED' : null;
  const sideLabel = t.side === 'buy' ? 'Buy' : 'Sell';

  return (
    <Panel title="Order ticket" className="ticket-panel">
      <form
        className={`ticket ticket-${t.side}`}
        onSubmit={submit}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            t.clear();
            setTouched({});
            setServerError(null);
          }
        }}
        aria-label="Order ticket"
        noValidate
      >
        <div className="side-toggle" role="radiogroup" aria-label="Side">
          <button type="button" role="radio" aria-checked={t.side === 'buy'} className={`side-btn side-buy ${t.side === 'buy' ? 'active' : ''}`} onClick={() => t.set({ side: 'buy' })} title="Buy (B)">
            Buy
          </button>
          <button type="button" role="radio" aria-checked={t.side === 'sell'} className={`side-btn side-sell ${t.side === 'sell' ? 'active' : ''}`} onClick={() => t.set({ side: 'sell' })} title="Sell (S)">
            Sell
          </button>
        </div>

        <div className="seg seg-wide seg-rows" role="radiogroup" aria-label="Order type">
          {TICKET_TYPES.map((type) => (
            <button key={type} type="button" role="radio" aria-checked={t.type === type} className={`seg-btn ${t.type === type ? 'seg-active' : ''}`} onClick={() => t.set({ type })}>
              {TICKET_LABEL[type]}
            </button>
          ))}
        </div>

        <SizeInput
          error={shown('quantity')}
          touched={Boolean(touched.quantity)}
          onEdit={() => setServerError(null)}
          onBlur={() => setTouched((s) => ({ ...s, quantity: true }))}
        />

        {needsPrice && (
          <>
            <label className="field">
              <span>
                Limit price <span className="muted">{instrument?.quote}</span>
              </span>
              <input
                ref={priceRef}
                type="text"
                inputMode="decimal"
                autoComplete="off"
                data-ticket-field="price"
                name="price"
                className={flash && !triggerOnly ? 'flash' : ''}
                value={t.price}
                aria-invalid={Boolean(shown('price'))}
                aria-describedby="err-price"
                placeholder={ticker?.last ? formatPlain(ticker.last) : ''}
                onChange={(e) => {
                  t.set({ price: e.target.value });
                  setServerError(null);
                }}
                onKeyDown={(e) => {
                  if (e.key === 'ArrowUp') {
                    e.preventDefault();
                    nudgePrice(1);
                  } else if (e.key === 'ArrowDown') {
                    e.preventDefault();
                    nudgePrice(-1);
                  }
                }}
                onBlur={() => setTouched((s) => ({ ...s, price: true }))}
              />
            </label>
            <FieldError id="err-price" message={shown('price')} />
          </>
        )}

        {needsStop && (
          <>
            <label className="field">
              <span>
                {takeProfit ? 'Take-profit price' : 'Stop price'} <span className="muted">trigger{takeProfit ? (t.side === 'sell' ? ' · on a rise' : ' · on a fall') : ''}</span>
              </span>
              <input
                type="text"
                inputMode="decimal"
                autoComplete="off"
                data-ticket-field="stopPrice"
                name="stop_price"
                className={flash && triggerOnly ? 'flash' : ''}
                value={t.stopPrice}
                aria-invalid={Boolean(shown('stopPrice'))}
                aria-describedby="err-stop"
                onChange={(e) => {
                  t.set({ stopPrice: e.target.value });
                  setServerError(null);
                }}
                onBlur={() => setTouched((s) => ({ ...s, stopPrice: true }))}
              />
            </label>
            <FieldError id="err-stop" message={shown('stopPrice')} />
          </>
        )}

        <ProtectionFields
          instrument={instrument}
          shown={shown}
          touch={(f) => setTouched((s) => ({ ...s, [f]: true }))}
          edited={() => setServerError(null)}
          heldBy={verdict?.held_by}
        />

        <div className="ticket-row">
          <label className="field field-inline">
            <span>TIF</span>
            <select className="select" value={t.timeInForce} onChange={(e) => t.set({ timeInForce: e.target.value as TimeInForce })} name="time_in_force">
              {TIME_IN_FORCE.map((tif) => (
                <option key={tif} value={tif}>
                  {tif}
                </option>
              ))}
            </select>
          </label>
          <label className={`check ${t.type !== 'limit' ? 'disabled' : ''}`} title="Rest on the book as a maker, or be refused">
            <input type="checkbox" name="post_only" checked={t.postOnly} disabled={t.type !== 'limit'} onChange={(e) => t.set({ postOnly: e.target.checked })} /> Post-only
          </label>
          <label className="check" title="Only shrink a position, never open or grow one">
            <input type="checkbox" name="reduce_only" checked={t.reduceOnly} onChange={(e) => t.set({ reduceOnly: e.target.checked })} /> Reduce-only
          </label>
        </div>
        <FieldError id="err-post" message={shown('postOnly') ?? (touched.timeInForce ? check.errors.timeInForce : undefined)} />

        <dl className="ticket-summary num">
          <div>
            <dt>Value</dt>
            <dd data-testid="ticket-notional">
              {check.notional ? `${formatFixed(check.notional, places.price)} ${instrument?.quote ?? ''}` : '—'}
              {t.type === 'market' && check.notional ? <span className="muted"> est.</span> : null}
            </dd>
          </div>
          <div>
            <dt>Fee {check.liquidity && <span className="muted">({check.liquidity})</span>}</dt>
            <dd data-testid="ticket-fee">{check.fee ? `${formatFixed(check.fee, Math.max(2, places.price))} ${instrument?.quote ?? ''}` : '—'}</dd>
          </div>
        </dl>
        <FieldError id="err-notional" message={check.notional ? check.errors.notional : undefined} />
        <FieldError id="err-market" message={check.errors.market} />
        {serverError && !serverError.field && (
          <div className="field-error" role="alert" data-testid="ticket-error">
            {serverError.message}
          </div>
        )}

        <RiskWarnings check={verdict} instrument={instrument} />

        <button type="submit" className={`btn btn-submit btn-${t.side}`} disabled={sending || blocked !== null} data-testid="ticket-submit" title={blocked ?? 'Enter'}>
          {blocked ?? (sending ? 'Sending…' : `${sideLabel} ${t.type === 'market' ? 'at market' : TICKET_LABEL[t.type] === 'OCO' ? 'OCO' : TICKET_LABEL[t.type].toLowerCase()}`)}
        </button>
      </form>
    </Panel>
  );
}
