/**
 * The load generator of binance-gateway.bench.ts, in its own process (so its
 * ccxt work does not share the engine's event loop): the real ccxt binance
 * class places market orders through Tern's gateway at a steady rate (open
 * loop) and prints each createOrder's latency (ns) as one JSON line.
 * argv: BASE_URL KEY RATE SECONDS
 */
import { binanceFor } from '../test/helpers/ccxt-binance.js';

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

for (let i = 0; i < 300; i++) await place(i);
// one order at a time: the path's own latency, which a busy machine disturbs less than a rate it cannot keep
const sequential: number[] = [];
for (let i = 0; i < 500; i++) sequential.push(await place(i));
const samples: Promise<number>[] = [];
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
process.stdout.write(`${JSON.stringify({ samples: ns, sequential: sequential.filter((x) => !Number.isNaN(x)), seconds: (performance.now() - start) / 1000, errors, firstError })}\n`);
