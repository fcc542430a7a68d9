import { TernError } from '../../../src-common/contract/errors.js';
import { PlaceOcoParams } from '../../../src-common/contract/methods.js';
import type { Instrument, Order } from '../../../src-common/contract/schemas.js';
import { binanceErrorOf, binanceSymbolOf, listClientIdOf, orderListView, rejectionOf } from '../binance/convert.js';
import { BinanceError, binanceErrors as errors } from '../binance/errors.js';
import * as fmt from '../binance/format.js';
import type { Call as GatewayCall, Endpoint as GatewayEndpoint } from '../binance/endpoint.js';

/**
 * Binance's OCO order lists on Tern's gateway: `orderList/oco` (and the older
 * `order/oco`) place one `orders.oco` group — a take profit (LIMIT_MAKER,
 * TAKE_PROFIT or TAKE_PROFIT_LIMIT: Tern's limit, take_profit_market or
 * take_profit_limit) above a SELL, below a BUY, and a STOP_LOSS(_LIMIT) stop
 * on the other side, one filling or triggering ends the other — and the
 * list endpoints read and cancel those groups. `orderListId` is Tern's
 * `oco_id`; `listClientOrderId` is the group's client id, its legs'
 * `<id>-tp` and `<id>-sl`.
 */

export interface OrderListHelpers {
  instrumentOf(c: GatewayCall): Promise<Instrument>;
  intParam(c: GatewayCall, name: string, min: number, max: number): number | undefined;
}

type LegField = 'Price' | 'StopPrice' | 'TimeInForce' | 'ClientOrderId';

interface Leg {
  /** the request's name of one of the leg's fields (aboveStopPrice; on order/oco: stopPrice) */
  param(field: LegField): string;
  type: string;
  price: string | undefined;
  stopPrice: string | undefined;
  timeInForce: string | undefined;
  clientOrderId: string | undefined;
}

const STOPS = ['STOP_LOSS', 'STOP_LOSS_LIMIT'];
const TAKE_PROFITS = ['LIMIT_MAKER', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT'];
/** Binance's take-profit leg types as Tern's OCO take profit */
const TP_TYPE = { LIMIT_MAKER: 'limit', TAKE_PROFIT: 'take_profit_market', TAKE_PROFIT_LIMIT: 'take_profit_limit' } as const;
const RESPONSE = ['newOrderRespType', 'selfTradePreventionMode'];
const LEG_FIELDS = ['Type', 'Price', 'StopPrice', 'TimeInForce', 'ClientOrderId'];

function decimal(c: GatewayCall, name: string): string | undefined {
  const v = c.params[name];
  if (v === undefined) return undefined;
  if (!/^\d{1,20}(\.\d{1,20})?$/.test(v)) throw errors.illegalChars(name);
  return v;
}

function leg(c: GatewayCall, prefix: 'above' | 'below'): Leg {
  const type = c.params[`${prefix}Type`];
  if (type === undefined) throw errors.mandatory(`${prefix}Type`);
  return {
    param: (field) => `${prefix}${field}`,
    type,
    price: decimal(c, `${prefix}Price`),
    stopPrice: decimal(c, `${prefix}StopPrice`),
    timeInForce: c.params[`${prefix}TimeInForce`],
    clientOrderId: c.params[`${prefix}ClientOrderId`],
  };
}

/** the take-profit and stop legs as `orders.oco` takes them; Binance's own refusal for what Tern cannot hold */
async function ocoParams(h: OrderListHelpers, c: GatewayCall, side: string | undefined, tp: Leg, sl: Leg, listClientOrderId: string | undefined): Promise<PlaceOcoParams> {
  const i = await h.instrumentOf(c);
  if (side === undefined) throw errors.mandatory('side');
  if (side !== 'BUY' && side !== 'SELL') throw errors.invalidSide();
  const quantity = decimal(c, 'quantity');
  if (quantity === undefined) throw errors.mandatory('quantity');
  for (const l of [tp, sl]) if (![...TAKE_PROFITS, ...STOPS].includes(l.type)) throw errors.invalidType();
  if (!TAKE_PROFITS.includes(tp.type) || !STOPS.includes(sl.type)) {
    const [tpSide, slSide] = side === 'SELL' ? ['above', 'below'] : ['below', 'above'];
    throw new BinanceError(400, -1014, `Unsupported order combination: a ${side} OCO's ${tpSide} leg is LIMIT_MAKER, TAKE_PROFIT or TAKE_PROFIT_LIMIT and its ${slSide} leg STOP_LOSS or STOP_LOSS_LIMIT.`);
  }
  for (const l of [tp, sl]) checkLegFields(l);
  const list = listIdOf(listClientOrderId, tp, sl);
  const tpType = TP_TYPE[tp.type as keyof typeof TP_TYPE];
  const out: Record<string, unknown> = {
    account: c.account,
    symbol: i.symbol,
    side: side === 'BUY' ? 'buy' : 'sell',
    quantity,
    take_profit: tpType === 'limit' ? { price: tp.price } : { type: tpType, stop_price: tp.stopPrice, ...(tp.price !== undefined ? { price: tp.price } : {}) },
    stop_loss: { stop_price: sl.stopPrice, ...(sl.price !== undefined ? { price: sl.price } : {}) },
    // a Binance OCO is no exit of a position: a spot bot may place one to enter, as Binance lets it
    reduce_only: false,
  };
  if (list !== undefined) out['client_order_id'] = list;
  const parsed = PlaceOcoParams.safeParse(out);
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path[0] ?? 'symbol');
    throw binanceErrorOf(new TernError('BAD_REQUEST', parsed.error.issues[0]?.message ?? 'invalid', { field: field === 'client_order_id' ? 'listClientOrderId' : field }), 'order');
  }
  return parsed.data;
}

