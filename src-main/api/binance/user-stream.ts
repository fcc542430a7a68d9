import type { EngineEvent } from '../../../src-common/contract/events.js';
import type { Balance, Fill, Order } from '../../../src-common/contract/schemas.js';
import { Decimal } from '../../engine/model/decimal.js';
import { balanceView, binanceSymbol, cancelClientId, f8, orderView, waitingForTrigger } from './convert.js';
import type { Endpoint } from './endpoint.js';
import { binanceErrors as errors } from './errors.js';
import type { ListenKeys } from './listen-keys.js';
import { executionReport, outboundAccountPosition, type ExecType } from './stream-format.js';

/** What an order has been reported at so far: TRADE reports carry cumulative amounts as of each fill. */
interface Reported {
  order: Order;
  filled: Decimal;
  quote: Decimal;
}

const CANCELS_KEPT = 10_000;

/**
 * Tern's order, fill and balance events as Binance's user-data events, per
 * account: `executionReport` NEW when an order starts working, TRADE for each
 * fill (the fill's price, quantity and fee; the order's cumulative quantity
 * and quote as of that fill), CANCELED / EXPIRED / REJECTED when it ends, and
 * one `outboundAccountPosition` per turn with the balances that changed.
 * An order refused before it worked (a risk refusal the REST call already
 * answered with -2010) never existed for Binance and is not reported.
 */
export class UserReports {
  private readonly reported = new Map<string, Reported>();
  /** fills seen before their order's event */
  private readonly fillsAhead = new Map<string, Fill[]>();
  private readonly cancelIds = new Map<string, string>();
  /** OCO groups one leg of which has executed */
  private readonly listsFilled = new Set<string>();
  private readonly balances = new Map<string, Map<string, Balance>>();
  private balanceFlushQueued = false;
  private stopped = false;
  private eventId = 0;

  constructor(
    private readonly now: () => number,
    private readonly emit: (account: string, event: Record<string, unknown>) => void,
  ) {}

  noteCancel(orderId: string, cancelClientOrderId: string): void {
    this.cancelIds.set(orderId, cancelClientOrderId);
    if (this.cancelIds.size > CANCELS_KEPT) this.cancelIds.delete(this.cancelIds.keys().next().value!);
  }

  onEvent(event: EngineEvent): void {
    if (event.kind === 'orders') this.onOrder(event.data as Order);
    else if (event.kind === 'fills') this.onFill(event.data as Fill);
    else if (event.kind === 'balances') this.onBalance(event.data as Balance);
  }

  /** forgets every order: nobody listens, and a stream that starts later begins from what it sees */
  reset(): void {
    this.reported.clear();
    this.fillsAhead.clear();
    this.listsFilled.clear();
    this.balances.clear();
  }

  stop(): void {
    this.stopped = true;
  }

  private onOrder(o: Order): void {
    let r = this.reported.get(o.id);
    if (r === undefined) {
      // not working yet, or refused before it ever worked
      if (o.status === 'pending' || o.status === 'rejected') return;
      // an order already part filled when the stream began: its earlier fills were never reported
      const ahead = (this.fillsAhead.get(o.id) ?? []).reduce((sum, f) => sum.add(f.quantity), new Decimal(0));
      const before = Decimal.max(new Decimal(o.filled_quantity).sub(ahead), 0);
      r = { order: o, filled: before, quote: before.mul(o.average_price ?? 0) };
      this.reported.set(o.id, r);
      if (before.isZero()) this.report(o, 'NEW', r, 'NEW');
    }
    r.order = o;
    for (const f of this.fillsAhead.get(o.id) ?? []) this.trade(r, f);
    this.fillsAhead.delete(o.id);
    if (o.oco_id !== null && !new Decimal(o.filled_quantity).isZero()) this.noteListFill(o.oco_id);
    // an OCO leg Tern canceled because the other leg executed: Binance says EXPIRED
    const ended = o.status === 'canceled' && o.oco_id !== null && this.listsFilled.has(o.oco_id) ? 'EXPIRED' : END[o.status];
    if (ended !== undefined) {
      this.report(o, ended, r, STATUS_OF[ended]);
      this.forget(o.id);
    } else this.settle(r);
  }

  private noteListFill(ocoId: string): void {
    this.listsFilled.add(ocoId);
    if (this.listsFilled.size > CANCELS_KEPT) this.listsFilled.delete(this.listsFilled.values().next().value!);
  }

  /** a filled order is forgotten once all its fills are reported (they may come after its last event) */
  private settle(r: Reported): void {
    if (r.order.status === 'filled' && r.filled.gte(r.order.filled_quantity)) this.forget(r.order.id);
  }

  private forget(orderId: string): void {
    this.reported.delete(orderId);
    this.cancelIds.delete(orderId);
  }

