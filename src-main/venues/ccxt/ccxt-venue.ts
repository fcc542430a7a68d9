/**
 * A live exchange account through ccxt: orders out over REST with Tern's
 * client order id in the exchange's own field, execution reports back from
 * ccxt.pro's private streams (watchOrders, watchMyTrades, watchBalance), and
 * REST polling through reconciliation when the streams are missing or down.
 *
 * Rules
 * - A request whose outcome is unknown (timeout, dropped connection, 5xx)
 *   throws a TernError: the OMS keeps the order pending, and this venue asks
 *   for a reconciliation, which finds out by querying the client order id.
 *   Nothing is ever sent twice.
 * - A refusal the exchange made for certain (a 4xx: funds, filters, the
 *   clock, the key; a 429 rate limit before processing) is a VenueRejection
 *   with the exchange's reason and code: the OMS settles the order at once.
 * - A failed query (reconciliation's) is a TernError with the exchange's words.
 * - Fills come from trades (each with the exchange's trade id, reported once
 *   by this venue and applied once by the OMS). An order's end (canceled,
 *   expired) is reported only after the fills its exchange record counts:
 *   trades still missing are awaited briefly, then fetched.
 * - An amendment is one cancel-and-replace (ccxt editOrder) keeping Tern's
 *   client order id; the replaced exchange order's cancel is not reported.
 * - Reports go to listeners synchronously, in the order this venue learns things.
 * - What the exchange holds natively (`capabilities`: stop orders, Binance's
 *   OCO order lists) is placed there, so it survives Tern being closed. An
 *   OCO list is one request: refused, nothing is open. The exchange ends the
 *   other leg itself (Binance: as soon as one leg executes, or either leg is
 *   canceled); that end is reported as the leg's cancel. The list is read back
 *   by reconciliation after a restart, so the legs stay linked.
 */
import ccxt, { type Exchange, type Order, type Trade } from 'ccxt';
import { ZERO } from '../../engine/model/decimal.js';
import type { InstrumentSpec } from '../../engine/model/types.js';
import type { Clock } from '../../engine/ports/clock.js';
import { type Logger, silentLogger } from '../../engine/ports/logger.js';
import {
  type ExecutionReport,
  type ReconcilableVenue,
  type VenueAck,
  type VenueBalance,
  type VenueCapabilities,
  type VenueFill,
  type VenueOcoAck,
  type VenueOcoRequest,
  type VenueOrderChanges,
  type VenueOrderRef,
  type VenueOrderRequest,
  type VenueOrderStatus,
  VenueRejection,
} from '../../engine/ports/venue.js';
import { TernError } from '../../../src-common/contract/errors.js';
import { worksAsMarketOnceTriggered } from '../../../src-common/contract/constants/orders.js';
import { ReportStream } from '../sim/report-stream.js';
import type { CcxtFeed } from './ccxt-feed.js';
import { balancesOf, fillOf, orderStatusOf } from './convert.js';
import { DeadManSwitch, type DeadManState } from './dead-man.js';
import { classifyCcxtError, redact, venueError, venueQueryError } from './errors.js';
import { type BinanceOrderList, binanceOcoParams, capabilitiesOf, createOrderArgs, triggerParams, venueListIdOf } from './native-orders.js';
import { OrderBookKeeping, type TrackedOrder } from './order-book-keeping.js';
import { type AccountHealth, VenueHealth, clockReason, healthVerdict } from './venue-health.js';

export interface CcxtVenueOptions {
  account: string;
  /** the ccxt id, e.g. "binance" */
  exchangeId: string;
  /** the account's ccxt instance (with credentials); the venue owns it and closes it on stop */
  exchange: Exchange;
  /** the public market data of this exchange (may share `exchange`) */
  marketData: CcxtFeed;
  clock: Clock;
  log?: Logger;
  /** ms between reconciliation requests while the private streams are down or missing (default 5000) */
  pollMs?: number;
  /** how long a missing trade may take to arrive on the stream before it is fetched (default 300) */
  tradeGraceMs?: number;
  /** after this long an order the exchange does not know is lost (default: recvWindow + timeout + 5 s) */
  unknownOrderGraceMs?: number;
  onListenerError?: (err: unknown) => void;
  /** why this account cannot trade (its keys are missing from the keychain…): requests are refused with it */
  unusable?: string;
  /** the dead-man switch: seconds after Tern's last heartbeat at which the exchange cancels resting orders (null/absent: off) */
  deadManSwitchS?: number | null;
  /** ms between dead-man heartbeats (default: a third of the timeout) */
  deadManBeatMs?: number;
}

type StreamName = 'orders' | 'trades' | 'balance';

/** a failing exchange is checked again after pollMs, doubling up to this */
const MAX_PROBE_MS = 60_000;

/** why a leg of an exchange-held OCO ended without being asked to */
export const OCO_SIBLING_ENDED = 'oco: the exchange ended this leg when the other leg executed or was canceled';

/** An exchange order list: Tern's group id (the list's client id) and its legs' client ids. */
interface NativeList {
  ocoId: string;
  legs: string[];
}