/** A leg's fields as its type takes them (Binance's -1102 / -1106), its time in force GTC (Tern's OCO legs are) */
function checkLegFields(l: Leg): void {
  const limit = l.type === 'LIMIT_MAKER' || l.type.endsWith('_LIMIT');
  const trigger = l.type !== 'LIMIT_MAKER';
  const timed = l.type.endsWith('_LIMIT');
  for (const [field, value, wanted] of [['Price', l.price, limit], ['StopPrice', l.stopPrice, trigger], ['TimeInForce', l.timeInForce, timed]] as const) {
    if (wanted && value === undefined) throw errors.mandatory(l.param(field));
    if (!wanted && value !== undefined) throw errors.notRequired(l.param(field));
  }
  if (l.timeInForce !== undefined && l.timeInForce !== 'GTC') {
    if (!['IOC', 'FOK'].includes(l.timeInForce)) throw errors.invalidTif();
    throw new BinanceError(400, -1130, `Data sent for parameter '${l.param('TimeInForce')}' is not valid: Tern's OCO legs are GTC.`);
  }
}

/** Tern names an OCO's legs after the list (`<list>-tp`, `<list>-sl`): a leg client id is taken only when it is that name */
function listIdOf(listClientOrderId: string | undefined, tp: Leg, sl: Leg): string | undefined {
  const fromLegs = [tp.clientOrderId?.replace(/-tp$/, ''), sl.clientOrderId?.replace(/-sl$/, '')].filter((x) => x !== undefined);
  const list = listClientOrderId ?? fromLegs[0];
  for (const [l, suffix] of [[tp, 'tp'], [sl, 'sl']] as const) {
    if (l.clientOrderId !== undefined && l.clientOrderId !== `${list}-${suffix}`) {
      throw new BinanceError(400, -1130, `Data sent for parameter '${l.param('ClientOrderId')}' is not valid: Tern names an OCO's legs <listClientOrderId>-tp and <listClientOrderId>-sl (here '${list}-${suffix}').`);
    }
  }
  return list;
}

