import ccxt from 'ccxt';
import { pointCcxtAtSim, startExchangeSim, type ExchangeSim, type ExchangeSimOptions } from '../../../tools/exchange-sim/index.js';

export type Binance = InstanceType<typeof ccxt.binance>;
export type BinancePro = InstanceType<typeof ccxt.pro.binance>;

/** A fresh sim plus one funded API key. */
export async function startSim(opts: ExchangeSimOptions = {}, balances: Record<string, string> = { USDT: '100000', BTC: '2', ETH: '20' }) {
  const sim: ExchangeSim = await startExchangeSim({ historyMinutes: 600, ...opts });
  const creds = sim.control.createApiKey(balances);
  return { sim, ...creds };
}

/** The real ccxt binance class pointed at the sim, with a small timeout so timeout faults are quick. */
export async function restClient(sim: ExchangeSim, apiKey?: string, secret?: string): Promise<Binance> {
  const ex = new ccxt.binance({ apiKey, secret, timeout: 1000 });
  await pointCcxtAtSim(ex, sim.url);
  return ex;
}

export async function wsClient(sim: ExchangeSim, apiKey?: string, secret?: string): Promise<BinancePro> {
  const ex = new ccxt.pro.binance({ apiKey, secret, timeout: 2000 });
  await pointCcxtAtSim(ex, sim.url);
  return ex;
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to fail');
}

/** Waits until `check` holds (polling), for conditions reached through the network. */
export async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
