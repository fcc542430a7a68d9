import type { MethodName, ParamsOf, ResultOf } from '../../../src-common/contract/methods.js';
import { CallError } from '../../../src-renderer/client/call-error.js';
import type { ClientEvent, ConnectionStatus, TernClient } from '../../../src-renderer/client/types.js';

type Handler = (params: any) => unknown;

/** A TernClient for store and component tests: canned answers per method, events and status pushed by the test. */
export class FakeClient implements TernClient {
  readonly transport = 'ws' as const;
  keyId: string | null = 'K-test';
  readonly calls: Array<{ method: string; params: unknown }> = [];
  channels: string[] = [];
  private current: ConnectionStatus = { phase: 'open', reconnects: 0 };
  private readonly events = new Set<(e: ClientEvent) => void>();
  private readonly statuses = new Set<(s: ConnectionStatus) => void>();

  constructor(public handlers: Partial<Record<MethodName, Handler>> = {}) {}

  async call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    this.calls.push({ method, params });
    const h = this.handlers[method];
    if (!h) throw new CallError('NOT_FOUND', `no fake answer for ${method}`);
    return (await h(params)) as ResultOf<M>;
  }

  callsOf(method: MethodName): unknown[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.params);
  }

  onEvent(listener: (e: ClientEvent) => void): () => void {
    this.events.add(listener);
    return () => this.events.delete(listener);
  }

  emit(channel: string, data: unknown): void {
    const kind = channel.split(':', 1)[0] as ClientEvent['kind'];
    for (const l of this.events) l({ kind, channel, data, receivedAt: 1 } as ClientEvent);
  }

  setChannels(channels: readonly string[]): void {
    this.channels = [...channels];
  }

  status(): ConnectionStatus {
    return this.current;
  }

  onStatus(listener: (s: ConnectionStatus) => void): () => void {
    this.statuses.add(listener);
    return () => this.statuses.delete(listener);
  }

  setStatus(s: ConnectionStatus): void {
    this.current = s;
    for (const l of this.statuses) l(s);
  }

  close(): void {}
}

export const INSTRUMENT = {
  account: 'paper',
  symbol: 'BTC/USDT',
  base: 'BTC',
  quote: 'USDT',
  price_increment: '0.01',
  size_increment: '0.00001',
  min_quantity: '0.00001',
  min_notional: '5',
  maker_fee: '0.001',
  taker_fee: '0.002',
};

let n = 0;
export function order(patch: Record<string, unknown> = {}) {
  n++;
  return {
    id: `O-${n}`,
    client_order_id: `c-${n}`,
    account: 'paper',
    symbol: 'BTC/USDT',
    side: 'buy',
    type: 'limit',
    quantity: '0.01',
    price: '40000',
    stop_price: null,
    time_in_force: 'GTC',
    post_only: false,
    reduce_only: false,
    status: 'open',
    filled_quantity: '0',
    average_price: null,
    fees: '0',
    reject_reason: null,
    created_at: new Date(1_700_000_000_000 + n * 1000).toISOString(),
    updated_at: new Date(1_700_000_000_000 + n * 1000).toISOString(),
    strategy_id: null,
    ...patch,
  } as const;
}

export function fill(patch: Record<string, unknown> = {}) {
  n++;
  return {
    id: `F-${n}`,
    order_id: 'O-1',
    client_order_id: 'c-1',
    account: 'paper',
    symbol: 'BTC/USDT',
    side: 'buy',
    quantity: '0.01',
    price: '40000',
    fee: '0.4',
    fee_asset: 'USDT',
    liquidity: 'taker',
    ts: new Date(1_700_000_000_000 + n * 1000).toISOString(),
    strategy_id: null,
    ...patch,
  } as const;
}

export const RISK = {
  state: 'ACTIVE',
  reason: 'initial state',
  since: '2024-01-01T00:00:00.000Z',
  limits: [],
  usage: { open_orders: [], orders_per_second: [], daily_loss: [], drawdown_pct: [], consecutive_losses: [] },
  breakers: [],
};

/** answers for a fresh paper account on BTC/USDT */
export function bootAnswers(): Partial<Record<MethodName, Handler>> {
  return {
    health: () => ({ status: 'ok', version: '9.9.9', mode: 'paper', uptime_ms: 1 }),
    'accounts.list': () => [{ id: 'paper', exchange: 'paper', mode: 'paper', status: 'active' }],
    'instruments.list': () => [INSTRUMENT],
    'orders.list': () => [],
    'fills.list': () => [],
    'positions.list': () => [],
    'balances.list': () => [{ account: 'paper', asset: 'USDT', total: '100000', free: '100000', locked: '0' }],
    'portfolio.get': () => ({ quote_asset: 'USDT', equity: '100000', realized_pnl: '0', unrealized_pnl: '0', fees_paid: '0' }),
    'risk.get': () => RISK,
    'market.ticker': () => ({ account: 'paper', symbol: 'BTC/USDT', bid: '40000', ask: '40001', last: '40000.5', ts: null }),
    'market.book': () => ({ account: 'paper', symbol: 'BTC/USDT', bids: [['40000', '1']], asks: [['40001', '2']], ts: null }),
    'market.candles': () => [
      [60_000, '1', '2', '0.5', '1.5', '10'],
      [120_000, '1.5', '3', '1', '2', '20'],
    ],
  };
}
