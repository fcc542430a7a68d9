import { MARKET_CHANNELS, marketChannel, PRIVATE_CHANNELS } from '../../src-common/contract/constants/channels.js';
import type { Side } from '../../src-common/contract/constants/orders.js';
import type { Account, Balance, Book, Candle, DownloadJob, Fill, Order, Position, Ticker, Trade } from '../../src-common/contract/schemas.js';
import { describeError } from '../client/call-error.js';
import type { ClientEvent, ConnectionStatus, TernClient } from '../client/types.js';
import { type Dec, dec, formatFixed, formatPlain, formatUpTo, sign, wire } from '../lib/decimal.js';
import { marketHeartbeat, useConnection } from './connection.js';
import { useDownloads } from './downloads.js';
import { useMarket, tickerKey, MAX_TRADES, type KeyedTrade, type Stamped } from './market.js';
import { notify, useNotifications } from './notifications.js';
import { usePortfolio } from './portfolio.js';
import { useReference } from './reference.js';
import { type StrategyInstance, useStrategies } from './strategies.js';
import { riskFromEvent, useRisk } from './risk.js';
import { useTrading } from './trading.js';

const WATCHLIST_MAX = 12;

export interface FeedOptions {
  /** runs `flush` soon, once per frame: requestAnimationFrame in the page, a stub in tests */
  schedule?: (flush: () => void) => void;
  /** portfolio samples between fills */
  portfolioIntervalMs?: number;
  now?: () => number;
}

export interface Feed {
  /** reload everything from the engine (after a reconnect, or on demand) */
  resync(): Promise<void>;
  /** sample equity now */
  samplePortfolio(): Promise<void>;
  dispose(): void;
}

type Held = { orders: Order[]; fills: Fill[]; positions: Position[]; balances: Balance[] };

function frameScheduler(flush: () => void): void {
  // rAF pauses in a background tab; the timeout keeps state current there (bounded: events coalesce)
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    flush();
  };
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(run);
  setTimeout(run, 100);
}

export function marketChannels(account: string, symbol: string, watchlist: readonly string[]): string[] {
  const channels = new Set<string>(MARKET_CHANNELS.map((kind) => marketChannel(kind, account, symbol)));
  for (const s of watchlist) channels.add(marketChannel('ticker', account, s));
  return [...channels];
}

const sideWord = (side: Side) => (side === 'buy' ? 'Buy' : 'Sell');

export interface FillGroup {
  orderId: string;
  side: Side;
  symbol: string;
  count: number;
  /** formatted: total quantity, volume-weighted price, total fee */
  quantity: string;
  price: string;
  fee: string;
  feeAsset: string;
}

/** the fills of one batch by order: a market order that walks the book is one notification, not five */
export function groupFills(fills: readonly Fill[]): FillGroup[] {
  const groups = new Map<string, { first: Fill; count: number; qty: Dec; value: Dec; fee: Dec }>();
  for (const f of fills) {
    const g = groups.get(f.order_id);
    const qty = dec(f.quantity);
    if (g) {
      g.count++;
      g.qty = g.qty.add(qty);
      g.value = g.value.add(qty.mul(f.price));
      g.fee = g.fee.add(f.fee);
    } else groups.set(f.order_id, { first: f, count: 1, qty, value: qty.mul(f.price), fee: dec(f.fee) });
  }
  return [...groups.values()].map(({ first, count, qty, value, fee }) => ({
    orderId: first.order_id,
    side: first.side,
    symbol: first.symbol,
    count,
    quantity: formatPlain(wire(qty)),
    price: formatFixed(qty.isZero() ? dec(first.price) : value.div(qty), Math.max(2, dec(first.price).decimalPlaces())),
    fee: formatUpTo(wire(fee), 6),
    feeAsset: first.fee_asset,
  }));
}

/** a burst ends when a strategy has not filled for this long */
export const BURST_GAP_MS = 3_000;

const strategyOf = (f: Fill): string | null => (f as Fill & { strategy_id?: string | null }).strategy_id ?? null;

/** One toast per strategy per burst of fills: the first fill opens it, the next ones rewrite it. */
export class StrategyBursts {
  private readonly open = new Map<string, { toast: number; lastAt: number; count: number; buys: number; sells: number }>();

