import type { ICellRendererParams } from 'ag-grid-community';
import { type ReactNode, useEffect, useState } from 'react';
import type { Order, Position } from '../../../src-common/contract/schemas.js';
import { CallError, describeError } from '../../client/call-error.js';
import { useClient } from '../../client/context.js';
import { dec, formatFixed, formatPlain, placesOf, sign, wire } from '../../lib/decimal.js';
import { DEFAULT_QUOTE_PLACES, pricePlaces } from '../../lib/precision.js';
import { tickerKey, useMarket } from '../../state/market.js';
import { notify } from '../../state/notifications.js';
import { findInstrument, useReference } from '../../state/reference.js';
import { positionKey, useTrading } from '../../state/trading.js';
import { Dialog } from '../../ui/Dialog.js';
import { ownersText } from './columns.js';
import {
  CLOSE_PERCENTS,
  EMPTY_PROTECT,
  type PositionAction,
  type ProtectForm,
  baseOf,
  checkPrice,
  checkQuantity,
  closeShare,
  exitSide,
  isOpenPosition,
  limitPrefill,
  protectParams,
  quoteOf,
  reverseOrder,
  sizeOf,
} from './position-actions.js';

export interface PositionActionContext {
  positionAction(position: Position, action: PositionAction): void;
}

/** The position row's actions: close 25/50/100 % at market, close with a limit, reverse, protect; each asks first. */
export function PositionActionsCell(p: ICellRendererParams<Position, unknown, PositionActionContext>) {
  const position = p.data;
  if (!position || !isOpenPosition(position)) return null;
  const go = (action: PositionAction) => p.context.positionAction(position, action);
  return (
    <span className="row-actions position-actions">
      {CLOSE_PERCENTS.map((pct) => (
        <button
          key={pct}
          type="button"
          className="btn btn-tiny btn-danger"
          onClick={() => go({ kind: 'close', percent: pct })}
          aria-label={`Close ${pct} % of the ${position.symbol} position at market`}
          title={`Close ${pct} % at market`}
          data-testid={pct === 100 ? 'close-position' : `close-position-${pct}`}
        >
          {pct}%
        </button>
      ))}
      <button type="button" className="btn btn-tiny" onClick={() => go({ kind: 'limit' })} aria-label={`Close the ${position.symbol} position with a limit order`} title="Close with a limit at a price" data-testid="close-limit">
        Limit
      </button>
      <button type="button" className="btn btn-tiny" onClick={() => go({ kind: 'reverse' })} aria-label={`Reverse the ${position.symbol} position`} title="Close and open the opposite side" data-testid="reverse-position">
        Reverse
      </button>
      <button type="button" className="btn btn-tiny" onClick={() => go({ kind: 'protect' })} aria-label={`Protect the ${position.symbol} position`} title="Take profit, stop loss, trailing stop" data-testid="protect-position">
        Protect
      </button>
    </span>
  );
}

const TITLES: Record<PositionAction['kind'], string> = { close: 'Close at market?', limit: 'Close with a limit order', reverse: 'Reverse this position?', protect: 'Protect this position' };

function Field({ name, label, value, onChange, error, placeholder, children }: { name: string; label: string; value: string; onChange(v: string): void; error?: string; placeholder?: string; children?: ReactNode }) {
  return (
    <label className="field">
      <span>{label}</span>
      <input name={name} inputMode="decimal" autoComplete="off" value={value} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={error ? `err-pa-${name}` : undefined} />
      {children}
      {error && (
        <span className="field-error" id={`err-pa-${name}`}>
          {error}
        </span>
      )}
    </label>
  );
}

let seq = 0;
/** made before sending: a retry after a lost answer cannot place the order twice */
const clientOrderId = (what: string) => `ui-${what}-${Date.now().toString(36)}-${(seq = (seq + 1) % 1_000_000).toString(36)}`;

/** an order the venue answered but did not take */
const refusedOrder = (o: Order) => (o.status === 'rejected' || o.status === 'canceled' || o.status === 'expired' ? `${o.status === 'rejected' ? 'Rejected' : o.status === 'canceled' ? 'Canceled' : 'Expired'}: ${o.reject_reason ?? 'no reason given'}` : null);

