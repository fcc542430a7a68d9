import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, dec } from '../../../src-main/engine/model/decimal.js';
import type { OrderType, Side, TimeInForce } from '../../../src-main/engine/model/types.js';
import { ManualClock, SequentialIds } from '../../../src-main/engine/ports/clock.js';
import { VenueRejection, type ExecutionReport, type VenueOrderRef } from '../../../src-main/engine/ports/venue.js';
import { lockFor } from '../../../src-main/venues/sim/order-costs.js';
import { PaperVenue } from '../../../src-main/venues/paper/paper-venue.js';
import { FakeFeed, instrumentSpec, type LevelInput } from '../../helpers/fake-feed.js';

const SYM = 'BTC/USDT';
const SPEC = instrumentSpec(SYM, { makerFee: '0.001', takerFee: '0.0025', priceIncrement: '0.5', sizeIncrement: '0.1', minQuantity: '0.1' });

type Command =
  | { kind: 'book'; mid: number; bids: number[]; asks: number[] }
  | { kind: 'trade'; price: number }
  | { kind: 'order'; side: Side; type: OrderType; qty: number; price: number; stop: number; tif: TimeInForce; postOnly: boolean }
  | { kind: 'cancel'; pick: number }
  | { kind: 'amend'; pick: number; price: number | null; qty: number | null };

const halfPrice = fc.integer({ min: 170, max: 230 }); // in halves: 85 .. 115
const tenthQty = fc.integer({ min: 1, max: 30 }); // in tenths: 0.1 .. 3

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant('book' as const),
    mid: fc.integer({ min: 180, max: 220 }),
    bids: fc.array(tenthQty, { maxLength: 3 }),
    asks: fc.array(tenthQty, { maxLength: 3 }),
  }),
  fc.record({ kind: fc.constant('trade' as const), price: halfPrice }),
  fc.record({
    kind: fc.constant('order' as const),
    side: fc.constantFrom<Side>('buy', 'sell'),
    type: fc.constantFrom<OrderType>('market', 'limit', 'limit', 'stop_market', 'stop_limit'),
    qty: tenthQty,
    price: halfPrice,
    stop: halfPrice,
    tif: fc.constantFrom<TimeInForce>('GTC', 'GTC', 'IOC', 'FOK'),
    postOnly: fc.constantFrom(false, false, false, true),
  }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('amend' as const),
    pick: fc.nat(),
    price: fc.option(halfPrice, { nil: null }),
    qty: fc.option(tenthQty, { nil: null }),
  }),
);

const half = (n: number) => new Decimal(n).div(2);
const tenth = (n: number) => new Decimal(n).div(10);