export class CcxtVenue implements ReconcilableVenue {
  readonly mode = 'live' as const;
  readonly account: string;
  readonly exchange: string;
  readonly marketData: CcxtFeed;
  readonly unknownOrderGraceMs: number;
  readonly capabilities: VenueCapabilities;

  private readonly ex: Exchange;
  /** exchange order lists by the exchange's list id, and each leg's list by client id */
  private readonly lists = new Map<string, NativeList>();
  private readonly listOfLeg = new Map<string, string>();
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly reports: ReportStream;
  private readonly orders = new OrderBookKeeping();
  private readonly seenTrades = new Set<string>();
  private readonly resyncListeners = new Set<(reason: string) => void>();
  private readonly lastBalance = new Map<string, string>();
  private readonly failing = new Set<StreamName>();
  private readonly fillWaiters = new Set<() => void>();
  private readonly pollMs: number;
  private readonly tradeGraceMs: number;
  private running = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private streams: Array<Promise<void>> = [];
  private readonly unusable: string | null;
  private readonly condition: VenueHealth;
  private probeTimer: NodeJS.Timeout | null = null;
  private probeDelay: number;
  private measuringClock = false;
  private readonly deadMan: DeadManSwitch;

  constructor(opts: CcxtVenueOptions) {
    this.account = opts.account;
    this.exchange = opts.exchangeId;
    this.ex = opts.exchange;
    this.marketData = opts.marketData;
    this.clock = opts.clock;
    this.log = opts.log ?? silentLogger;
    this.pollMs = opts.pollMs ?? 5000;
    this.tradeGraceMs = opts.tradeGraceMs ?? 300;
    const recvWindow = Number((this.ex.options as Record<string, unknown>)['recvWindow'] ?? 10_000);
    this.unknownOrderGraceMs = opts.unknownOrderGraceMs ?? recvWindow + this.ex.timeout + 5000;
    const onError = opts.onListenerError ?? ((err: unknown) => this.log.error({ err: String(err), account: this.account }, 'an execution report listener failed'));
    this.reports = new ReportStream(onError);
    this.unusable = opts.unusable ?? null;
    this.condition = new VenueHealth((err) => this.log.error({ err: String(err), account: this.account }, 'an account status listener failed'));
    if (this.unusable) this.condition.set('keys', 'error', this.unusable);
    this.probeDelay = this.pollMs;
    this.capabilities = capabilitiesOf(this.ex);
    this.deadMan = new DeadManSwitch({
      exchange: this.ex,
      exchangeId: this.exchange,
      account: this.account,
      timeoutS: opts.deadManSwitchS ?? null,
      ...(opts.deadManBeatMs ? { beatMs: opts.deadManBeatMs } : {}),
      now: () => this.clock.now(),
      log: this.log,
      onChange: (s) => (s.available && s.timeoutS !== null && s.reason ? this.condition.set('deadman', 'degraded', `dead-man switch: ${s.reason}`) : this.condition.clear('deadman')),
    });
    this.observeRequests();
  }

  /** the dead-man switch as the account shows it */
  deadManSwitch(): DeadManState {
    return this.deadMan.state();
  }

  /** the dead-man switch changed without a restart (accounts.update): re-armed, started or disarmed at once */
  setDeadManSwitch(timeoutS: number | null): Promise<void> {
    return this.deadMan.set(timeoutS);
  }

  /** what is wrong between the account and its exchange now (the account's status) */
  health(): AccountHealth {
    return this.condition.get();
  }

  onHealth(listener: () => void): () => void {
    return this.condition.onChange(listener);
  }

  /** whether the private streams are up (false: REST polling through reconciliation) */
  get streaming(): boolean {
    return this.running && this.hasStreams() && this.failing.size === 0;
  }

  loadMarkets(): Promise<InstrumentSpec[]> {
    return this.marketData.loadMarkets();
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.marketData.start();
    if (this.unusable) {
      this.log.error({ account: this.account, reason: this.unusable }, 'this account cannot trade');
    } else if (this.hasStreams()) {
      this.streams = [
        this.stream('orders', async () => this.onOrders(await this.ex.watchOrders())),
        this.stream('trades', async () => this.onTrades(await this.ex.watchMyTrades())),
        this.stream('balance', async () => this.onBalance(await this.ex.watchBalance())),
      ];
    } else {
      this.startPolling('this exchange has no private websocket streams in ccxt');
    }
    if (!this.unusable) await this.deadMan.start();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopPolling();
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = null;
    for (const wake of [...this.fillWaiters]) wake();
    // Tern stops on purpose: the exchange forgets the timer (a crash never gets here, and the timer runs out)
    await this.deadMan.stop();
    // The feed's loops stop first (it shares this instance), so nothing watches again while the sockets close.
    await this.marketData.stop();
    try {
      await this.ex.close();
    } catch {
      // closing sockets that are already gone
    }
    await Promise.allSettled(this.streams);
    this.streams = [];
  }

  onReport(listener: (report: ExecutionReport) => void): () => void {
    return this.reports.subscribe(listener);
  }

