/**
 * The Binance gateway's user-data stream (issue 14): market orders placed at
 * 200/s through POST /binance/api/v3/order (signed, as a bot sends them),
 * each timed from the request to its fill's `executionReport` (x=TRADE) on a
 * `/binance/ws/<listenKey>` stream — what a bot waiting on its stream sees.
 * The client runs in this process (one core less busy than a real bot), so
 * this is the gateway's own path: REST, engine, paper fill, journal commit,
 * event, Binance formatting, socket.
 */
import { createHmac } from 'node:crypto';
import WebSocket from 'ws';
import { createApiServer } from '../src-main/api/server.js';
import { benchEngine } from './engine-fixture.js';
import { emit, percentiles } from './stats.js';

const RATE = 200;
const SECONDS = 10;
const WARMUP = 200;
const { engine, refreshBook, dispose } = await benchEngine();
const key = 'tern_bench_binance_ws_key';
engine.ensureKey(key, 'bench-ws-bot', ['trade']);
const server = createApiServer({ engine, port: 0, version: 'bench', logger: false, rateLimit: { perSecond: 100_000, burst: 100_000 } });
const { url } = await server.listen();
const refill = setInterval(refreshBook, 200);

const res = await fetch(`${url}/binance/api/v3/userDataStream`, { method: 'POST', headers: { 'x-mbx-apikey': key } });
const { listenKey } = (await res.json()) as { listenKey: string };
const ws = new WebSocket(`${url.replace('http', 'ws')}/binance/ws/${listenKey}`);
await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject));

const sentAt = new Map<string, bigint>();
const samples: number[] = [];
let reports = 0;
ws.on('message', (data: Buffer) => {
  const m = JSON.parse(data.toString()) as { e?: string; x?: string; c?: string };
  if (m.e !== 'executionReport') return;
  reports += 1;
  if (m.x !== 'TRADE' || m.c === undefined) return;
  const t0 = sentAt.get(m.c);
  if (t0 === undefined) return;
  sentAt.delete(m.c);
  if (Number(m.c.slice(3)) >= WARMUP) samples.push(Number(process.hrtime.bigint() - t0));
});

let errors = 0;
let firstError: string | undefined;
function place(i: number): void {
  const id = `ws-${i}`;
  const query = new URLSearchParams({ symbol: 'BTCUSDT', side: i % 2 ? 'SELL' : 'BUY', type: 'MARKET', quantity: '0.1', newClientOrderId: id, newOrderRespType: 'ACK', timestamp: String(Date.now()) }).toString();
  const signature = createHmac('sha256', key).update(query).digest('hex');
  sentAt.set(id, process.hrtime.bigint());
  fetch(`${url}/binance/api/v3/order?${query}&signature=${signature}`, { method: 'POST', headers: { 'x-mbx-apikey': key } })
    .then(async (r) => (r.ok ? r.arrayBuffer() : Promise.reject(new Error(`${r.status} ${await r.text()}`))))
    .catch((err: unknown) => {
      firstError ??= String(err);
      errors += 1;
      sentAt.delete(id);
    });
}

// open loop: one order every 1/RATE s, whatever the answers do
const total = WARMUP + RATE * SECONDS;
const start = performance.now();
for (let i = 0; i < total; i++) {
  const due = start + (i * 1000) / RATE;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  place(i);
}
const deadline = performance.now() + 5_000;
while (sentAt.size > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
clearInterval(refill);
emit({
  bench: 'binance_ws_execution_report',
  what: 'POST /binance/api/v3/order (market, signed) → paper fill → executionReport TRADE on /binance/ws/<listenKey>, loopback, client in-process',
  rate_per_s: RATE,
  orders: samples.length,
  errors,
  ...(firstError ? { first_error: firstError } : {}),
  missing_reports: sentAt.size,
  execution_reports: reports,
  ...percentiles(samples),
});
ws.close();
await server.close();
await engine.stop();
dispose();