async function run(commands: Command[]): Promise<void> {
  const start = { USDT: dec('2000'), BTC: dec('4') };
  const feed = new FakeFeed([SPEC]);
  const venue = new PaperVenue({
    account: 'p',
    marketData: feed,
    clock: new ManualClock(0),
    ids: new SequentialIds('prop'),
    startingBalances: { USDT: start.USDT.toFixed(), BTC: start.BTC.toFixed() },
  });
  const sides = new Map<string, Side>();
  const limits = new Map<string, Decimal | null>();
  const reports: ExecutionReport[] = [];
  const beyondLimit: string[] = [];
  venue.onReport((r) => {
    reports.push(r);
    // a limit never fills beyond its price (as amended so far)
    if (r.type === 'updated' && r.price) limits.set(r.clientOrderId, r.price);
    if (r.type === 'fill') {
      const limit = limits.get(r.clientOrderId);
      const side = sides.get(r.clientOrderId);
      if (limit && (side === 'buy' ? r.price.gt(limit) : r.price.lt(limit))) beyondLimit.push(`${side} fill at ${r.price} beyond ${limit}`);
    }
  });
  await venue.start();
  let n = 0;

  for (const c of commands) {
    try {
      if (c.kind === 'book') {
        const bids: LevelInput[] = c.bids.map((q, i) => [half(c.mid - 1 - i), tenth(q)]);
        const asks: LevelInput[] = c.asks.map((q, i) => [half(c.mid + 1 + i), tenth(q)]);
        feed.pushBook(SYM, bids, asks);
      } else if (c.kind === 'trade') {
        feed.pushTrade(SYM, half(c.price), '1');
      } else if (c.kind === 'order') {
        const id = `o${++n}`;
        sides.set(id, c.side);
        const hasPrice = c.type === 'limit' || c.type === 'stop_limit';
        limits.set(id, hasPrice ? half(c.price) : null);
        await venue.createOrder({
          clientOrderId: id,
          symbol: SYM,
          side: c.side,
          type: c.type,
          quantity: tenth(c.qty),
          price: hasPrice ? half(c.price) : null,
          stopPrice: c.type.startsWith('stop') ? half(c.stop) : null,
          timeInForce: c.tif,
          postOnly: c.postOnly,
          reduceOnly: false,
        });
      } else {
        const open = venue.openOrders();
        const target = open[c.pick % Math.max(open.length, 1)];
        if (!target) continue;
        const ref: VenueOrderRef = { clientOrderId: target.clientOrderId, venueOrderId: target.venueOrderId, symbol: SYM };
        if (c.kind === 'cancel') await venue.cancelOrder(ref);
        else {
          const changes = { ...(c.price !== null ? { price: half(c.price) } : {}), ...(c.qty !== null ? { quantity: tenth(c.qty) } : {}) };
          await venue.editOrder(ref, changes);
        }
      }
    } catch (err) {
      if (!(err instanceof VenueRejection)) throw err;
    }
    await checkInvariants();
  }

  async function checkInvariants(): Promise<void> {
    const balances = await venue.fetchBalance();
    const total = (asset: string) => balances.find((b) => b.asset === asset)?.total ?? new Decimal(0);
    // nothing is ever negative, and nothing is locked beyond what is held
    for (const b of balances) {
      expect(b.total.gte(0), `${b.asset} total ${b.total}`).toBe(true);
      expect(b.locked.gte(0), `${b.asset} locked ${b.locked}`).toBe(true);
      expect(b.total.minus(b.locked).gte(0), `${b.asset} free ${b.total.minus(b.locked)}`).toBe(true);
    }
    // the locks are exactly what the open orders hold
    const expected = new Map<string, Decimal>();
    for (const o of venue.openOrders()) {
      const lock = lockFor(o, SPEC);
      expected.set(lock.asset, (expected.get(lock.asset) ?? new Decimal(0)).plus(lock.amount));
    }
    for (const b of balances) expect(b.locked.toFixed(), `${b.asset} locked`).toBe((expected.get(b.asset) ?? new Decimal(0)).toFixed());
    // money moves only by fills: Σ quote deltas = −Σ buy notional + Σ sell notional − Σ fees
    let quote = new Decimal(0);
    let base = new Decimal(0);
    for (const r of reports) {
      if (r.type !== 'fill') continue;
      const notional = r.quantity.mul(r.price);
      const side = sides.get(r.clientOrderId);
      quote = side === 'buy' ? quote.minus(notional) : quote.plus(notional);
      quote = quote.minus(r.fee);
      base = side === 'buy' ? base.plus(r.quantity) : base.minus(r.quantity);
      expect(r.fee.toFixed()).toBe(notional.mul(r.liquidity === 'maker' ? SPEC.makerFee : SPEC.takerFee).toFixed());
    }
    expect(beyondLimit).toEqual([]);
    expect(total('USDT').minus(start.USDT).toFixed()).toBe(quote.toFixed());
    expect(total('BTC').minus(start.BTC).toFixed()).toBe(base.toFixed());
    // the last balance report of each asset is the balance
    const lastReported = new Map<string, string>();
    for (const r of reports) if (r.type === 'balance') lastReported.set(r.asset, `${r.total.toFixed()}/${r.locked.toFixed()}`);
    for (const [asset, seen] of lastReported) {
      const b = balances.find((x) => x.asset === asset)!;
      expect(seen, `${asset} reported`).toBe(`${b.total.toFixed()}/${b.locked.toFixed()}`);
    }
  }
}

describe('paper venue invariants', () => {
  it('random orders, amends, cancels and market moves never make a balance negative, and only fills move money', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 50, size: 'max' }), async (commands) => {
        await run(commands);
      }),
      { numRuns: 200 },
    );
  });
});