  private onFill(f: Fill): void {
    const r = this.reported.get(f.order_id);
    // the order's own event said it filled this far already: report the fill now
    if (r !== undefined && new Decimal(r.order.filled_quantity).gte(r.filled.add(f.quantity))) {
      this.trade(r, f);
      this.settle(r);
      return;
    }
    const list = this.fillsAhead.get(f.order_id) ?? [];
    list.push(f);
    this.fillsAhead.set(f.order_id, list);
  }

  private trade(r: Reported, f: Fill): void {
    r.filled = r.filled.add(f.quantity);
    r.quote = r.quote.add(new Decimal(f.quantity).mul(f.price));
    const status = r.filled.gte(r.order.quantity) ? 'FILLED' : 'PARTIALLY_FILLED';
    this.report(r.order, 'TRADE', r, status, f);
  }

  private report(o: Order, execType: ExecType, r: Reported, status: string, f?: Fill): void {
    const [base = o.symbol, quote = ''] = o.symbol.split('/');
    const cancelId = execType === 'CANCELED' ? (this.cancelIds.get(o.id) ?? cancelClientId(o)) : undefined;
    const view = {
      ...orderView(o, binanceSymbol({ base, quote }), { cancelClientOrderId: cancelId }),
      status,
      executedQty: f8(r.filled.toFixed()),
      cummulativeQuoteQty: r.quote.toFixed(8, Decimal.ROUND_DOWN),
      // a stop or take profit waiting for its trigger is not working yet (Binance: w false), as orderView says
      isWorking: o.type !== 'market' && (status === 'NEW' || status === 'PARTIALLY_FILLED') && !waitingForTrigger(o, r.filled),
    };
    const exec = f && {
      qty: f8(f.quantity),
      price: f8(f.price),
      quoteQty: new Decimal(f.quantity).mul(f.price).toFixed(8, Decimal.ROUND_DOWN),
      commission: f8(f.fee),
      commissionAsset: f.fee_asset,
      time: Date.parse(f.ts),
      tradeId: f.id,
      isMaker: f.liquidity === 'maker',
    };
    const reason = execType === 'REJECTED' ? (o.reject_reason ?? 'UNKNOWN_ORDER') : 'NONE';
    this.emit(o.account, executionReport(view, execType, this.now(), ++this.eventId, exec, reason));
  }

  private onBalance(b: Balance): void {
    let changed = this.balances.get(b.account);
    if (changed === undefined) this.balances.set(b.account, (changed = new Map()));
    changed.set(b.asset, b);
    // the balances of one operation go out together, after its executionReports, as Binance sends them: the
    // journal hands over the events of one commit in one go, and the microtask runs once it has
    if (this.balanceFlushQueued) return;
    this.balanceFlushQueued = true;
    queueMicrotask(() => this.flushBalances());
  }

  private flushBalances(): void {
    this.balanceFlushQueued = false;
    if (this.stopped) return;
    const time = this.now();
    for (const [account, changed] of this.balances) this.emit(account, outboundAccountPosition(time, time, [...changed.values()].map(balanceView)));
    this.balances.clear();
  }
}

const END: Partial<Record<Order['status'], ExecType>> = { canceled: 'CANCELED', expired: 'EXPIRED', rejected: 'REJECTED' };
const STATUS_OF: Record<ExecType, string> = { NEW: 'NEW', TRADE: 'TRADE', CANCELED: 'CANCELED', EXPIRED: 'EXPIRED', REJECTED: 'REJECTED' };

/**
 * Binance's `/api/v3/userDataStream`: a listen key for the calling API key and
 * the account of the URL (POST), kept alive (PUT) or closed (DELETE). A key
 * another API key created, or that expired, is -1125.
 */
export function listenKeyEndpoints(keys: ListenKeys, onClose: (listenKey: string) => void): Record<string, Endpoint> {
  const owned = (c: Parameters<Endpoint['handle']>[0]) => {
    const raw = c.params['listenKey'];
    if (raw === undefined || raw === '') throw errors.mandatory('listenKey');
    const k = keys.get(raw, c.principal!.id, c.account);
    if (k === undefined) throw errors.invalidListenKey();
    return k;
  };
  return {
    'POST api/v3/userDataStream': {
      security: 'KEY',
      params: [],
      handle: async (c) => {
        // the account must be one this key can read: a stream tells everything about it
        await c.call('balances.list', { account: c.account });
        return { listenKey: keys.create(c.principal!.id, c.account).listenKey };
      },
    },
    'PUT api/v3/userDataStream': {
      security: 'KEY',
      params: ['listenKey'],
      handle: async (c) => (keys.keepalive(owned(c)), {}),
    },
    'DELETE api/v3/userDataStream': {
      security: 'KEY',
      params: ['listenKey'],
      handle: async (c) => {
        const k = owned(c);
        keys.close(k);
        onClose(k.listenKey);
        return {};
      },
    },
  };
}