const legName = (o: Order) => (o.role === 'take_profit' ? 'Take profit' : o.role === 'stop_loss' ? 'Stop loss' : o.role === 'trailing' ? 'Trailing stop' : o.type);
const legPrice = (o: Order) => (o.role === 'trailing' ? `${formatPlain(o.trailing_offset)}${o.trailing_unit === 'percent' ? ' %' : ''} behind` : `@ ${formatPlain(o.role === 'stop_loss' ? o.stop_price : o.price)}`);

/**
 * The dialog each row action opens: it says what the order does and where the
 * money goes, sends it on confirm, and shows the engine's reason in place when
 * it is refused (the dialog stays open to correct or cancel).
 */
export function PositionActionDialog({ target, onClose }: { target: { position: Position; action: PositionAction } | null; onClose(): void }) {
  const client = useClient();
  const key = target ? positionKey(target.position) : '';
  // the row as it is now: the mark and the size move while the dialog is open
  const live = useTrading((s) => (key ? s.positions.rows.get(key) : undefined));
  const instrument = useReference((s) => (target ? findInstrument(s.instruments, target.position.account, target.position.symbol) : undefined));
  const paper = useReference((s) => (target ? s.accounts.find((a) => a.id === target.position.account)?.mode === 'paper' : false));
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [price, setPrice] = useState('');
  const [quantity, setQuantity] = useState('');
  const [protect, setProtect] = useState<ProtectForm>(EMPTY_PROTECT);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<string, string>>>({});

  // a fresh form per opening: the limit price from the book at that moment, the whole position
  useEffect(() => {
    setRefusal(null);
    setFieldErrors({});
    setBusy(false);
    setProtect(EMPTY_PROTECT);
    if (!target) return;
    const m = useMarket.getState();
    const places = pricePlaces(useReference.getState().instruments, target.position.account, target.position.symbol);
    const prefill = limitPrefill(target.position, m.book, m.tickers[tickerKey(target.position.account, target.position.symbol)]);
    setPrice(prefill === null ? '' : places === null ? prefill : dec(prefill).toFixed(places));
    setQuantity(wire(sizeOf(target.position)));
  }, [target]);

  if (!target) return null;
  const { action } = target;
  const p = live ?? target.position;
  const open = isOpenPosition(p);
  const side = open ? exitSide(p) : exitSide(target.position);
  const sideWord = side === 'sell' ? 'Sell' : 'Buy';
  const base = baseOf(p, instrument);
  const quote = quoteOf(p, instrument);
  const places = instrument ? placesOf(instrument.price_increment) : DEFAULT_QUOTE_PLACES;
  const long = sign(p.quantity) > 0;
  const size = open ? sizeOf(p) : dec('0');
  const sizeText = `${formatPlain(wire(size))} ${base}`;
  const about = (q: string, at: string | null | undefined) => (at ? `about ${formatFixed(dec(q).mul(at), places)} ${quote}` : 'at the market price');
  const strategyShares = p.owners?.some((o) => o.strategy_id !== null && sign(o.quantity) !== 0) ? ownersText(p.owners) : null;

  const send = async (what: () => Promise<void>) => {
    setBusy(true);
    setRefusal(null);
    try {
      await what();
    } catch (err) {
      setRefusal(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  let body: ReactNode;
  let confirm: { label: string; testId: string; run?: () => Promise<void>; disabled?: boolean; danger?: boolean } | null = null;

  if (!open) {
    body = <p>The {p.symbol} position on {p.account} is closed.</p>;
  } else if (action.kind === 'close') {
    const share = closeShare(p, action.percent, instrument);
    const q = wire(share.quantity);
    const leaves = size.minus(share.quantity);
    body = share.error ? (
      <p className="field-error">{share.error}</p>
    ) : (
      <>
        <p>
          <strong>
            {sideWord} {formatPlain(q)} {base}
          </strong>{' '}
          at market (reduce-only) on {p.account}: {action.percent} % of the {long ? 'long' : 'short'} of {sizeText}, {about(q, p.mark_price)} at the mark.{' '}
          {share.all ? 'The position is then flat.' : `${formatPlain(wire(leaves))} ${base} stays open.`}
        </p>
        {share.all && strategyShares && <p>It closes every owner’s share: {strategyShares}.</p>}
        {!share.all && strategyShares && <p>It takes your share first, then the strategies’ ({strategyShares}).</p>}
      </>
    );
    confirm = {
      label: `Close ${action.percent} % at market`,
      testId: 'close-confirm',
      danger: true,
      disabled: !!share.error,
      run: async () => {
        const o = await client.call('positions.close', { account: p.account, symbol: p.symbol, ...(share.all ? {} : { quantity: q }) });
        const bad = refusedOrder(o);
        if (bad) throw new CallError('INVALID_ORDER', bad);
        notify({ kind: 'info', title: `${o.status === 'filled' ? 'Closed' : 'Closing'} ${action.percent} % of ${p.symbol}`, body: `${o.side === 'buy' ? 'Buy' : 'Sell'} ${formatPlain(o.quantity)} at market (reduce-only) · ${o.status.replace('_', ' ')} · closes ${ownersText(o.closes)}` });
        onClose();
      },
    };
  } else if (action.kind === 'limit') {
    const pr = checkPrice(price, instrument);
    const qu = checkQuantity(quantity, p, instrument);
    body = (
      <>
        <div className="form-grid form-grid-3">
          <Field name="limit-price" label={`Price ${quote}`} value={price} onChange={(v) => (setPrice(v), setFieldErrors({}))} error={pr.error ?? fieldErrors['price']} />
          <Field name="limit-quantity" label={`Quantity ${base}`} value={quantity} onChange={(v) => (setQuantity(v), setFieldErrors({}))} error={qu.error ?? fieldErrors['quantity']}>
            <span className="pct-row">
              {CLOSE_PERCENTS.map((pct) => {
                const s = closeShare(p, pct, instrument);
                return (
                  <button key={pct} type="button" className="btn btn-tiny" disabled={!!s.error} onClick={() => setQuantity(wire(s.quantity))}>
                    {pct}%
                  </button>
                );
              })}
            </span>
          </Field>
        </div>
        {pr.value && qu.value && (
          <p>
            <strong>
              {sideWord} {formatPlain(qu.value)} {base} at {formatPlain(pr.value)}
            </strong>{' '}
            limit (reduce-only, good till canceled) on {p.account}: {formatFixed(dec(qu.value).mul(pr.value), places)} {quote} when it fills. It waits on the book until it fills or you cancel it.
          </p>
        )}
      </>
    );
    confirm = {
      label: 'Place limit close',
      testId: 'close-limit-confirm',
      disabled: !pr.value || !qu.value,
      run: async () => {
        if (!pr.value || !qu.value) return;
        try {
          const o = await client.call('orders.create', {
            account: p.account,
            symbol: p.symbol,
            side,
            type: 'limit',
            quantity: qu.value,
            price: pr.value,
            time_in_force: 'GTC',
            post_only: false,
            reduce_only: true,
            client_order_id: clientOrderId('close'),
          });
          const bad = refusedOrder(o);
          if (bad) throw new CallError('INVALID_ORDER', bad);
          notify({ kind: 'info', title: `Limit close placed: ${p.symbol}`, body: `${sideWord} ${formatPlain(o.quantity)} @ ${formatPlain(o.price)} (reduce-only) · ${o.status.replace('_', ' ')}` });
          onClose();
        } catch (err) {
          const f = (err as { field?: string }).field;
          if (f === 'price' || f === 'quantity') setFieldErrors({ [f]: (err as Error).message });
          throw err;
        }
      },
    };
  } else if (action.kind === 'reverse') {
    const r = reverseOrder(p);
    body = (
      <>
        <p>
          <strong>
            {r.side === 'sell' ? 'Sell' : 'Buy'} {formatPlain(r.quantity)} {base}
          </strong>{' '}
          at market on {p.account}, one order: the first {sizeText} closes your {long ? 'long' : 'short'}, the rest opens a {long ? 'short' : 'long'} of {sizeText} ({about(wire(size), p.mark_price)} each way at the mark).
        </p>
        <p className="muted">If the venue refuses it (on a spot account, selling {base} you do not hold), nothing changes and the reason shows here.</p>
        {strategyShares && <p>Strategies keep their own shares ({strategyShares}); the new side is yours.</p>}
      </>
    );
    confirm = {
      label: `Reverse to ${long ? 'short' : 'long'}`,
      testId: 'reverse-confirm',
      danger: true,
      run: async () => {
        const o = await client.call('orders.create', { account: p.account, symbol: p.symbol, side: r.side, type: 'market', quantity: r.quantity, time_in_force: 'GTC', post_only: false, reduce_only: false, client_order_id: clientOrderId('rev') });
        const bad = refusedOrder(o);
        if (bad) throw new CallError('INVALID_ORDER', bad);
        notify({ kind: 'info', title: `Reversing ${p.symbol}`, body: `${r.side === 'sell' ? 'Sell' : 'Buy'} ${formatPlain(o.quantity)} at market · ${o.status.replace('_', ' ')}` });
        onClose();
      },
    };
  } else {
    const set = (k: keyof ProtectForm) => (v: string) => setProtect((f) => ({ ...f, [k]: v }));
    const errs = fieldErrors;
    body = (
      <>
        <p>
          Exits for the whole {long ? 'long' : 'short'} of {sizeText} on {p.account} (mark {p.mark_price ? formatFixed(p.mark_price, places) : '—'}): reduce-only {side} orders, resized when the position changes and canceled when it is closed. Take profit and stop
          loss go as one OCO pair: one fills, the other is canceled.
        </p>
        <div className="form-grid form-grid-3">
          <Field name="take_profit" label={`Take profit ${quote}`} value={protect.take_profit} onChange={set('take_profit')} error={errs['take_profit']} placeholder={long ? 'above the mark' : 'below the mark'} />
          <Field name="stop_price" label={`Stop loss ${quote}`} value={protect.stop_price} onChange={set('stop_price')} error={errs['stop_price']} placeholder={long ? 'below the mark' : 'above the mark'} />
          <Field name="stop_limit" label="Stop limit (optional)" value={protect.stop_limit} onChange={set('stop_limit')} error={errs['stop_limit']} placeholder="market when empty" />
        </div>
        <div className="form-grid form-grid-3">
          <Field name="trailing_offset" label="Trailing offset" value={protect.trailing_offset} onChange={set('trailing_offset')} error={errs['trailing_offset']} />
          <label className="field">
            <span>Unit</span>
            <select className="select" name="trailing_unit" value={protect.trailing_unit} onChange={(e) => setProtect((f) => ({ ...f, trailing_unit: e.target.value as ProtectForm['trailing_unit'] }))}>
              <option value="percent">%</option>
              <option value="price">{quote}</option>
            </select>
          </label>
          <Field name="activation_price" label="Activation (optional)" value={protect.activation_price} onChange={set('activation_price')} error={errs['activation_price']} />
        </div>
        {errs['form'] && <p className="field-error">{errs['form']}</p>}
        <p className="muted" data-testid="protect-held-by">
          {paper
            ? 'Held by exchange: the paper venue holds the exits (restored from the journal at restart).'
            : 'Held by exchange where it offers the order type; otherwise held by Tern, which works only while Tern runs. Each exit’s Held by column says which.'}
        </p>
      </>
    );
    confirm = {
      label: 'Protect',
      testId: 'protect-confirm',
      run: async () => {
        const r = protectParams(p, protect, instrument);
        if (r.errors) {
          setFieldErrors(r.errors);
          return;
        }
        setFieldErrors({});
        const g = await client.call('positions.protect', r.params);
        notify({
          kind: 'info',
          title: `Protected ${p.symbol}`,
          body: g.orders.map((o) => `${legName(o)} ${o.side} ${formatPlain(o.quantity)} ${legPrice(o)} — ${o.held_by === 'tern' ? 'held by Tern (works only while Tern runs)' : 'held by exchange'}`).join(' · '),
        });
        onClose();
      },
    };
  }

  return (
    <Dialog open title={`${TITLES[action.kind]} ${p.symbol}`} onClose={onClose} className="position-action-dialog">
      <div data-testid="position-action" data-action={action.kind}>
        {body}
      </div>
      {refusal && (
        <p className="field-error" role="alert" data-testid="position-action-error">
          Refused: {refusal}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose} data-autofocus>
          {confirm ? 'Keep it' : 'Close'}
        </button>
        {confirm && (
          <button type="button" className={`btn ${confirm.danger ? 'btn-danger' : 'btn-primary'}`} disabled={busy || confirm.disabled} onClick={() => void send(confirm.run!)} data-testid={confirm.testId}>
            {confirm.label}
          </button>
        )}
      </div>
    </Dialog>
  );
}