  add(fills: readonly Fill[], at: number): void {
    const per = new Map<string, Fill[]>();
    for (const f of fills) per.set(strategyOf(f)!, [...(per.get(strategyOf(f)!) ?? []), f]);
    for (const [strategy, list] of per) {
      let burst = this.open.get(strategy);
      if (burst && at - burst.lastAt > BURST_GAP_MS) burst = undefined;
      const next = { toast: burst?.toast ?? 0, lastAt: at, count: (burst?.count ?? 0) + list.length, buys: burst?.buys ?? 0, sells: burst?.sells ?? 0 };
      for (const f of list) next[f.side === 'buy' ? 'buys' : 'sells']++;
      const last = groupFills(list.slice(-1))[0]!;
      const toast = {
        kind: 'success' as const,
        title: `Strategy ${strategy}: ${next.count} fill${next.count === 1 ? '' : 's'}`,
        body: `${next.buys} buy · ${next.sells} sell · last ${sideWord(last.side)} ${last.quantity} ${last.symbol} @ ${last.price}`,
      };
      if (!burst || !useNotifications.getState().update(burst.toast, toast)) next.toast = notify(toast);
      this.open.set(strategy, next);
    }
  }
}

/**
 * Feeds the stores from one client: snapshots on connect (and after every
 * reconnect), then events, applied in batches once per frame so a burst of
 * market data costs one render, not hundreds.
 */
