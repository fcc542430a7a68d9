/**
 * WebSocket clients that never read (issue 9, item 6): a separate client
 * process (bench/ws-slow-client.py: raw TCP sockets with a 4 KiB receive
 * buffer) opens 1,000 sockets with read keys (16 keys), upgrades, subscribes
 * each to every channel and never reads a byte again. Meanwhile the engine's
 * market data runs hot (a 20-level book and a trade every millisecond) and
 * this process times GET /health every 100 ms (a new connection each time, as
 * an uptime checker does), samples its own RSS and the open WebSocket count.
 */
import { spawn } from 'node:child_process';
import { Agent, get } from 'node:http';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createApiServer } from '../src-main/api/server.js';
import { MARKET_CHANNELS, PRIVATE_CHANNELS } from '../src-common/contract/constants/channels.js';
import { benchEngine, SYMBOL } from './engine-fixture.js';
import { emit, percentiles } from './stats.js';

const CLIENTS = Number(process.env['WS_BENCH_CLIENTS'] ?? 1000);
const KEYS = 16;
const SECONDS = Number(process.env['WS_BENCH_SECONDS'] ?? 20);
const CHANNELS = [...PRIVATE_CHANNELS, ...MARKET_CHANNELS.map((k) => `${k}:paper:${SYMBOL}`)];

interface ClientReport {
  opened: number;
  refused: Record<string, number>;
}

await runServer();

async function runServer(): Promise<void> {
  const { engine, feed, dispose } = await benchEngine();
  // generated keys, as bots get them (a chosen key's slow hash would only add start-up time)
  const keys: string[] = [];
  for (let i = 0; i < KEYS; i++) keys.push((await engine.call('keys.create', { name: `bench read ${i}`, scopes: ['read'] }, { actor: 'bench' })).key);
  const server = createApiServer({ engine, port: 0, version: 'bench', logger: false });
  const { port } = await server.listen();

  // hot market data: a 20-level book and a trade every millisecond
  let n = 0;
  const levels = (start: number, step: number): Array<[string, string]> => Array.from({ length: 20 }, (_, i) => [(start + step * i).toFixed(1), String(1000 + ((n + i) % 97))]);
  const market = setInterval(() => {
    n += 1;
    feed.pushBook(SYMBOL, levels(99.9, -0.1), levels(100.1, 0.1));
    feed.pushTrade(SYMBOL, '100.0', '0.1', n % 2 ? 'buy' : 'sell');
  }, 1);

  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const health = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      get({ agent: false, host: '127.0.0.1', port, path: '/health', headers: { host: `127.0.0.1:${port}` } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`health ${res.statusCode}`))));
      }).on('error', reject);
    });

  const child = spawn('python3', [join(dirname(fileURLToPath(import.meta.url)), 'ws-slow-client.py')], {
    env: { ...process.env, PORT: String(port), KEYS: JSON.stringify(keys), CHANNELS: JSON.stringify(CHANNELS), CLIENTS: String(CLIENTS) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  // the window starts once every client has connected (or been refused)
  await lines.next();

  const latencies: number[] = [];
  let rssPeak = 0;
  let openPeak = 0;
  const started = performance.now();
  const ticksBefore = n;
  while (performance.now() - started < SECONDS * 1000) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    latencies.push(await health());
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    openPeak = Math.max(openPeak, await openConnections(port));
  }
  const ticks = n - ticksBefore;
  const elapsedS = (performance.now() - started) / 1000;
  const openEnd = await openConnections(port);
  child.stdin!.end();
  const clients = JSON.parse((await lines.next()).value as string) as ClientReport;
  clearInterval(market);
  const rssEnd = process.memoryUsage().rss;
  const p = percentiles(latencies.map((ms) => ms * 1e6));
  emit({
    bench: 'ws-slow-consumers',
    clients: CLIENTS,
    keys: KEYS,
    seconds: SECONDS,
    market_events_per_s: Math.round((ticks * 2) / elapsedS),
    rss_peak_mb: Math.round(rssPeak / 2 ** 20),
    rss_end_mb: Math.round(rssEnd / 2 ** 20),
    health_samples: latencies.length,
    health_p50_ms: round(p.p50_us / 1000),
    health_p99_ms: round(p.p99_us / 1000),
    health_max_ms: round(Math.max(...latencies)),
    ws_open_peak: openPeak,
    client_opened: clients.opened,
    client_refused: clients.refused,
    ws_open_end: openEnd,
  });
  await server.close();
  await engine.stop();
  dispose();
  process.exit(0);

  async function openConnections(p: number): Promise<number> {
    const text = await new Promise<string>((resolve, reject) => {
      get({ agent, host: '127.0.0.1', port: p, path: '/metrics', headers: { host: `127.0.0.1:${p}`, authorization: `Bearer ${keys[0]}` } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve(body));
      }).on('error', reject);
    });
    const line = text.split('\n').find((l) => l.startsWith('tern_ws_connections '));
    return line === undefined ? 0 : Number(line.split(' ')[1]);
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