  onResync(listener: (reason: string) => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  venueOrderIds(clientOrderId: string): string[] {
    return [...(this.orders.get(clientOrderId)?.legs ?? [])];
  }

  inFlight(clientOrderId: string): boolean {
    return (this.orders.get(clientOrderId)?.inFlight ?? 0) > 0;
  }

  // ── requests ──────────────────────────────────────────────────────────────

  async createOrder(request: VenueOrderRequest): Promise<VenueAck> {
    this.usable();
    const t = this.orders.ensure(request.clientOrderId, request.symbol, this.clock.now());
    const args = createOrderArgs(request, this.capabilities);
    t.inFlight += 1;
    let answer: Order;
    try {
      answer = await this.ex.createOrder(request.symbol, args.type, request.side, request.quantity.toNumber(), args.price, args.params);
    } catch (err) {
      throw this.failed(err, 'createOrder', t);
    } finally {
      t.inFlight -= 1;
    }
    const status = orderStatusOf(answer, this.clock.now());
    if (!status) {
      this.resync('createOrder answered without an order id');
      throw new VenueRejection('the exchange answered without an order id');
    }
    this.learnLeg(t, status.venueOrderId);
    this.acceptOnce(t, status.venueOrderId, status.ts);
    this.onTradesOf(answer, status);
    this.onStatus(t, status);
    this.reports.drain();
    return { venueOrderId: status.venueOrderId };
  }

  /** One OCO list on the exchange (Binance orderList/oco): both legs with Tern's client ids, or nothing. */
  async placeOco(request: VenueOcoRequest): Promise<VenueOcoAck> {
    this.usable();
    if (!this.capabilities.oco) throw new VenueRejection(`${this.exchange} takes no OCO order lists through ccxt`);
    const now = this.clock.now();
    const tp = this.orders.ensure(request.takeProfit.clientOrderId, request.symbol, now);
    const sl = this.orders.ensure(request.stopLoss.clientOrderId, request.symbol, now);
    tp.inFlight += 1;
    sl.inFlight += 1;
    let answer: BinanceOrderList;
    try {
      await this.ex.loadMarkets();
      const market = this.ex.market(request.symbol);
      if ((market.info as Record<string, unknown> | undefined)?.['ocoAllowed'] === false) throw new VenueRejection(`${this.exchange} takes no OCO lists on ${request.symbol}`);
      const send = (this.ex as unknown as Record<string, (p: Record<string, string>) => Promise<BinanceOrderList>>)['privatePostOrderListOco']!;
      answer = await send.call(this.ex, binanceOcoParams(this.ex, request));
    } catch (err) {
      if (err instanceof VenueRejection) throw err;
      // an unknown outcome asks for a reconciliation, which looks both legs up by their client ids
      throw this.failed(err, 'placeOco', tp);
    } finally {
      tp.inFlight -= 1;
      sl.inFlight -= 1;
    }
    const listId = String(answer.orderListId);
    this.linkList(listId, request.ocoId, [tp.clientOrderId, sl.clientOrderId]);
    const market = this.ex.market(request.symbol);
    const ids: Record<string, string> = {};
    for (const report of answer.orderReports ?? []) {
      const status = orderStatusOf(this.ex.parseOrder(report, market), this.clock.now());
      const t = status?.clientOrderId === tp.clientOrderId ? tp : status?.clientOrderId === sl.clientOrderId ? sl : undefined;
      if (!status || !t) continue;
      ids[t.clientOrderId] = status.venueOrderId;
      this.learnLeg(t, status.venueOrderId);
      this.acceptOnce(t, status.venueOrderId, status.ts);
      this.onStatus(t, { ...status, ocoListId: request.ocoId });
    }
    this.reports.drain();
    const tpId = ids[tp.clientOrderId];
    const slId = ids[sl.clientOrderId];
    if (!tpId || !slId) {
      this.resync('placeOco answered without both order ids');
      throw new TernError('VENUE_UNAVAILABLE', `${this.exchange} answered the OCO list ${listId} without both orders; reconciliation will look them up`);
    }
    return { listId, takeProfit: { venueOrderId: tpId }, stopLoss: { venueOrderId: slId } };
  }

  async editOrder(ref: VenueOrderRef, changes: VenueOrderChanges): Promise<void> {
    this.usable();
    if (this.listOfLeg.has(ref.clientOrderId)) {
      throw new VenueRejection(`${ref.clientOrderId} is one leg of an OCO list held by ${this.exchange}, which cannot amend one leg: cancel the OCO and place it again`);
    }
    const t = this.orders.ensure(ref.clientOrderId, ref.symbol, this.clock.now());
    if (ref.venueOrderId && t.legs.length === 0) this.learnLeg(t, ref.venueOrderId);
    const leg = this.orders.current(t) ?? ref.venueOrderId;
    t.inFlight += 1;
    t.replacing = true;
    try {
      // The working order's side, type and price as the exchange has them.
      const now = await this.queryOrder(ref.symbol, leg, ref.clientOrderId);
      if (!now || now.status !== 'open') throw new VenueRejection(`cannot amend: the order is ${now ? now.status : 'unknown to the exchange'}`);
      const filled = ref.filledQuantity ?? now.filled;
      const total = changes.quantity ?? ref.quantity ?? now.quantity.add(filled).sub(now.filled);
      const newRemaining = total.sub(filled);
      if (newRemaining.lte(ZERO)) throw new VenueRejection(`new quantity ${total.toFixed()} must exceed the filled quantity ${filled.toFixed()}`);
      const price = changes.price ?? now.price;
      const params: Record<string, unknown> = { clientOrderId: ref.clientOrderId };
      // a stop stays a stop, a take profit a take profit: its trigger goes with the replacement (binance spot: STOP_LOSS(_LIMIT), TAKE_PROFIT(_LIMIT))
      const market = now.type === 'market' || worksAsMarketOnceTriggered(now.type);
      const stopPrice = changes.stopPrice ?? now.stopPrice;
      Object.assign(params, triggerParams(now.type, stopPrice));
      if (now.postOnly) params['postOnly'] = true;
      else if (!market) params['timeInForce'] = now.timeInForce;
      let answer: Order;
      try {
        answer = await this.ex.editOrder(now.venueOrderId, ref.symbol, market ? 'market' : 'limit', now.side, newRemaining.toNumber(), market ? undefined : price?.toNumber(), params);
      } catch (err) {
        const c = classifyCcxtError(err);
        if (c.kind !== 'refused') throw err;
        // A refused cancel-and-replace may have canceled the order before failing to place the new one.
        const after = await this.queryOrder(ref.symbol, now.venueOrderId, null);
        if (after && after.status !== 'open') {
          t.replacing = false;
          await this.settle(t, after, `amend failed after the exchange ended the order: ${c.reason}`);
        }
        throw venueError(err, 'editOrder');
      }
      const status = orderStatusOf(answer, this.clock.now());
      if (!status) throw new VenueRejection('the exchange answered the amendment without an order id');
      this.learnLeg(t, status.venueOrderId);
      t.accepted.add(status.venueOrderId);
      this.reports.push({ type: 'updated', clientOrderId: t.clientOrderId, price: price ?? null, quantity: total, ...(changes.stopPrice ? { stopPrice: changes.stopPrice } : {}), ts: status.ts });
      this.reports.push({ type: 'accepted', clientOrderId: t.clientOrderId, venueOrderId: status.venueOrderId, ts: status.ts });
      this.onStatus(t, status);
      this.reports.drain();
    } catch (err) {
      throw this.failed(err, 'editOrder', t);
    } finally {
      t.replacing = false;
      t.inFlight -= 1;
    }
  }

  async cancelOrder(ref: VenueOrderRef): Promise<void> {
    this.usable();
    const t = this.orders.ensure(ref.clientOrderId, ref.symbol, this.clock.now());
    if (ref.venueOrderId && t.legs.length === 0) this.learnLeg(t, ref.venueOrderId);
    const leg = this.orders.current(t) ?? ref.venueOrderId;
    t.inFlight += 1;
    try {
      let answer: Order;
      try {
        answer = leg
          ? await this.ex.cancelOrder(leg, ref.symbol)
          : await this.ex.cancelOrder(undefined as unknown as string, ref.symbol, { clientOrderId: ref.clientOrderId });
      } catch (err) {
        const c = classifyCcxtError(err);
        if (c.kind !== 'refused') throw err;
        // Not open any more: it filled or ended meanwhile; report what happened, then refuse.
        const now = await this.queryOrder(ref.symbol, leg, ref.clientOrderId);
        if (now && now.status !== 'open') await this.settle(t, now, null);
        throw venueError(err, 'cancelOrder');
      }
      const status = orderStatusOf(answer, this.clock.now());
      // The answer's client id is the cancel request's own; the order is ours.
      if (status) await this.settle(t, { ...status, clientOrderId: t.clientOrderId }, null);
      await this.settleSiblings(t);
    } catch (err) {
      throw this.failed(err, 'cancelOrder', t);
    } finally {
      t.inFlight -= 1;
    }
  }

  async fetchBalance(): Promise<VenueBalance[]> {
    this.queryable();
    try {
      return balancesOf(await this.ex.fetchBalance());
    } catch (err) {
      throw venueQueryError(err, `fetchBalance on ${this.exchange}`);
    }
  }

  // ── queries (reconciliation) ───────────────────────────────────────────────

  async fetchOpenOrders(symbols?: string[]): Promise<VenueOrderStatus[]> {
    this.queryable();
    let list: Order[];
    try {
      if (symbols === undefined) list = await this.ex.fetchOpenOrders();
      else list = (await Promise.all(symbols.map((s) => this.ex.fetchOpenOrders(s)))).flat();
    } catch (err) {
      throw venueQueryError(err, `fetchOpenOrders on ${this.exchange}`);
    }
    const now = this.clock.now();
    const out = list.flatMap((o) => {
      const s = orderStatusOf(o, now);
      return s ? [{ status: s, listId: venueListIdOf(o.info) }] : [];
    });
    try {
      if (out.some((x) => x.listId !== null && !this.lists.has(x.listId))) await this.readOpenLists();
    } catch (err) {
      throw venueQueryError(err, `openOrderList on ${this.exchange}`);
    }
    return out.map(({ status, listId }) => {
      const s = { ...status, ocoListId: listId === null ? null : (this.lists.get(listId)?.ocoId ?? null) };
      this.learn(s, listId);
      return s;
    });
  }

  async fetchOrder(ref: VenueOrderRef): Promise<VenueOrderStatus | null> {
    this.queryable();
    try {
      const s = await this.queryOrder(ref.symbol, null, ref.clientOrderId);
      if (!s) return s;
      const listId = s.ocoListId ?? null;
      if (listId !== null && !this.lists.has(listId)) await this.readList(listId);
      const status = { ...s, ocoListId: listId === null ? null : (this.lists.get(listId)?.ocoId ?? null) };
      // Binance expires the other leg of a list when one executes: for Tern, its group canceled it
      if (listId !== null && status.status === 'expired') status.status = 'canceled';
      this.learn(status, listId);
      return status;
    } catch (err) {
      throw venueQueryError(err, `fetchOrder on ${this.exchange}`);
    }
  }

  // ── order lists ───────────────────────────────────────────────────────────

  private linkList(listId: string, ocoId: string, legs: string[]): void {
    this.lists.set(listId, { ocoId, legs });
    for (const leg of legs) this.listOfLeg.set(leg, listId);
  }

  private linkAnswer(l: BinanceOrderList): void {
    this.linkList(String(l.orderListId), l.listClientOrderId, (l.orders ?? []).map((o) => o.clientOrderId));
  }

  /** the open order lists (after a restart the venue knows none): their client ids are Tern's group ids */
  private async readOpenLists(): Promise<void> {
    if (!this.capabilities.oco) return;
    const read = (this.ex as unknown as Record<string, (p: object) => Promise<BinanceOrderList[]>>)['privateGetOpenOrderList']!;
    for (const l of await read.call(this.ex, {})) this.linkAnswer(l);
  }

  private async readList(listId: string): Promise<void> {
    if (!this.capabilities.oco) return;
    const read = (this.ex as unknown as Record<string, (p: object) => Promise<BinanceOrderList>>)['privateGetOrderList']!;
    this.linkAnswer(await read.call(this.ex, { orderListId: listId }));
  }

  /**
   * After one leg of an exchange list was canceled: the exchange canceled the
   * others with it; their ends are reported now, whether or not a stream
   * brings them.
   */
  private async settleSiblings(t: TrackedOrder): Promise<void> {
    const listId = this.listOfLeg.get(t.clientOrderId);
    if (listId === undefined) return;
    for (const cid of this.lists.get(listId)?.legs ?? []) {
      const sib = this.orders.get(cid);
      if (cid === t.clientOrderId || !sib || sib.ended) continue;
      const now = await this.queryOrder(sib.symbol, this.orders.current(sib) ?? null, cid);
      if (now && now.status !== 'open') await this.settle(sib, now, null);
    }
  }

  async fetchFills(symbol: string, since: number): Promise<VenueFill[]> {
    this.queryable();
    const out: VenueFill[] = [];
    let cursor = since;
    try {
      for (let page = 0; page < 10; page++) {
        const trades = await this.ex.fetchMyTrades(symbol, cursor, 1000);
        const now = this.clock.now();
        for (const t of trades) {
          const f = fillOf(t, now);
          if (f) out.push(f);
        }
        if (trades.length < 1000) break;
        cursor = (trades[trades.length - 1]!.timestamp ?? cursor) + 1;
      }
    } catch (err) {
      throw venueQueryError(err, `fetchMyTrades on ${this.exchange}`);
    }
    const seen = new Set<string>();
    return out.filter((f) => (seen.has(f.venueTradeId) ? false : (seen.add(f.venueTradeId), true))).sort((a, b) => a.ts - b.ts);
  }

  // ── streams ───────────────────────────────────────────────────────────────

  private hasStreams(): boolean {
    const has = this.ex.has as Record<string, unknown>;
    return Boolean(has['watchOrders'] && has['watchMyTrades']);
  }

  /**
   * One private stream: watch, handle, repeat. ccxt reconnects on the next
   * watch after a drop; a stream that fails makes the venue poll until it is
   * back, and its return asks for a reconciliation (what was missed meanwhile).
   */
  private async stream(name: StreamName, once: () => Promise<void>): Promise<void> {
    let failures = 0;
    const back = () => {
      failures = 0;
      this.failing.delete(name);
      this.log.info({ account: this.account, stream: name }, 'private stream back');
      if (this.failing.size === 0) {
        this.stopPolling();
        this.condition.clear('stream');
      }
      this.resync(`the ${name} stream reconnected`);
    };
    while (this.running) {
      // A watch that reconnected and has not failed for a while is subscribed: back, though no event came
      // (an idle account may see none for hours).
      let settled: NodeJS.Timeout | null = null;
      if (failures > 0) {
        settled = setTimeout(() => this.running && back(), Math.max(1000, this.ex.timeout));
        settled.unref?.();
      }
      try {
        await once();
        if (settled) clearTimeout(settled);
        // events on a private stream: the exchange took the key and the timestamp
        this.condition.clear('keys', 'clock');
        if (failures > 0) back();
      } catch (err) {
        if (settled) clearTimeout(settled);
        if (!this.running) return;
        failures += 1;
        this.streamFailed(name, err);
        if (failures === 1) {
          this.failing.add(name);
          this.log.warn({ account: this.account, stream: name, err: redact(String(err)) }, 'private stream failed; polling until it is back');
          this.startPolling(`the ${name} stream failed`);
        }
        await sleep(Math.min(200 * 2 ** Math.min(failures, 6), 10_000));
      }
    }
  }

  private onOrders(list: Order[]): void {
    const now = this.clock.now();
    for (const o of list) {
      const s = orderStatusOf(o, now);
      if (!s) continue;
      const t = this.orders.byVenueId(s.venueOrderId) ?? (s.clientOrderId ? this.orders.get(s.clientOrderId) : undefined);
      if (!t) continue; // not Tern's (yet): reconciliation adopts it
      if (!t.legs.includes(s.venueOrderId)) {
        // A new exchange id for a known client id: the first ack of an order whose answer is still on its way,
        // or the new order of a cancel-and-replace (registered by editOrder when its answer comes).
        if (t.replacing) continue;
        if (t.legs.length > 0) {
          this.learnLeg(t, s.venueOrderId);
          this.resync('an order was replaced outside this session');
          continue;
        }
        this.learnLeg(t, s.venueOrderId);
      }
      this.onStatus(t, s);
    }
    this.reports.drain();
  }

  private onTrades(list: Trade[]): void {
    const now = this.clock.now();
    for (const trade of list) {
      const f = fillOf(trade, now);
      if (!f) continue;
      const t = this.orders.byVenueId(f.venueOrderId);
      if (!t) {
        if (!this.seenTrades.has(f.venueTradeId)) this.orders.holdEarly(f.venueOrderId, f);
        continue;
      }
      this.reportFill(t, f);
    }
    this.reports.drain();
  }

  private onBalance(balance: Parameters<typeof balancesOf>[0]): void {
    const now = this.clock.now();
    for (const b of balancesOf(balance)) {
      const key = `${b.total.toFixed()}/${b.locked.toFixed()}`;
      if (this.lastBalance.get(b.asset) === key) continue;
      this.lastBalance.set(b.asset, key);
      this.reports.push({ type: 'balance', asset: b.asset, total: b.total, locked: b.locked, ts: now });
    }
    this.reports.drain();
  }

  // ── reports ───────────────────────────────────────────────────────────────

  /** A status of one of the order's legs, from an answer or a stream. */
  private onStatus(t: TrackedOrder, s: VenueOrderStatus): void {
    if (s.venueOrderId !== this.orders.current(t)) return; // a replaced leg: its end is not the order's
    switch (s.status) {
      case 'open':
        this.acceptOnce(t, s.venueOrderId, s.ts);
        return;
      case 'filled':
        // the fills finish it; any still missing are fetched after a grace period
        if (this.orders.reported(t, s.venueOrderId).lt(s.filled)) void this.settle(t, s, null).catch((err) => this.settleFailed(t, err));
        return;
      default:
        if (t.replacing) return; // the cancel half of a cancel-and-replace
        void this.settle(t, s, null).catch((err) => this.settleFailed(t, err));
    }
  }

  /**
   * Reports a leg's end after its fills: trades the exchange counts but this
   * venue has not reported are awaited for a moment, then fetched.
   */
  private async settle(t: TrackedOrder, s: VenueOrderStatus, reason: string | null): Promise<void> {
    if (this.orders.reported(t, s.venueOrderId).lt(s.filled)) {
      await this.waitForFills(() => !this.orders.reported(t, s.venueOrderId).lt(s.filled), this.tradeGraceMs);
      if (this.orders.reported(t, s.venueOrderId).lt(s.filled)) {
        for (const f of await this.fetchLegFills(t, s.venueOrderId)) this.reportFill(t, f);
      }
    }
    if (s.status === 'open' || s.status === 'filled' || t.ended) {
      this.reports.drain();
      return;
    }
    t.ended = true;
    if (!t.accepted.has(s.venueOrderId) && s.status !== 'rejected') this.acceptOnce(t, s.venueOrderId, s.ts);
    const inList = this.listOfLeg.has(t.clientOrderId) || s.ocoListId != null;
    if (s.status === 'expired' && inList) {
      // Binance expires the other leg of a list when one executes: for Tern that leg was canceled by its group
      this.reports.push({ type: 'canceled', clientOrderId: t.clientOrderId, reason: reason ?? OCO_SIBLING_ENDED, ts: s.ts });
      this.reports.drain();
      return;
    }
    const why = reason ?? (s.status === 'expired' ? `${s.timeInForce}: expired on the exchange` : null);
    if (s.status === 'canceled') this.reports.push({ type: 'canceled', clientOrderId: t.clientOrderId, reason: why, ts: s.ts });
    else if (s.status === 'expired') this.reports.push({ type: 'expired', clientOrderId: t.clientOrderId, reason: why, ts: s.ts });
    else this.reports.push({ type: 'rejected', clientOrderId: t.clientOrderId, reason: why ?? 'rejected by the exchange', ts: s.ts });
    this.reports.drain();
  }

  private settleFailed(t: TrackedOrder, err: unknown): void {
    this.log.warn({ account: this.account, clientOrderId: t.clientOrderId, err: redact(String(err)) }, 'could not settle an order; reconciliation will');
    this.resync('an order could not be settled');
  }

  private async fetchLegFills(t: TrackedOrder, leg: string): Promise<VenueFill[]> {
    const has = this.ex.has as Record<string, unknown>;
    const now = this.clock.now();
    let trades: Trade[];
    try {
      trades = has['fetchOrderTrades'] ? await this.ex.fetchOrderTrades(leg, t.symbol) : await this.ex.fetchMyTrades(t.symbol, t.since - 60_000, 1000);
    } catch (err) {
      throw venueQueryError(err, `fetchOrderTrades on ${this.exchange}`);
    }
    return trades.flatMap((tr) => {
      const f = fillOf(tr, now);
      return f && f.venueOrderId === leg ? [f] : [];
    });
  }

  private reportFill(t: TrackedOrder, f: VenueFill): void {
    if (this.seenTrades.has(f.venueTradeId)) return;
    this.seenTrades.add(f.venueTradeId);
    if (this.seenTrades.size > 100_000) this.seenTrades.delete(this.seenTrades.values().next().value!);
    t.reported.set(f.venueOrderId, this.orders.reported(t, f.venueOrderId).add(f.quantity));
    this.reports.push({
      type: 'fill',
      clientOrderId: t.clientOrderId,
      venueTradeId: f.venueTradeId,
      quantity: f.quantity,
      price: f.price,
      fee: f.fee,
      feeAsset: f.feeAsset,
      liquidity: f.liquidity,
      ts: f.ts,
    });
    for (const wake of [...this.fillWaiters]) wake();
  }

  /** Fills inside an order's answer (Binance's FULL response): reported at once. */
  private onTradesOf(answer: Order, s: VenueOrderStatus): void {
    const t = this.orders.byVenueId(s.venueOrderId);
    if (!t) return;
    for (const trade of answer.trades ?? []) {
      const f = fillOf({ ...trade, order: trade.order ?? s.venueOrderId, symbol: trade.symbol ?? s.symbol, side: trade.side ?? s.side, timestamp: trade.timestamp ?? s.ts } as Trade, s.ts);
      if (f) this.reportFill(t, f);
    }
  }

  private acceptOnce(t: TrackedOrder, venueOrderId: string, ts: number): void {
    if (t.accepted.has(venueOrderId) || venueOrderId !== this.orders.current(t)) return;
    t.accepted.add(venueOrderId);
    this.reports.push({ type: 'accepted', clientOrderId: t.clientOrderId, venueOrderId, ts });
  }

  private learnLeg(t: TrackedOrder, venueOrderId: string): void {
    for (const early of this.orders.addLeg(t, venueOrderId)) this.reportFill(t, early as VenueFill);
  }

  /** what a query taught about an order with a client id (after a restart the venue knows nothing) */
  private learn(s: VenueOrderStatus, listId: string | null = null): void {
    if (!s.clientOrderId) return;
    if (listId !== null && !this.listOfLeg.has(s.clientOrderId)) {
      const l = this.lists.get(listId) ?? { ocoId: s.ocoListId ?? listId, legs: [] };
      if (!l.legs.includes(s.clientOrderId)) l.legs.push(s.clientOrderId);
      this.linkList(listId, l.ocoId, l.legs);
    }
    const t = this.orders.get(s.clientOrderId) ?? this.orders.ensure(s.clientOrderId, s.symbol, s.ts);
    if (!t.legs.includes(s.venueOrderId) && !t.replacing) this.learnLeg(t, s.venueOrderId);
    if (s.status === 'open' && s.venueOrderId === this.orders.current(t)) t.accepted.add(s.venueOrderId);
  }

  // ── helpers ───────────────────────────────────────────────────────────────

  private usable(): void {
    if (this.unusable) throw new VenueRejection(this.unusable);
  }

  private queryable(): void {
    if (this.unusable) throw new TernError('VENUE_UNAVAILABLE', `account ${this.account}: ${this.unusable}`);
  }

  /** An order by exchange id, else by client id; null when the exchange has none. */
  private async queryOrder(symbol: string, venueOrderId: string | null | undefined, clientOrderId: string | null): Promise<VenueOrderStatus | null> {
    try {
      const o = venueOrderId
        ? await this.ex.fetchOrder(venueOrderId, symbol)
        : await this.ex.fetchOrder(undefined as unknown as string, symbol, { clientOrderId: clientOrderId ?? undefined });
      return orderStatusOf(o, this.clock.now());
    } catch (err) {
      if (err instanceof ccxt.OrderNotFound) return null;
      throw err;
    }
  }

  /** The error a request throws; an unknown outcome also asks for a reconciliation. */
  private failed(err: unknown, action: string, t: TrackedOrder): Error {
    const e = venueError(err, action);
    if (!(e instanceof VenueRejection)) {
      this.log.warn({ account: this.account, clientOrderId: t.clientOrderId, action, err: redact(e.message) }, 'no definite answer from the exchange');
      this.resync(`${action} of ${t.clientOrderId} got no definite answer`);
    }
    return e;
  }

  private resync(reason: string): void {
    for (const listener of [...this.resyncListeners]) {
      try {
        listener(reason);
      } catch (err) {
        this.log.error({ err: String(err) }, 'a resync listener failed');
      }
    }
  }

  // ── health ────────────────────────────────────────────────────────────────

  /**
   * Every REST request of the exchange instance (the venue's and the feed's)
   * tells the account's health: an answer clears what it proves works, a
   * failure says what is wrong. ccxt sends every REST request through fetch2.
   */
  private observeRequests(): void {
    const ex = this.ex as unknown as { fetch2?: (...args: unknown[]) => Promise<unknown> };
    if (typeof ex.fetch2 !== 'function') return;
    const fetch2 = ex.fetch2.bind(this.ex);
    ex.fetch2 = async (...args: unknown[]) => {
      // ccxt's api groups: 'public' and the like need no key; others are signed
      const signed = !/public/i.test(String(args[1] ?? 'public'));
      try {
        const answer = await fetch2(...args);
        this.answered(signed);
        return answer;
      } catch (err) {
        this.requestFailed(err, signed);
        throw err;
      }
    };
  }

  private answered(signed: boolean): void {
    this.condition.clear('rest');
    if (signed) this.condition.clear('keys', 'clock');
    if (!this.condition.failingRequests) this.probeDelay = this.pollMs;
  }

  private requestFailed(err: unknown, signed: boolean): void {
    const verdict = healthVerdict(err);
    if (verdict === null) return this.answered(signed);
    if (verdict.source === 'keys') this.condition.set('keys', 'error', verdict.reason);
    else if (verdict.source === 'clock') this.clockRefused(verdict.detail);
    else this.condition.set('rest', 'degraded', `requests to the exchange fail: ${verdict.reason}`);
    this.probe();
  }

  private streamFailed(name: StreamName, err: unknown): void {
    const verdict = healthVerdict(err);
    if (verdict?.source === 'keys') this.condition.set('keys', 'error', verdict.reason);
    else if (verdict?.source === 'clock') this.clockRefused(verdict.detail);
    else this.condition.set('stream', 'degraded', `the private ${name} stream failed (${redact(err instanceof Error ? err.message : String(err))}); polling the exchange over REST`);
  }

  /** The exchange refused a request's timestamp: says so at once, then how far off the clock is. */
  private clockRefused(detail: string): void {
    if (!this.condition.has('clock')) this.condition.set('clock', 'error', `the exchange refused the request's timestamp; is the clock in sync? (${detail})`);
    if (this.measuringClock || !(this.ex.has as Record<string, unknown>)['fetchTime']) return;
    this.measuringClock = true;
    const before = this.ex.milliseconds();
    this.ex
      .fetchTime()
      .then((server) => {
        const after = this.ex.milliseconds();
        if (typeof server === 'number' && this.condition.has('clock')) this.condition.set('clock', 'error', clockReason((before + after) / 2 - server, detail));
      })
      .catch(() => {}) // the exchange's time is a nicety of the reason; the refusal already shows
      .finally(() => {
        this.measuringClock = false;
      });
  }

  /**
   * While the exchange refuses or fails requests, one signed request now and
   * then (pollMs, doubling up to a minute) checks it again; its answer clears
   * the status, and a reconciliation then settles what was left pending.
   */
  private probe(): void {
    if (this.probeTimer || !this.running) return;
    const delay = this.probeDelay;
    this.probeDelay = Math.min(this.probeDelay * 2, MAX_PROBE_MS);
    this.probeTimer = setTimeout(() => {
      if (!this.running || !this.condition.failingRequests) {
        this.probeTimer = null;
        return;
      }
      this.ex
        .fetchBalance()
        .then(
          () => this.resync('the exchange serves again'),
          () => {}, // observed like every request: the status says why
        )
        .finally(() => {
          this.probeTimer = null;
          if (this.condition.failingRequests) this.probe();
        });
    }, delay);
    this.probeTimer.unref?.();
  }

  private startPolling(reason: string): void {
    if (this.pollTimer || !this.running) return;
    this.log.info({ account: this.account, reason }, 'polling the exchange over REST');
    this.pollTimer = setInterval(() => this.resync('polling'), this.pollMs);
    this.pollTimer.unref?.();
  }

  private stopPolling(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
  }

  private waitForFills(done: () => boolean, ms: number): Promise<void> {
    if (done() || !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.fillWaiters.delete(check);
        resolve();
      };
      const check = () => {
        if (done() || !this.running) finish();
      };
      const timer = setTimeout(finish, ms);
      this.fillWaiters.add(check);
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref?.());
}
