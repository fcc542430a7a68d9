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

export interface TicketState extends TicketFields {
  /** bumps when something outside the ticket (book, chart) sets a field: the ticket flashes it */
  priceSetAt: number;
  set(patch: Partial<TicketFields>): void;
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

export const useTicket = create<TicketState>()((set) => ({
  ...blank,
  priceSetAt: 0,
  set: (patch) => set(patch),
  setPrice: (price) =>
    set((s) => {
      // a price on a market order makes no sense: clicking a price turns it into a limit (or a stop's trigger)
      if (s.type === 'market') return { type: 'limit', price, priceSetAt: Date.now() };
      if (s.type === 'stop_market') return { stopPrice: price, priceSetAt: Date.now() };
      return { price, priceSetAt: Date.now() };
    }),
  clear: () => set({ quantity: '', price: '', stopPrice: '', postOnly: false, reduceOnly: false }),
}));
