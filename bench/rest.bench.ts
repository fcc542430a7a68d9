/**
 * REST round trip on loopback: POST /api/v1/orders at a steady 1,000 orders/s
 * (open loop: one request is started every millisecond whatever the answers
 * do), through the real API server, engine, risk checks, paper venue and
 * SQLite journal. Latency is request start → full response.
 */
import { Agent, request } from 'node:http';
import { createApiServer } from '../src-main/api/server.js';
import { benchEngine, SYMBOL } from './engine-fixture.js';
import { emit, percentiles } from './stats.js';

const RATE = 1000;
const SECONDS = 5;
const { engine, refreshBook, dispose } = await benchEngine();
const key = 'tern_bench_admin_key';
engine.ensureKey(key, 'bench', ['admin']);
const server = createApiServer({ engine, port: 0, version: 'bench', logger: false, rateLimit: { perSecond: 100_000, burst: 100_000 } });
const { port } = await server.listen();
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(i: number): Promise<number> {
  const body = JSON.stringify({ symbol: SYMBOL, side: i % 2 ? 'sell' : 'buy', type: 'market', quantity: '0.1' });
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/v1/orders',
        headers: { host: `127.0.0.1:${port}`, authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 201 ? resolve(Number(process.hrtime.bigint() - t0)) : reject(new Error(`status ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

// warm up
for (let i = 0; i < 500; i++) await post(i);
const samples: Promise<number>[] = [];
const total = RATE * SECONDS;
const start = performance.now();
await new Promise<void>((done) => {
  let sent = 0;
  const tick = () => {
    const due = Math.min(total, Math.floor(((performance.now() - start) * RATE) / 1000));
    while (sent < due) {
      if (sent % 1000 === 0) refreshBook();
      samples.push(post(sent));
      sent += 1;
    }
    if (sent < total) setImmediate(tick);
    else done();
  };
  tick();
});
const ns = await Promise.all(samples);
const seconds = (performance.now() - start) / 1000;
emit({ bench: 'rest_roundtrip', goal_p50_us: 1000, goal_p99_us: 5000, rate_per_s: Math.round(total / seconds), requests: total, ...percentiles(ns) });
agent.destroy();
await server.close();
dispose();