async function place(c: GatewayCall, params: PlaceOcoParams): Promise<unknown> {
  const group = await c.call('orders.oco', params);
  const refused = group.orders.find((o) => o.status === 'rejected');
  if (refused) throw rejectionOf(refused);
  return fmt.orderListResponse(orderListView(group.orders, binanceSymbolOf(params.symbol)), c.params['newOrderRespType']);
}

async function get(c: GatewayCall, id: string): Promise<Order | null> {
  try {
    const o = await c.call('orders.get', { id });
    return o.account === c.account && o.oco_id !== null ? o : null;
  } catch (err) {
    if (err instanceof TernError && (err.code === 'NOT_FOUND' || err.code === 'BAD_REQUEST')) return null;
    throw err;
  }
}

/** both legs of the list a request names (orderListId, or the list client id), or none */
async function legsOf(c: GatewayCall, clientIdName: string): Promise<Order[]> {
  const listId = c.params['orderListId'];
  const clientId = c.params[clientIdName];
  if ((listId === undefined || listId === '') && (clientId === undefined || clientId === '')) throw errors.eitherParam('orderListId', clientIdName);
  let base = clientId;
  if (listId !== undefined && listId !== '') {
    // the working lists are few; an ended one is looked for in the account's orders
    let found: Order | undefined;
    for (const status of ['open', 'all'] as const) {
      found = (await c.call('orders.list', { account: c.account, status, limit: 10_000 })).find((o) => o.oco_id === listId);
      if (found) break;
    }
    if (!found) return [];
    base = listClientIdOf(found);
  }
  const legs = (await Promise.all([get(c, `${base}-tp`), get(c, `${base}-sl`)])).filter((o): o is Order => o !== null);
  return listId !== undefined && listId !== '' ? legs.filter((o) => o.oco_id === listId) : legs;
}

function lists(orders: Order[]): Order[][] {
  const byId = new Map<string, Order[]>();
  for (const o of orders) if (o.oco_id !== null) byId.set(o.oco_id, [...(byId.get(o.oco_id) ?? []), o]);
  return [...byId.values()];
}

const working = (o: Order) => o.status === 'open' || o.status === 'partially_filled' || o.status === 'pending';

