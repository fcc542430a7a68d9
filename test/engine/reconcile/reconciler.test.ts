import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../src-main/engine/engine.js';
import { type Decimal, dec } from '../../../src-main/engine/model/decimal.js';
import type { InstrumentSpec } from '../../../src-main/engine/model/types.js';
import { ManualClock, SequentialIds } from '../../../src-main/engine/ports/clock.js';
import type {
  ExecutionReport,
  ReconcilableVenue,
  VenueAck,
  VenueBalance,
  VenueFill,
  VenueOrderRef,
  VenueOrderRequest,
  VenueOrderStatus,
} from '../../../src-main/engine/ports/venue.js';
import { openTempStore } from '../../../src-main/store/temp-store.js';
import { FakeFeed, instrumentSpec } from '../../helpers/fake-feed.js';

/** An exchange in memory that answers questions; what it does to requests is up to each test. */
class FakeExchange implements ReconcilableVenue {
  readonly account = 'ex';
  readonly exchange = 'fake';
  readonly mode = 'live' as const;
  readonly unknownOrderGraceMs = 10_000;
  readonly orders: VenueOrderStatus[] = [];
  readonly fills: VenueFill[] = [];
  balances: VenueBalance[] = [{ asset: 'USDT', total: dec(1000), locked: dec(0) }];
  /** what createOrder does: answer, or throw as if the answer was lost (the order may still exist) */
  onCreate: (r: VenueOrderRequest) => 'answer' | 'lose' = () => 'answer';
  inFlightIds = new Set<string>();
  queries = 0;
  private listeners: Array<(r: ExecutionReport) => void> = [];
  private resync: Array<(reason: string) => void> = [];
  private n = 0;
  constructor(readonly marketData: FakeFeed) {}

  async loadMarkets(): Promise<InstrumentSpec[]> {
    return this.marketData.instruments();
  }
  async createOrder(r: VenueOrderRequest): Promise<VenueAck> {
    const venueOrderId = `V${++this.n}`;
    this.orders.push({
      clientOrderId: r.clientOrderId,
      venueOrderId,
      symbol: r.symbol,
      side: r.side,
      type: r.type,
      status: 'open',
      quantity: r.quantity,
      filled: dec(0),
      price: r.price,
      stopPrice: null,
      timeInForce: r.timeInForce,
      postOnly: r.postOnly,
      ts: 0,
    });
    if (this.onCreate(r) === 'lose') throw new Error('connection reset');
    for (const l of this.listeners) l({ type: 'accepted', clientOrderId: r.clientOrderId, venueOrderId, ts: 0 });
    return { venueOrderId };
  }
  async editOrder(): Promise<void> {}
  async cancelOrder(ref: VenueOrderRef): Promise<void> {
    const o = this.orders.find((x) => x.clientOrderId === ref.clientOrderId || x.venueOrderId === ref.venueOrderId);
    if (o) o.status = 'canceled';
  }
  async fetchBalance(): Promise<VenueBalance[]> {
    return this.balances;
  }
  onReport(l: (r: ExecutionReport) => void): () => void {
    this.listeners.push(l);
    return () => {};
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  /** the symbols each open-orders query asked for ('all': a full scan) */
  openQueries: Array<string[] | 'all'> = [];
  async fetchOpenOrders(symbols?: string[]): Promise<VenueOrderStatus[]> {
    this.queries += 1;
    this.openQueries.push(symbols ?? 'all');
    await new Promise((r) => setTimeout(r, 5));
    return this.orders.filter((o) => o.status === 'open');
  }
  async fetchOrder(ref: VenueOrderRef): Promise<VenueOrderStatus | null> {
    return this.orders.filter((o) => o.clientOrderId === ref.clientOrderId).at(-1) ?? null;
  }
  async fetchFills(symbol: string): Promise<VenueFill[]> {
    return this.fills.filter((f) => f.symbol === symbol);
  }
  venueOrderIds(): string[] {
    return [];
  }
  inFlight(clientOrderId: string): boolean {
    return this.inFlightIds.has(clientOrderId);
  }
  onResync(l: (reason: string) => void): () => void {
    this.resync.push(l);
    return () => {};
  }
  /** the exchange fills part of an order */
  fill(clientOrderId: string, quantity: string, price: string, id: string): void {
    const o = this.orders.find((x) => x.clientOrderId === clientOrderId)!;
    o.filled = o.filled.add(quantity);
    if (o.filled.gte(o.quantity)) o.status = 'filled';
    this.fills.push({ venueTradeId: id, venueOrderId: o.venueOrderId, symbol: o.symbol, side: o.side, quantity: dec(quantity), price: dec(price), fee: dec(0), feeAsset: 'USDT', liquidity: 'maker', ts: 1 });
  }
}

const disposers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const d of disposers.splice(0)) await d();
});

