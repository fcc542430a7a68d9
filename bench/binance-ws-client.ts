/**
 * The bot of binance-ws.bench.ts, in its own process (so its HTTP, JSON and
 * socket work does not share the server's event loop): opens a listen key and
 * its `/ws/<listenKey>` stream, places signed market orders at a steady rate
 * (open loop, on 8 keep-alive connections) and times each from its request to its fill's `executionReport`
 * (x=TRADE). Prints one JSON line: the latencies (ns) past the warm-up, the
 * errors, the orders whose report never came, and its own CPU time.
 * argv: BASE_URL KEY RATE SECONDS WARMUP
 */
import { createHmac } from 'node:crypto';
import { Pool } from 'undici';
import WebSocket from 'ws';

const [base = '', key = '', rateRaw = '200', secondsRaw = '10', warmupRaw = '200'] = process.argv.slice(2);
const rate = Number(rateRaw);
const warmup = Number(warmupRaw);
const total = warmup + rate * Number(secondsRaw);

const res = await fetch(`${base}/api/v3/userDataStream`, { method: 'POST', headers: { 'x-mbx-apikey': key } });
const { listenKey } = (await res.json()) as { listenKey: string };
const ws = new WebSocket(`${base.replace('http', 'ws')}/ws/${listenKey}`);
await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject));

// a bot's keep-alive connections (as ccxt's agent keeps them): a burst waits for one rather than opening more
const pool = new Pool(new URL(base).origin, { connections: 8, pipelining: 1, keepAliveTimeout: 60_000 });
const prefix = new URL(base).pathname;

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
  if (Number(m.c.slice(3)) >= warmup) samples.push(Number(process.hrtime.bigint() - t0));
});

let errors = 0;
let firstError: string | undefined;
function place(i: number): void {
  const id = `ws-${i}`;
  // the widest recvWindow Binance takes: on a loaded machine a late request is latency to time, not a -1021 to drop
  const query = new URLSearchParams({ symbol: 'BTCUSDT', side: i % 2 ? 'SELL' : 'BUY', type: 'MARKET', quantity: '0.1', newClientOrderId: id, newOrderRespType: 'ACK', recvWindow: '60000', timestamp: String(Date.now()) }).toString();
  const signature = createHmac('sha256', key).update(query).digest('hex');
  sentAt.set(id, process.hrtime.bigint());
  pool
    .request({ method: 'POST', path: `${prefix}/api/v3/order?${query}&signature=${signature}`, headers: { 'x-mbx-apikey': key } })
    .then(async (r) => (r.statusCode === 200 ? r.body.dump() : Promise.reject(new Error(`${r.statusCode} ${await r.body.text()}`))))
    .catch((err: unknown) => {
      const cause = (err as { cause?: unknown }).cause;
      firstError ??= `${String(err)}${cause ? ` (${String(cause)})` : ''}`.slice(0, 200);
      errors += 1;
      sentAt.delete(id);
    });
}

const cpu0 = process.cpuUsage();
const start = performance.now();
for (let i = 0; i < total; i++) {
  const due = start + (i * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  place(i);
}
const seconds = (performance.now() - start) / 1000;
// a loaded machine queues orders: their reports still come, and are timed, up to 15 s late
const deadline = performance.now() + 15_000;
while (sentAt.size > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
const cpu = process.cpuUsage(cpu0);
ws.close();
await pool.close();
process.stdout.write(`${JSON.stringify({ samples, seconds, errors, firstError, missing: sentAt.size, reports, clientCpuUs: cpu.user + cpu.system })}\n`);
