/**
 * The engine side of bench/paper-resting.bench.ts, in its own process so the
 * load generator does not share its event loop: a real engine (SQLite
 * journal, risk, paper venue) behind the REST server, with a market feed that
 * publishes a book and a trade every 100 ms that cross no resting order, as a
 * live feed keeps doing while orders rest. Prints `{"port":N,"key":"…"}` and
 * runs until its stdin closes; each line it reads is answered with the CPU
 * its market events cost since the last one.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { createApiServer } from '../src-main/api/server.js';
import { benchEngine, SYMBOL } from './engine-fixture.js';

const { engine, feed, dispose } = await benchEngine();
const key = 'tern_bench_resting_key';
engine.ensureKey(key, 'bench', ['admin']);
const server = createApiServer({ engine, port: 0, version: 'bench', logger: false, rateLimit: { perSecond: 100_000, burst: 100_000 } });
const { port } = await server.listen();

let tick = 0;
/** CPU the engine spent on market events since the last `stats` request */
let events = 0;
let eventCpuUs = 0;
const market = setInterval(() => {
  tick += 1;
  const cpu = process.cpuUsage();
  const wobble = (tick % 5) / 10; // the book moves a little, never down to 80 or up to 120
  feed.pushBook(
    SYMBOL,
    [[(99.9 - wobble).toFixed(1), '1000000'], [(99.8 - wobble).toFixed(1), '1000000']],
    [[(100.1 + wobble).toFixed(1), '1000000'], [(100.2 + wobble).toFixed(1), '1000000']],
  );
  feed.pushTrade(SYMBOL, (100 + wobble / 2).toFixed(2), '0.01', tick % 2 ? 'buy' : 'sell');
  const used = process.cpuUsage(cpu);
  events += 1;
  eventCpuUs += used.user + used.system;
}, 100);

process.stdout.write(`${JSON.stringify({ port, key })}\n`);
// each line on stdin asks for the market-event cost since the last one, the
// event loop's delays and the share of one core the process used (a busy
// machine shows as delays while the process itself was idle)
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
let since = { cpu: process.cpuUsage(), at: performance.now() };
createInterface({ input: process.stdin }).on('line', () => {
  const cpu = process.cpuUsage(since.cpu);
  const wallUs = (performance.now() - since.at) * 1000;
  process.stdout.write(
    `${JSON.stringify({
      cpu_us_per_book_and_trade: events ? Math.round(eventCpuUs / events) : null,
      loop_delay_p99_ms: Math.round(loop.percentile(99) / 1e4) / 100,
      loop_delay_max_ms: Math.round(loop.max / 1e4) / 100,
      cpu_share: Math.round(((cpu.user + cpu.system) / wallUs) * 100) / 100,
    })}\n`,
  );
  events = 0;
  eventCpuUs = 0;
  loop.reset();
  since = { cpu: process.cpuUsage(), at: performance.now() };
});
process.stdin.on('end', async () => {
  clearInterval(market);
  await server.close();
  dispose();
  process.exit(0);
});