export function startFeed(client: TernClient, opts: FeedOptions = {}): Feed {
  const schedule = opts.schedule ?? frameScheduler;
  const now = opts.now ?? Date.now;
  let queue: ClientEvent[] = [];
  let scheduled = false;
  let disposed = false;
  let lastReconnects = -1;
  let lastPhase: ConnectionStatus['phase'] | null = null;
  /** tables whose snapshot is in flight: their events wait, then apply on top of it */
  const loading = new Set<keyof Held>();
  let held: Held = { orders: [], fills: [], positions: [], balances: [] };
  let marketLoading = true;
  let heldMarket: ClientEvent[] = [];
  let marketToken = 0;
  const notifiedRejects = new Set<string>();
  let tradeKey = 0;
  /** the newest print of the trades the market loaded with: its event, come meanwhile, is not added twice */
  let tradesLoadedUpTo = 0;
  let portfolioTimer: ReturnType<typeof setInterval> | undefined;
  let fillRefresh: ReturnType<typeof setTimeout> | undefined;
  const strategyBursts = new StrategyBursts();

  const offEvent = client.onEvent((event) => {
    if (event.kind === 'ticker' || event.kind === 'book' || event.kind === 'trades' || event.kind === 'candles') {
      const account = event.channel.split(':', 2)[1];
      if (account) marketHeartbeat.set(account, now());
    }
    queue.push(event);
    if (!scheduled) {
      scheduled = true;
      schedule(flush);
    }
  });

  const offStatus = client.onStatus((status) => onStatus(status));
  useConnection.getState().setTransport(client.transport);
  onStatus(client.status());

  const offMarket = useMarket.subscribe((s, prev) => {
    if (s.account !== prev.account || s.symbol !== prev.symbol || s.watchlist !== prev.watchlist) updateChannels();
    if (s.account !== prev.account || s.symbol !== prev.symbol || s.timeframe !== prev.timeframe) void loadMarket();
  });

  function onStatus(status: ConnectionStatus): void {
    useConnection.getState().setStatus(status);
    const was = lastPhase;
    lastPhase = status.phase;
    if (status.phase === 'reconnecting' && was === 'open') {
      notify({ kind: 'warning', title: 'Connection to the engine lost', body: 'Retrying… Orders cannot be sent until it is back.' });
    }
    if (status.phase === 'open' && status.reconnects !== lastReconnects) {
      if (lastReconnects >= 0) notify({ kind: 'info', title: 'Reconnected', body: 'Blotters and market data were reloaded.' });
      lastReconnects = status.reconnects;
      void resync();
    }
  }

  function updateChannels(): void {
    const m = useMarket.getState();
    client.setChannels([...PRIVATE_CHANNELS, ...marketChannels(m.account, m.symbol, m.watchlist)]);
  }

  async function resync(): Promise<void> {
    updateChannels();
    const call = client.call.bind(client);
    const guard = <T>(p: Promise<T>, onError: (message: string) => void): Promise<T | undefined> =>
      p.catch((err: unknown) => {
        onError(describeError(err));
        return undefined;
      });

    const ref = useReference.getState();
    const trading = useTrading.getState();
    for (const t of ['orders', 'fills', 'positions', 'balances'] as const) loading.add(t);
    held = { orders: [], fills: [], positions: [], balances: [] };

    const [health, accounts, instruments] = await Promise.all([
      guard(call('health', {}), () => {}),
      guard(call('accounts.list', {}), (m) => ref.fail(m)),
      guard(call('instruments.list', {}), (m) => ref.fail(m)),
    ]);
    if (disposed) return;
    if (health) ref.setVersion(health.version);
    if (instruments) ref.setInstruments(instruments);
    if (accounts) {
      ref.setAccounts(accounts);
      chooseMarket(accounts, instruments ?? []);
    }

    const settle = <K extends keyof Held>(table: K, rows: Held[K] | undefined, load: (rows: Held[K]) => void, apply: (rows: Held[K]) => void) => {
      if (rows) load(rows);
      loading.delete(table);
      const waiting = held[table];
      held[table] = [] as Held[K];
      if (waiting.length > 0) apply(waiting);
    };
    const failTo = (table: keyof Held) => (m: string) => trading.fail(table, m);

    await Promise.all([
      Promise.all([guard(call('orders.list', { status: 'open', limit: 10_000 }), failTo('orders')), guard(call('orders.list', { status: 'all', limit: 1_000 }), failTo('orders'))]).then(([open, recent]) => {
        const rows = open || recent ? [...(recent ?? []), ...(open ?? [])] : undefined;
        settle('orders', rows, trading.loadOrders, trading.applyOrders);
      }),
      guard(call('fills.list', { limit: 1_000 }), failTo('fills')).then((rows) => settle('fills', rows, trading.loadFills, trading.applyFills)),
      guard(call('positions.list', {}), failTo('positions')).then((rows) => settle('positions', rows, trading.loadPositions, trading.applyPositions)),
      guard(call('balances.list', {}), failTo('balances')).then((rows) => settle('balances', rows, trading.loadBalances, trading.applyBalances)),
      loadRisk(),
      samplePortfolio(),
      loadMarket(),
    ]);
    startPortfolioClock();
    void prefetchCandles();
  }

  function chooseMarket(accounts: Account[], instruments: { account: string; symbol: string }[]): void {
    const m = useMarket.getState();
    const account = accounts.some((a) => a.id === m.account) ? m.account : (accounts[0]?.id ?? m.account);
    const symbols = instruments.filter((i) => i.account === account).map((i) => i.symbol);
    const symbol = symbols.includes(m.symbol) ? m.symbol : (symbols[0] ?? m.symbol);
    const watchlist = symbols.slice(0, WATCHLIST_MAX);
    if (!watchlist.includes(symbol)) watchlist.unshift(symbol);
    if (watchlist.join() !== m.watchlist.join()) m.setWatchlist(watchlist);
    m.selectMarket(account, symbol);
  }

  async function loadRisk(): Promise<void> {
    try {
      useRisk.getState().set(await client.call('risk.get', {}));
    } catch (err) {
      useRisk.getState().unavailable(describeError(err));
    }
  }

  async function loadMarket(): Promise<void> {
    const token = ++marketToken;
    const { account, symbol, timeframe } = useMarket.getState();
    marketLoading = true;
    heldMarket = [];
    tradesLoadedUpTo = 0;
    const [ticker, book, candles, trades] = await Promise.all([
      client.call('market.ticker', { account, symbol }).catch(() => null),
      client.call('market.book', { account, symbol, depth: 25 }).catch(() => null),
      client.call('market.candles', { account, symbol, timeframe, limit: 500 }).catch((err: unknown) => err),
      client.call('market.trades', { account, symbol, limit: MAX_TRADES }).catch(() => null),
    ]);
    if (disposed || token !== marketToken) return;
    const m = useMarket.getState();
    const stamp = typeof performance !== 'undefined' ? performance.now() : 0;
    const patch: Partial<ReturnType<typeof useMarket.getState>> = {};
    if (ticker) patch.tickers = { ...m.tickers, [tickerKey(account, symbol)]: { ...ticker, receivedAt: stamp } };
    if (book) patch.book = { ...book, receivedAt: stamp };
    // the market's recent prints at once, newest first (the list used to fill only as new ones came)
    tradesLoadedUpTo = trades?.at(-1)?.id ?? 0;
    if (trades) patch.trades = [...trades].reverse().map((t) => ({ ...t, key: ++tradeKey }));
    if (Array.isArray(candles)) {
      m.candles.load(candles as Candle[]);
      patch.candlesVersion = m.candles.version;
      patch.candlesStatus = 'ready';
      patch.candlesError = undefined;
    } else {
      patch.candlesStatus = 'error';
      patch.candlesError = describeError(candles);
    }
    marketLoading = false;
    const waiting = heldMarket;
    heldMarket = [];
    useMarket.setState(patch);
    if (waiting.length > 0) applyMarket(waiting);
  }

  /** the watchlist's other markets' candles, one request at a time, so a switch to one draws at once */
  async function prefetchCandles(): Promise<void> {
    const { account, symbol, timeframe, watchlist } = useMarket.getState();
    for (const other of watchlist) {
      if (other === symbol) continue;
      const candles = await client.call('market.candles', { account, symbol: other, timeframe, limit: 500 }).catch(() => null);
      if (disposed) return;
      if (Array.isArray(candles)) useMarket.getState().keepCandles(account, other, timeframe, candles as Candle[]);
    }
  }

  async function samplePortfolio(): Promise<void> {
    try {
      const p = await client.call('portfolio.get', {});
      if (!disposed) usePortfolio.getState().record(p, now());
    } catch (err) {
      if (!disposed && usePortfolio.getState().status !== 'ready') usePortfolio.getState().fail(describeError(err));
    }
  }

  let equityInFlight = false;
  let equityAgain = false;
  /** revalues the portfolio now: one request at a time, and one more if the marks moved meanwhile */
  async function refreshEquity(): Promise<void> {
    if (equityInFlight) {
      equityAgain = true;
      return;
    }
    equityInFlight = true;
    try {
      do {
        equityAgain = false;
        const p = await client.call('portfolio.get', {});
        if (disposed) return;
        usePortfolio.getState().setCurrent(p);
      } while (equityAgain);
    } catch {
      // the periodic sample reports a failing valuation
    } finally {
      equityInFlight = false;
    }
  }

  /** a new mark for a symbol with a position open moves the equity: revalue at once, not at the next sample */
  function marksMoved(tickers: readonly Ticker[]): void {
    const positions = useTrading.getState().positions.rows;
    if (tickers.some((t) => sign(positions.get(`${t.account}|${t.symbol}`)?.quantity) !== 0)) void refreshEquity();
  }

  function startPortfolioClock(): void {
    if (portfolioTimer !== undefined || disposed) return;
    portfolioTimer = setInterval(() => {
      if (client.status().phase === 'open') void samplePortfolio();
    }, opts.portfolioIntervalMs ?? 5_000);
  }

  function flush(): void {
    scheduled = false;
    if (disposed) return;
    const batch = queue;
    queue = [];
    const orders: Order[] = [];
    const fills: Fill[] = [];
    const positions: Position[] = [];
    const balances: Balance[] = [];
    const market: ClientEvent[] = [];
    const risk: Array<Record<string, unknown>> = [];
    const downloads: DownloadJob[] = [];
    for (const e of batch) {
      switch (e.kind) {
        case 'orders':
          orders.push(e.data as Order);
          break;
        case 'fills':
          fills.push(e.data as Fill);
          break;
        case 'positions':
          positions.push(e.data as Position);
          break;
        case 'balances':
          balances.push(e.data as Balance);
          break;
        case 'risk':
          risk.push(e.data as Record<string, unknown>);
          break;
        case 'accounts':
          useReference.getState().upsertAccount(e.data as Account);
          break;
        case 'downloads':
          downloads.push(e.data as DownloadJob);
          break;
        case 'strategies':
          useStrategies.getState().upsert(e.data as StrategyInstance);
          break;
        default:
          market.push(e);
      }
    }
    // a kill switch also announces its state change: one notification for the two
    const killSwitch = risk.some((r) => r['event'] === 'kill_switch');
    for (const r of risk) onRisk(r, killSwitch);
    if (downloads.length > 0) useDownloads.getState().apply(downloads);
    const trading = useTrading.getState();
    const route = <K extends keyof Held>(table: K, rows: Held[K], apply: (rows: Held[K]) => void) => {
      if (rows.length === 0) return;
      if (loading.has(table)) (held[table] as unknown[]).push(...rows);
      else apply(rows);
    };
    route('orders', orders, trading.applyOrders);
    route('fills', fills, trading.applyFills);
    route('positions', positions, trading.applyPositions);
    route('balances', balances, trading.applyBalances);
    for (const o of orders) {
      if (o.status === 'rejected' && !notifiedRejects.has(o.id)) {
        notifiedRejects.add(o.id);
        notify({ kind: 'error', title: `Rejected: ${sideWord(o.side)} ${formatPlain(o.quantity)} ${o.symbol}`, body: o.reject_reason ?? 'refused by the venue' });
      }
    }
    // a strategy trades in bursts: one toast per strategy and burst, rewritten as its fills come in
    const byHand = fills.filter((f) => !strategyOf(f));
    if (byHand.length < fills.length) strategyBursts.add(fills.filter((f) => strategyOf(f)), now());
    for (const g of groupFills(byHand)) {
      notify({
        kind: 'success',
        title: `Filled: ${sideWord(g.side)} ${g.quantity} ${g.symbol}`,
        body: `@ ${g.price}${g.count > 1 ? ` avg (${g.count} fills)` : ''} · fee ${g.fee} ${g.feeAsset}`,
      });
    }
    if (fills.length > 0) {
      clearTimeout(fillRefresh);
      fillRefresh = setTimeout(() => void samplePortfolio(), 300);
    }
    if (market.length > 0) {
      if (marketLoading) heldMarket.push(...market.filter((e) => e.kind === 'candles' || e.kind === 'trades'), ...market.filter((e) => e.kind === 'ticker'));
      else applyMarket(market);
    }
  }

  function applyMarket(events: ClientEvent[]): void {
    const m = useMarket.getState();
    const selected = `${m.account}:${m.symbol}`;
    let tickers: Record<string, Stamped<Ticker>> | null = null;
    let book: Stamped<Book> | null = null;
    let trades: KeyedTrade[] | null = null;
    const moved: Ticker[] = [];
    const version = m.candles.version;
    let candleAt = 0;
    for (const e of events) {
      const target = e.channel.slice(e.channel.indexOf(':') + 1);
      switch (e.kind) {
        case 'ticker': {
          const t = e.data as Ticker;
          tickers ??= { ...m.tickers };
          tickers[tickerKey(t.account, t.symbol)] = { ...t, receivedAt: e.receivedAt };
          moved.push(t);
          break;
        }
        case 'book':
          if (target === selected) book = { ...(e.data as Book), receivedAt: e.receivedAt };
          break;
        case 'trades': {
          if (target !== selected) break;
          const t = e.data as Trade;
          if (t.id <= tradesLoadedUpTo) break;
          (trades ??= [...m.trades]).unshift({ ...t, key: ++tradeKey });
          const ts = Date.parse(t.ts);
          if (m.candlesStatus === 'ready' && Number.isFinite(ts)) m.candles.applyTrade(t.price, ts);
          candleAt = e.receivedAt;
          break;
        }
        case 'candles': {
          if (target !== selected) break;
          const { candle } = e.data as { candle: Candle };
          if (m.candlesStatus === 'ready') m.candles.applyBar(candle);
          candleAt = e.receivedAt;
          break;
        }
      }
    }
    const patch: Partial<ReturnType<typeof useMarket.getState>> = {};
    if (tickers) patch.tickers = tickers;
    if (book) patch.book = book;
    if (trades) patch.trades = trades.length > MAX_TRADES ? trades.slice(0, MAX_TRADES) : trades;
    if (m.candles.version !== version) {
      patch.candlesVersion = m.candles.version;
      patch.candleReceivedAt = candleAt;
    }
    if (Object.keys(patch).length > 0) useMarket.setState(patch);
    if (moved.length > 0) marksMoved(moved);
  }

  function onRisk(data: Record<string, unknown>, quietStateChange: boolean): void {
    const before = useRisk.getState().risk;
    const risk = riskFromEvent(data);
    if (risk) useRisk.getState().set(risk);
    const event = data['event'];
    if (event === 'trip') {
      const trips = Array.isArray(data['trips']) ? (data['trips'] as Array<{ rule?: string; reason?: string }>) : [];
      const trip = trips.at(-1) ?? risk?.breakers.at(-1);
      notify({ kind: 'error', title: `Risk breaker tripped${trip?.rule ? `: ${trip.rule}` : ''}`, body: trip?.reason ?? risk?.reason });
    } else if (event === 'kill_switch') {
      const report = data['report'] as { canceled?: unknown[]; flattened?: unknown[] } | undefined;
      notify({
        kind: 'error',
        title: 'Kill switch: trading HALTED',
        body: `${report?.canceled?.length ?? 0} order(s) canceled${report?.flattened?.length ? `, ${report.flattened.length} position(s) closed` : ''}`,
      });
    } else if (risk && before && risk.state !== before.state && !quietStateChange) {
      notify({ kind: risk.state === 'ACTIVE' ? 'info' : 'warning', title: `Trading ${risk.state}`, body: risk.reason });
    }
  }

  return {
    resync,
    samplePortfolio,
    dispose() {
      disposed = true;
      offEvent();
      offStatus();
      offMarket();
      clearInterval(portfolioTimer);
      clearTimeout(fillRefresh);
    },
  };
}
