/**
 * The blotter benchmark's page: the real Blotters component fed by the real
 * feed (events → frame batches → store deltas → AG Grid transactions), with
 * an in-page client standing in for the engine. The bench drives it through
 * `window.blotterBench`.
 */
import { createRoot } from 'react-dom/client';
import type { Order } from '../../../src-common/contract/schemas.js';
import { ClientContext } from '../../../src-renderer/client/context.js';
import type { ClientEvent, ConnectionStatus, TernClient } from '../../../src-renderer/client/types.js';
import Blotters from '../../../src-renderer/features/blotters/Blotters.js';
import { startFeed } from '../../../src-renderer/state/feed.js';
import { useTrading } from '../../../src-renderer/state/trading.js';
import '../../../src-renderer/styles.css';

const ROWS = Number(new URLSearchParams(location.search).get('rows') ?? 10_000);
const t0 = Date.UTC(2024, 0, 1);

function makeOrder(i: number): Order {
  const ts = new Date(t0 + i * 1000).toISOString();
  return {
    id: `O-${i}`,
    client_order_id: `bench-${i}`,
    account: 'paper',
    symbol: i % 3 === 0 ? 'ETH/USDT' : 'BTC/USDT',
    side: i % 2 ? 'sell' : 'buy',
    type: 'limit',
    quantity: (0.001 * (1 + (i % 50))).toFixed(3),
    price: (40_000 + (i % 1000) * 0.5).toFixed(2),
    stop_price: null,
    time_in_force: 'GTC',
    post_only: false,
    reduce_only: false,
    status: 'open',
    filled_quantity: '0',
    average_price: null,
    fees: '0',
    reject_reason: null,
    created_at: ts,
    updated_at: ts,
    strategy_id: i % 4 === 0 ? 'sma-cross' : null,
    key_id: null,
    held_by: 'venue',
    oco_id: null,
    parent_id: null,
    role: null,
    exits: [],
    trailing_offset: null,
    trailing_unit: null,
    activation_price: null,
    triggered_at: null,
  };
}

const orders = Array.from({ length: ROWS }, (_, i) => makeOrder(i));
const listeners = new Set<(e: ClientEvent) => void>();
const status: ConnectionStatus = { phase: 'open', reconnects: 0 };
const answers: Record<string, () => unknown> = {
  health: () => ({ status: 'ok', version: 'bench', mode: 'paper', uptime_ms: 0 }),
  'accounts.list': () => [{ id: 'paper', exchange: 'paper', mode: 'paper', status: 'active' }],
  'instruments.list': () => [],
  'orders.list': () => orders,
  'fills.list': () => [],
  'positions.list': () => [],
  'balances.list': () => [],
  'portfolio.get': () => ({ quote_asset: 'USDT', equity: '0', realized_pnl: '0', unrealized_pnl: '0', fees_paid: '0' }),
  'risk.get': () => ({ state: 'ACTIVE', reason: '', since: new Date().toISOString(), limits: [], usage: { open_orders: [], orders_per_second: [], daily_loss: [], drawdown_pct: [], consecutive_losses: [] }, breakers: [] }),
};

const client: TernClient = {
  transport: 'ws',
  keyId: null,
  call: (async (method: string) => {
    const a = answers[method];
    if (!a) throw { code: 'NOT_FOUND', message: method };
    return a();
  }) as TernClient['call'],
  onEvent: (l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  },
  setChannels: () => {},
  status: () => status,
  onStatus: () => () => {},
  close: () => {},
};

startFeed(client, { portfolioIntervalMs: 3_600_000 });
const root = document.getElementById('root')!;
root.style.height = '100vh';
createRoot(root).render(
  <ClientContext.Provider value={client}>
    <div style={{ height: '100vh', display: 'flex' }}>
      <Blotters />
    </div>
  </ClientContext.Provider>,
);

let seq = 0;
/** one order update as the engine would send it: a new price, a partial fill, or a status change */
function update(): void {
  const i = (seq * 7919) % ROWS;
  seq++;
  const o = orders[i]!;
  const kind = seq % 10;
  const next: Order =
    kind < 6
      ? { ...o, price: (Number(o.price) + (seq % 2 ? 0.5 : -0.5)).toFixed(2), updated_at: new Date().toISOString() }
      : kind < 9
        ? { ...o, status: 'partially_filled', filled_quantity: (Math.min(Number(o.quantity), Number(o.filled_quantity) + 0.001)).toFixed(3), updated_at: new Date().toISOString() }
        : { ...o, quantity: (Number(o.quantity) + 0.001).toFixed(3), updated_at: new Date().toISOString() };
  orders[i] = next;
  const event = { kind: 'orders', channel: 'orders', data: next, receivedAt: performance.now() } as ClientEvent;
  for (const l of listeners) l(event);
}

interface RunResult {
  updates: number;
  frames: number[];
  longTasks: number[];
  gridRows: number;
}

declare global {
  interface Window {
    blotterBench: { ready(): boolean; run(seconds: number, perSecond: number): Promise<RunResult> };
  }
}

window.blotterBench = {
  ready: () => useTrading.getState().orders.status === 'ready' && document.querySelectorAll('[data-grid="open-orders"] .ag-row').length > 0,
  run(seconds, perSecond) {
    return new Promise((resolve) => {
      const frames: number[] = [];
      const longTasks: number[] = [];
      const po = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) longTasks.push(e.duration);
      });
      po.observe({ type: 'longtask' });
      let last = performance.now();
      let running = true;
      const frame = (t: number) => {
        frames.push(t - last);
        last = t;
        if (running) requestAnimationFrame(frame);
      };
      requestAnimationFrame((t) => {
        last = t;
        requestAnimationFrame(frame);
      });
      // updates paced by the clock, not by timer accuracy: each tick sends what is due
      const start = performance.now();
      let sent = 0;
      const total = seconds * perSecond;
      const timer = setInterval(() => {
        const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * perSecond));
        while (sent < due) {
          update();
          sent++;
        }
        if (sent >= total) {
          clearInterval(timer);
          // let the last transactions land
          setTimeout(() => {
            running = false;
            po.disconnect();
            const gridRows = Number(document.querySelector('[data-testid="tab-open"] .count')?.textContent ?? 0);
            resolve({ updates: sent, frames, longTasks, gridRows });
          }, 300);
        }
      }, 5);
    });
  },
};
