import { type Decimal, ZERO } from '../../engine/model/decimal.js';

/**
 * What the ccxt venue remembers of one Tern order on the exchange. An
 * exchange that amends by cancel-and-replace gives the order a new exchange
 * id per amendment: each is a "leg", newest last; fills of every leg belong
 * to the one Tern order.
 */
export interface TrackedOrder {
  clientOrderId: string;
  symbol: string;
  /** exchange order ids, oldest first; the last is the working one */
  legs: string[];
  /** legs whose acceptance was reported */
  accepted: Set<string>;
  /** quantity reported as fills, per leg */
  reported: Map<string, Decimal>;
  /** a cancel-and-replace is in flight: the old leg's cancel is not the order's */
  replacing: boolean;
  /** a terminal report (canceled, expired, rejected) was delivered */
  ended: boolean;
  /** requests about this order in flight */
  inFlight: number;
  /** when Tern first sent it (ms), for "since" queries */
  since: number;
}

const MAX_BUFFERED_TRADES = 1000;
/** ended orders are forgotten, oldest first, beyond this many tracked */
const MAX_TRACKED = 20_000;

/** The venue's map of orders: by client order id and by every leg's exchange id. */
export class OrderBookKeeping {
  private readonly byClient = new Map<string, TrackedOrder>();
  private readonly byLeg = new Map<string, string>();
  /** trades seen for an exchange id not known yet (a trade can overtake its order's ack), by exchange id */
  private readonly early = new Map<string, unknown[]>();
  private earlyCount = 0;

  get(clientOrderId: string): TrackedOrder | undefined {
    return this.byClient.get(clientOrderId);
  }

  ensure(clientOrderId: string, symbol: string, since: number): TrackedOrder {
    let t = this.byClient.get(clientOrderId);
    if (!t) {
      t = { clientOrderId, symbol, legs: [], accepted: new Set(), reported: new Map(), replacing: false, ended: false, inFlight: 0, since };
      this.byClient.set(clientOrderId, t);
      if (this.byClient.size > MAX_TRACKED) this.prune();
    }
    return t;
  }

  /** the order an exchange id belongs to */
  byVenueId(venueOrderId: string): TrackedOrder | undefined {
    const client = this.byLeg.get(venueOrderId);
    return client === undefined ? undefined : this.byClient.get(client);
  }

  /** records a leg (idempotent); returns the trades that were waiting for it */
  addLeg(t: TrackedOrder, venueOrderId: string): unknown[] {
    if (!t.legs.includes(venueOrderId)) t.legs.push(venueOrderId);
    this.byLeg.set(venueOrderId, t.clientOrderId);
    const waiting = this.early.get(venueOrderId) ?? [];
    if (waiting.length) {
      this.early.delete(venueOrderId);
      this.earlyCount -= waiting.length;
    }
    return waiting;
  }

  current(t: TrackedOrder): string | undefined {
    return t.legs[t.legs.length - 1];
  }

  reported(t: TrackedOrder, leg: string): Decimal {
    return t.reported.get(leg) ?? ZERO;
  }

  /** keeps a trade of an unknown exchange id until its order is known (bounded: the oldest are dropped) */
  holdEarly(venueOrderId: string, trade: unknown): void {
    const list = this.early.get(venueOrderId) ?? [];
    list.push(trade);
    this.early.set(venueOrderId, list);
    this.earlyCount += 1;
    while (this.earlyCount > MAX_BUFFERED_TRADES) {
      const oldest = this.early.keys().next().value!;
      this.earlyCount -= this.early.get(oldest)!.length;
      this.early.delete(oldest);
    }
  }

  size(): number {
    return this.byClient.size;
  }

  /** forgets the oldest ended orders (late trades of those are reconciliation's business) */
  private prune(): void {
    for (const [client, t] of this.byClient) {
      if (this.byClient.size <= MAX_TRACKED * 0.9) return;
      if (!t.ended || t.inFlight > 0) continue;
      this.byClient.delete(client);
      for (const leg of t.legs) this.byLeg.delete(leg);
    }
  }
}