async function setup() {
  const temp = openTempStore();
  const clock = new ManualClock(1_000_000);
  const feed = new FakeFeed([instrumentSpec('BTC/USDT', { minNotional: '1' })], { clock });
  feed.pushBook('BTC/USDT', [['99', '10']], [['101', '10']]);
  const ex = new FakeExchange(feed);
  const engine = new Engine({
    store: temp.store,
    clock,
    ids: new SequentialIds('rc'),
    version: 'test',
    paperBalances: { USDT: '0' },
    venueFor: (a) => (a.id === 'ex' ? ex : (ex as never)),
    reconcile: { intervalMs: 0, debounceMs: 1 },
  });
  // one live account on the fake exchange
  temp.store.record({ type: 'account', account: { id: 'ex', exchange: 'fake', mode: 'live', status: 'active', startingBalances: {}, createdAt: 0 } });
  temp.store.commit();
  await engine.start();
  disposers.push(async () => {
    await engine.stop();
    temp.dispose();
  });
  const call = <M extends Parameters<Engine['call']>[0]>(m: M, p: Parameters<Engine['call']>[1]) => engine.call(m, p, { actor: 'test' });
  const place = (id: string, quantity = '1') =>
    call('orders.create', { account: 'ex', symbol: 'BTC/USDT', side: 'buy', type: 'limit', quantity, price: '100', client_order_id: id }).catch(() => undefined);
  return { engine, ex, clock, call, place };
}

const total = (b: Array<{ asset: string; total: string }>, asset: string): Decimal => dec(b.find((x) => x.asset === asset)?.total ?? '0');

