import type { ExecutionReport, VenueAck, VenueBalance, VenueCapabilities, VenueOcoAck, VenueOcoRequest, VenueOrderChanges, VenueOrderRef, VenueOrderRequest } from '../../engine/ports/venue.js';
import type { PaperOrder } from './sim-order.js';
import { SimExchange, type SimExchangeOptions } from './core.js';

/** What every simulated venue answers alike: requests, reports and balances are the core's. */
export abstract class SimVenue<O extends PaperOrder> {
  protected readonly core: SimExchange<O>;
  /** stops, OCO lists and trailing stops are held by the simulated exchange itself (restored from the journal after a restart) */
  readonly capabilities: VenueCapabilities = { stopOrders: true, takeProfitOrders: true, oco: true, ocoAmend: true, trailingStop: true };

  protected constructor(core: SimExchangeOptions<O>) {
    this.core = new SimExchange(core);
  }

  onReport(listener: (report: ExecutionReport) => void): () => void {
    return this.core.onReport(listener);
  }

  async fetchBalance(): Promise<VenueBalance[]> {
    return this.core.balances();
  }

  async createOrder(request: VenueOrderRequest): Promise<VenueAck> {
    return this.core.createOrder(request);
  }

  async editOrder(ref: VenueOrderRef, changes: VenueOrderChanges): Promise<void> {
    this.core.editOrder(ref, changes);
  }

  async cancelOrder(ref: VenueOrderRef): Promise<void> {
    this.core.cancelOrder(ref);
  }

  async placeOco(request: VenueOcoRequest): Promise<VenueOcoAck> {
    return this.core.placeOco(request);
  }

  /** Drops every order and sets the balances back to `startingBalances`. Emits no reports. */
  reset(startingBalances: Record<string, string>): void {
    this.core.reset(startingBalances);
  }
}
