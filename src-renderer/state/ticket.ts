import { create } from 'zustand';
import type { PlaceOrderParams } from '../../src-common/contract/methods.js';

export type Side = PlaceOrderParams['side'];
export type OrderType = PlaceOrderParams['type'];
export type TimeInForce = NonNullable<PlaceOrderParams['time_in_force']>;

export interface TicketFields {
  side: Side;
  type: OrderType;
  quantity: string;
  price: string;
  stopPrice: string;
  timeInForce: TimeInForce;
  postOnly: boolean;
  reduceOnly: boolean;
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
  /** percent mode: share of the free balance, 0–100 */
  sizePct: number;
  riskUnit: RiskUnit;
  /** the ticket's stop-loss price: risk mode measures the risk to it */
  stopLoss: string;
}

export interface TicketState extends TicketFields, TicketSizing {
  /** bumps when something outside the ticket (book, chart) sets a field: the ticket flashes it */
  priceSetAt: number;
  set(patch: Partial<TicketFields & TicketSizing>): void;
  /** from a click on a book level or the chart */
  setPrice(price: string): void;
  clear(): void;
}

const blank: TicketFields = {
  side: 'buy',
  type: 'limit',
  quantity: '',
  price: '',
  stopPrice: '',
  timeInForce: 'GTC',
  postOnly: false,
  reduceOnly: false,
};

const blankSizing: TicketSizing = { sizeMode: 'base', sizeAmount: '', sizePct: 0, riskUnit: 'quote', stopLoss: '' };

export const useTicket = create<TicketState>()((set) => ({
  ...blank,
  ...blankSizing,
  priceSetAt: 0,
  set: (patch) => set(patch),
  setPrice: (price) =>
    set((s) => {
      // a price on a market order makes no sense: clicking a price turns it into a limit (or a stop's trigger)
      if (s.type === 'market') return { type: 'limit', price, priceSetAt: Date.now() };
      if (s.type === 'stop_market') return { stopPrice: price, priceSetAt: Date.now() };
      return { price, priceSetAt: Date.now() };
    }),
  // the size mode and risk unit are the trader's way of working: they stay
  clear: () => set({ quantity: '', price: '', stopPrice: '', postOnly: false, reduceOnly: false, sizeAmount: '', sizePct: 0, stopLoss: '' }),
}));
