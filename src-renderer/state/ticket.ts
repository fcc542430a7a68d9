import { create } from 'zustand';
import type { OcoTakeProfitType } from '../../src-common/contract/constants/orders.js';
import type { PlaceOrderParams } from '../../src-common/contract/methods.js';

export type Side = PlaceOrderParams['side'];
export type OrderType = PlaceOrderParams['type'];
/** what the ticket sends: an order of one type, or an OCO pair (orders.oco) */
export type TicketType = OrderType | 'oco';
export type TimeInForce = NonNullable<PlaceOrderParams['time_in_force']>;
export type TrailingUnit = NonNullable<PlaceOrderParams['trailing_unit']>;

export interface TicketFields {
  side: Side;
  type: TicketType;
  quantity: string;
  price: string;
  stopPrice: string;
  timeInForce: TimeInForce;
  postOnly: boolean;
  reduceOnly: boolean;
  /** an entry's attached exits are sent (take_profit / stop_loss); an OCO always has both */
  protect: boolean;
  /** the take-profit limit price (an entry's exit, an OCO's limit leg), or an OCO's take-profit trigger */
  takeProfit: string;
  /** an OCO's take-profit leg: a limit, or a trigger firing a market (take_profit_market) or a limit (take_profit_limit) */
  takeProfitKind: OcoTakeProfitType;
  /** an OCO's take_profit_limit leg: the limit its trigger fires */
  takeProfitLimit: string;
  /** the stop-loss trigger price (an entry's exit, an OCO's stop leg; risk-mode sizing measures from it) */
  stopLoss: string;
  /** the stop-loss limit price; empty: the stop fires as a market order */
  stopLossLimit: string;
  trailingOffset: string;
  trailingUnit: TrailingUnit;
  activationPrice: string;
}

/**
 * How the ticket's quantity is given: typed in the base asset, as an amount of
 * the quote asset, as a share of the free balance, or from the amount a trader
 * is ready to lose if the stop is hit (features/ticket/sizing.ts).
 */
export type SizeMode = 'base' | 'quote' | 'percent' | 'risk';
/** a risk amount in the quote asset, or in percent of the account's equity */
export type RiskUnit = 'quote' | 'equity';

/** how the quantity is sized (features/ticket/sizing.ts): `quantity` above is always what is sent */
export interface TicketSizing {
  sizeMode: SizeMode;
  /** quote mode: the quote amount; risk mode: the amount at risk (quote, or % of equity) */
  sizeAmount: string;
  /** what sizeAmount was typed in ("USDT", "% of equity"): a market with another quote asset does not reuse it */
  sizeAmountUnit: string;
  /** percent mode: share of the free balance, 0–100 */
  sizePct: number;
  riskUnit: RiskUnit;
}

export interface TicketState extends TicketFields, TicketSizing {
  /** bumps when something outside the ticket (book, chart) sets a field: the ticket flashes it */
  priceSetAt: number;
  set(patch: Partial<TicketFields & TicketSizing>): void;
  /** from a click on a book level or the chart */
  setPrice(price: string): void;
  clear(): void;
}

/** a fresh ticket's fields */
export const BLANK_TICKET: TicketFields = {
  side: 'buy',
  type: 'limit',
  quantity: '',
  price: '',
  stopPrice: '',
  timeInForce: 'GTC',
  postOnly: false,
  reduceOnly: false,
  protect: false,
  takeProfit: '',
  takeProfitKind: 'limit',
  takeProfitLimit: '',
  stopLoss: '',
  stopLossLimit: '',
  trailingOffset: '',
  trailingUnit: 'percent',
  activationPrice: '',
};

export const BLANK_SIZING: TicketSizing = { sizeMode: 'base', sizeAmount: '', sizeAmountUnit: '', sizePct: 0, riskUnit: 'quote' };

export const useTicket = create<TicketState>()((set) => ({
  ...BLANK_TICKET,
  ...BLANK_SIZING,
  priceSetAt: 0,
  set: (patch) => set(patch),
  setPrice: (price) =>
    set((s) => {
      // a price on a market order makes no sense: clicking a price turns it into a limit (or a stop's trigger)
      if (s.type === 'market') return { type: 'limit', price, priceSetAt: Date.now() };
      if (s.type === 'stop_market' || s.type === 'take_profit_market') return { stopPrice: price, priceSetAt: Date.now() };
      if (s.type === 'trailing_stop') return { activationPrice: price, priceSetAt: Date.now() };
      if (s.type === 'oco') return { takeProfit: price, priceSetAt: Date.now() };
      return { price, priceSetAt: Date.now() };
    }),
  // the size mode and risk unit are the trader's way of working: they stay
  clear: () =>
    set({ quantity: '', price: '', stopPrice: '', postOnly: false, reduceOnly: false, sizeAmount: '', sizePct: 0, stopLoss: '', takeProfit: '', takeProfitLimit: '', stopLossLimit: '', trailingOffset: '', activationPrice: '' }),
}));