export function orderListEndpoints(h: OrderListHelpers): Record<string, GatewayEndpoint> {
  return {
    'POST api/v3/orderList/oco': {
      security: 'TRADE',
      during: 'order',
      params: ['symbol', 'side', 'quantity', 'listClientOrderId', ...RESPONSE, ...LEG_FIELDS.map((f) => `above${f}`), ...LEG_FIELDS.map((f) => `below${f}`)],
      handle: async (c) => {
        const side = c.params['side'];
        const [above, below] = [leg(c, 'above'), leg(c, 'below')];
        const [tp, sl] = side === 'BUY' ? [below, above] : [above, below];
        return place(c, await ocoParams(h, c, side, tp, sl, c.params['listClientOrderId']));
      },
    },
    'POST api/v3/order/oco': {
      security: 'TRADE',
      during: 'order',
      params: ['symbol', 'side', 'quantity', 'price', 'stopPrice', 'stopLimitPrice', 'stopLimitTimeInForce', 'listClientOrderId', 'limitClientOrderId', 'stopClientOrderId', ...RESPONSE],
      handle: async (c) => {
        const stopLimit = decimal(c, 'stopLimitPrice');
        const tpNames: Record<LegField, string> = { Price: 'price', StopPrice: 'stopPrice', TimeInForce: 'timeInForce', ClientOrderId: 'limitClientOrderId' };
        const slNames: Record<LegField, string> = { Price: 'stopLimitPrice', StopPrice: 'stopPrice', TimeInForce: 'stopLimitTimeInForce', ClientOrderId: 'stopClientOrderId' };
        const tp: Leg = { param: (f) => tpNames[f], type: 'LIMIT_MAKER', price: decimal(c, 'price'), stopPrice: undefined, timeInForce: undefined, clientOrderId: c.params['limitClientOrderId'] };
        const sl: Leg = {
          param: (f) => slNames[f],
          type: stopLimit === undefined ? 'STOP_LOSS' : 'STOP_LOSS_LIMIT',
          price: stopLimit,
          stopPrice: decimal(c, 'stopPrice'),
          timeInForce: c.params['stopLimitTimeInForce'],
          clientOrderId: c.params['stopClientOrderId'],
        };
        return place(c, await ocoParams(h, c, c.params['side'], tp, sl, c.params['listClientOrderId']));
      },
    },
    'DELETE api/v3/orderList': {
      security: 'TRADE',
      during: 'cancel',
      params: ['symbol', 'orderListId', 'listClientOrderId', 'newClientOrderId'],
      handle: async (c) => {
        const i = await h.instrumentOf(c);
        const legs = (await legsOf(c, 'listClientOrderId')).filter((o) => o.symbol === i.symbol);
        const live = legs.find(working);
        if (!live) throw errors.unknownOrderList();
        // canceling one leg ends the group (Tern cancels the other leg, as Binance does)
        await c.call('orders.cancel', { id: live.id });
        const after = await Promise.all(legs.map((o) => c.call('orders.get', { id: o.id })));
        const view = orderListView(after, binanceSymbolOf(i.symbol));
        const cancelId = (o: { clientOrderId: string }) => c.params['newClientOrderId'] ?? `cancel-${o.clientOrderId}`.slice(0, 36);
        return fmt.orderListCancel({ ...view, orders: view.orders.map((o) => ({ ...o, cancelClientOrderId: cancelId(o) })) });
      },
    },
    'GET api/v3/orderList': {
      security: 'READ',
      during: 'query',
      params: ['orderListId', 'origClientOrderId'],
      handle: async (c) => {
        const legs = await legsOf(c, 'origClientOrderId');
        if (legs.length === 0) throw errors.orderListDoesNotExist();
        return fmt.orderList(orderListView(legs, binanceSymbolOf(legs[0]!.symbol)));
      },
    },
    'GET api/v3/openOrderList': {
      security: 'READ',
      params: [],
      handle: async (c) => {
        const open = await c.call('orders.list', { account: c.account, status: 'open', limit: 10_000 });
        // a list is open while a leg works: its ended leg (if any) is read with it
        const groups = await Promise.all(lists(open.reverse()).map((legs) => Promise.all([get(c, `${listClientIdOf(legs[0]!)}-tp`), get(c, `${listClientIdOf(legs[0]!)}-sl`)])));
        return groups.map((g) => g.filter((o): o is Order => o !== null)).map((legs) => fmt.orderList(orderListView(legs, binanceSymbolOf(legs[0]!.symbol))));
      },
    },
    'GET api/v3/allOrderList': {
      security: 'READ',
      params: ['fromId', 'startTime', 'endTime', 'limit'],
      handle: async (c) => {
        const limit = h.intParam(c, 'limit', 1, 1000) ?? 500;
        const start = h.intParam(c, 'startTime', 0, Number.MAX_SAFE_INTEGER);
        const end = h.intParam(c, 'endTime', 0, Number.MAX_SAFE_INTEGER);
        if (c.params['fromId'] !== undefined) throw new BinanceError(400, -1130, "Data sent for parameter 'fromId' is not valid: Tern's orderListIds are not numbered; use startTime/endTime.");
        const all = (await c.call('orders.list', { account: c.account, status: 'all', limit: 10_000 })).reverse();
        return lists(all)
          .filter((legs) => {
            const t = Date.parse(legs[0]!.created_at);
            return (start === undefined || t >= start) && (end === undefined || t <= end);
          })
          .slice(-limit)
          .map((legs) => fmt.orderList(orderListView(legs, binanceSymbolOf(legs[0]!.symbol))));
      },
    },
  };
}
