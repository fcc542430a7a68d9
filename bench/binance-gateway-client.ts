/**
 * The load generator of binance-gateway.bench.ts, in its own process (so its
 * ccxt work does not share the engine's event loop): the real ccxt binance
 * class places market orders through Tern's gateway at a steady rate (open
 * loop) and prints each createOrder's latency (ns) as one JSON line.
 * argv: BASE_URL KEY RATE SECONDS
 */
import { binanceFor } from '../test/helpers/ccxt-binance.js';
import { watchGc } from './gc-pauses.js';

const [base = '', key = '', rateRaw = '200', secondsRaw = '10'] = process.argv.slice(2);
const rate = Number(rateRaw);
const total = rate * Number(secondsRaw);
const ex = binanceFor(base, key);
await ex.loadMarkets();

let errors = 0;
let firstError: string | undefined;
/** one order's latency (ns); NaN when it failed (counted, not timed) */
const place = async (i: number): Promise<number> => {
  const t0 = process.hrtime.bigint();
  try {
    const o = await ex.createOrder('BTC/USDT', 'market', i % 2 ? 'sell' : 'buy', 0.1);
    if (o.status !== 'closed') throw new Error(`order ${o.id} is ${o.status}`);
    return Number(process.hrtime.bigint() - t0);
  } catch (err) {
    errors += 1;
    firstError ??= String(err).slice(0, 200);
    return Number.NaN;
  }
};

/** tells the bench a phase begins (it reads the server's CPU time then) and waits for its word */
const phase = async (name: string) => {
  process.stdout.write(`${JSON.stringify({ phase: name })}\n`);
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
};

// warm-up: both processes' JIT (ccxt's signing and parsing included), the server's caches
for (let i = 0; i < 300; i++) await place(i);
// no orders for a while: what the server spends anyway (timers, the book refills) is taken off its CPU per order
await phase('idle');
await new Promise((r) => setTimeout(r, 2000));
await phase('sequential');
// one order at a time: the path's own latency, which a busy machine disturbs less than a rate it cannot keep
const sequential: number[] = [];
for (let i = 0; i < 500; i++) sequential.push(await place(i));
await phase('paced');
const samples: Promise<number>[] = [];
const gc = watchGc();
const cpu0 = process.cpuUsage();
const start = performance.now();
await new Promise<void>((done) => {
  let sent = 0;
  const tick = () => {
    const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000));
    while (sent < due) samples.push(place(sent++));
    if (sent < total) setTimeout(tick, 1);
    else done();
  };
  tick();
});
const ns = (await Promise.all(samples)).filter((x) => !Number.isNaN(x));
const seconds = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpu0);
const clientGc = gc.stop();
await phase('end');
// this process's own CPU per order at the rate: a load generator that cannot keep up would be what is measured
const clientCpuUs = Math.round((cpu.user + cpu.system) / total);
process.stdout.write(`${JSON.stringify({ samples: ns, sequential: sequential.filter((x) => !Number.isNaN(x)), seconds, errors, firstError, clientCpuUs, clientGc })}\n`);
process.stdin.destroy();
