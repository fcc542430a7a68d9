/**
 * npm run exchange-sim -- --port 9400 [--seed 42] [--tick-ms 1000] [--history-minutes 2880]
 *                         [--api-key K --secret S] [--balance USDT=100000 --balance BTC=1 ...]
 * Starts the simulator on 127.0.0.1 with one API key and prints {url, wsUrl, port, apiKey, secret}
 * as one JSON line. Control it over HTTP under /__sim/ (see README.md).
 */
import { startExchangeSim } from './server.js';

function parseArgs(argv: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    out.set(name, [...(out.get(name) ?? []), value]);
  }
  return out;
}

const KNOWN = new Set(['port', 'host', 'seed', 'tick-ms', 'history-minutes', 'api-key', 'secret', 'balance']);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  for (const k of args.keys()) if (!KNOWN.has(k)) throw new Error(`unknown option --${k}`);
  const one = (k: string) => args.get(k)?.at(-1);
  const num = (k: string, dflt: number) => {
    const v = one(k);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${k} must be a non-negative integer, got ${v}`);
    return n;
  };
  const host = one('host') ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== 'localhost') throw new Error(`--host: exchange-sim listens on 127.0.0.1 only, not ${host}`);
  const balances: Record<string, string> = {};
  for (const b of args.get('balance') ?? ['USDT=100000', 'BTC=1', 'ETH=10']) {
    const [asset, amount] = b.split('=');
    if (!asset || !amount || !/^\d+(\.\d+)?$/.test(amount)) throw new Error(`--balance must look like USDT=1000, got ${b}`);
    balances[asset] = amount;
  }
  const sim = await startExchangeSim({
    port: num('port', 0),
    seed: num('seed', 42),
    tickIntervalMs: num('tick-ms', 1000),
    historyMinutes: num('history-minutes', 2880),
    accounts: [{ balances, apiKey: one('api-key'), secret: one('secret') }],
  });
  const key = sim.apiKeys[0]!;
  process.stdout.write(`${JSON.stringify({ url: sim.url, wsUrl: sim.wsUrl, port: sim.port, apiKey: key.apiKey, secret: key.secret })}\n`);
  const stop = () => {
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`exchange-sim: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