describe('Reconciler', () => {
  it('takes the exchange balances at start', async () => {
    const { call } = await setup();
    expect(total(await call('balances.list', { account: 'ex' }), 'USDT').toFixed()).toBe('1000');
  });

  it('scans every open order on the exchange every fullScanMs of elapsed time, even after the wall clock was set back a day', async () => {
    const { engine, ex, clock, place } = await setup();
    await place('w-1');
    await engine.reconciler.run('ex', 'timer');
    ex.openQueries.length = 0;
    clock.jump(-86_400_000);
    clock.advance(300_000);
    await engine.reconciler.run('ex', 'timer');
    expect(ex.openQueries).toEqual(['all']);
    // and within the interval only the symbols Tern has orders in
    await engine.reconciler.run('ex', 'timer');
    expect(ex.openQueries).toEqual(['all', ['BTC/USDT']]);
  });

  it('an order the exchange has never heard of stays pending within the grace period, and is rejected after it', async () => {
    const { ex, clock, call, place } = await setup();
    ex.onCreate = () => 'lose';
    await place('lost-1');
    ex.orders.splice(0); // it never got there
    await call('reconcile.run', { account: 'ex' });
    expect((await call('orders.get', { id: 'lost-1' })).status).toBe('pending');
    clock.advance(10_001);
    const r = await call('reconcile.run', { account: 'ex' });
    expect(r.fixed).toEqual([expect.objectContaining({ kind: 'order_lost', client_order_id: 'lost-1' })]);
    expect(await call('orders.get', { id: 'lost-1' })).toMatchObject({ status: 'rejected', reject_reason: expect.stringMatching(/never reached the exchange/) });
  });

  it('the grace for an order the exchange has never heard of is elapsed time: a wall clock set forward does not cut it short, nor one set back stretch it', async () => {
    const { ex, clock, call, place } = await setup();
    ex.onCreate = () => 'lose';
    await place('lost-fwd');
    ex.orders.splice(0);
    clock.jump(86_400_000);
    await call('reconcile.run', { account: 'ex' });
    expect((await call('orders.get', { id: 'lost-fwd' })).status).toBe('pending');
    await place('lost-back');
    ex.orders.splice(0);
    clock.jump(-2 * 86_400_000);
    clock.advance(10_001);
    await call('reconcile.run', { account: 'ex' });
    expect((await call('orders.get', { id: 'lost-fwd' })).status).toBe('rejected');
    expect((await call('orders.get', { id: 'lost-back' })).status).toBe('rejected');
  });

  it('an order whose answer was lost but which the exchange has is open after reconciliation', async () => {
    const { ex, call, place } = await setup();
    ex.onCreate = () => 'lose';
    await place('found-1');
    const r = await call('reconcile.run', { account: 'ex' });
    expect(r.fixed.map((f) => f.kind)).toEqual(['order_accepted']);
    expect((await call('orders.get', { id: 'found-1' })).status).toBe('open');
  });

  it('leaves an order with a request in flight to that request', async () => {
    const { ex, clock, call, place } = await setup();
    ex.onCreate = () => 'lose';
    await place('busy-1');
    ex.orders.splice(0);
    ex.inFlightIds.add('busy-1');
    clock.advance(20_000);
    await call('reconcile.run', { account: 'ex' });
    expect((await call('orders.get', { id: 'busy-1' })).status).toBe('pending');
  });

  it('applies fills the exchange has and Tern lacks, once, however often it runs', async () => {
    const { ex, call, place } = await setup();
    await place('fill-1', '2');
    ex.fill('fill-1', '0.5', '100', 'T1');
    ex.fill('fill-1', '0.5', '100', 'T2');
    const first = await call('reconcile.run', { account: 'ex' });
    expect(first.fixed.filter((f) => f.kind === 'fill_applied')).toHaveLength(2);
    const again = await call('reconcile.run', { account: 'ex' });
    expect(again.fixed.filter((f) => f.kind === 'fill_applied')).toEqual([]);
    expect(await call('orders.get', { id: 'fill-1' })).toMatchObject({ status: 'partially_filled', filled_quantity: '1' });
    expect((await call('positions.list', { account: 'ex' }))[0]).toMatchObject({ quantity: '1' });
  });

  it('adopts an open order placed outside Tern as an external order', async () => {
    const { ex, call } = await setup();
    ex.orders.push({ clientOrderId: 'web-1', venueOrderId: 'W1', symbol: 'BTC/USDT', side: 'sell', type: 'limit', status: 'open', quantity: dec(3), filled: dec(0), price: dec(120), stopPrice: null, timeInForce: 'GTC', postOnly: false, ts: 5 });
    const r = await call('reconcile.run', { account: 'ex' });
    expect(r.fixed).toEqual([expect.objectContaining({ kind: 'external_adopted', client_order_id: 'web-1' })]);
    expect(await call('orders.get', { id: 'web-1' })).toMatchObject({ id: expect.stringMatching(/^ext-/), status: 'open', side: 'sell', quantity: '3', price: '120' });
  });

  it('replaces a balance that differs and zeroes an asset the exchange no longer holds', async () => {
    const { ex, call } = await setup();
    ex.balances = [{ asset: 'BTC', total: dec('0.5'), locked: dec(0) }];
    const r = await call('reconcile.run', { account: 'ex' });
    expect(r.fixed.map((f) => f.kind)).toEqual(['balance_corrected', 'balance_corrected']);
    const b = await call('balances.list', { account: 'ex' });
    expect(total(b, 'BTC').toFixed()).toBe('0.5');
    expect(total(b, 'USDT').toFixed()).toBe('0');
  });

  it('runs of one account never overlap; requests made during a run share one more run', async () => {
    const { engine, ex } = await setup();
    const before = ex.queries;
    const first = engine.reconciler.run('ex');
    expect(engine.reconciler.run('ex')).toBe(first); // not started yet: the same run
    while (ex.queries === before) await new Promise((r) => setTimeout(r, 1));
    // the first run is under way: later requests wait for one more run, together
    const [a, b, c] = await Promise.all([first, engine.reconciler.run('ex'), engine.reconciler.run('ex')]);
    expect(b).toBe(c);
    expect(a).not.toBe(b);
    expect(ex.queries - before).toBe(2);
  });
});
