/**
 * Tern's runtime against the loopback exchange simulator: the real ccxt
 * binance classes, a temp data folder, keys in memory (the keychain has its
 * own tests), reconciliation on demand (no timer) unless asked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ParamsOf, ResultOf, MethodName } from '../../../src-common/contract/methods.js';
import type { Logger } from '../../../src-main/engine/ports/logger.js';
import type { ReconcileOptions } from '../../../src-main/engine/reconcile/reconciler.js';
import { createRuntime, type Runtime } from '../../../src-main/runtime.js';
import { MemorySecretStore, type SecretStore } from '../../../src-main/secrets/secret-store.js';
import type { CcxtTuning } from '../../../src-main/venues/ccxt/account-venue.js';
import { startExchangeSim, type ExchangeSim, type ExchangeSimOptions } from '../../../tools/exchange-sim/index.js';

export const FAST: CcxtTuning = { timeoutMs: 800, rateLimitMs: 5, pollMs: 300, tradeGraceMs: 80, unknownOrderGraceMs: 1200, staleAfterMs: 5000 };

export interface SimTern {
  sim: ExchangeSim;
  apiKey: string;
  secret: string;
  rt: Runtime;
  dataDir: string;
  secrets: SecretStore;
  logs: string[];
  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
  /** restarts Tern on the same data folder (the simulator keeps running) */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface SimTernOptions {
  sim?: ExchangeSimOptions;
  balances?: Record<string, string>;
  reconcile?: ReconcileOptions;
  tuning?: CcxtTuning;
  /** create the live account `bn` (default true) */
  account?: boolean;
  secrets?: SecretStore;
  /** how an account that cannot open is retried */
  accountRetry?: { retryMs?: number; maxRetryMs?: number };
}

/** A log that keeps every line as JSON text (tests look for secrets in it). */
export function memoryLog(lines: string[]): Logger {
  const put = (level: string) => (obj: object, msg?: string) => lines.push(JSON.stringify({ level, ...obj, msg }));
  return { info: put('info'), warn: put('warn'), error: put('error') };
}

export async function startSimTern(opts: SimTernOptions = {}): Promise<SimTern> {
  const sim = await startExchangeSim({ historyMinutes: 120, ...opts.sim });
  const { apiKey, secret } = sim.control.createApiKey(opts.balances ?? { USDT: '100000', BTC: '2', ETH: '20' });
  const dataDir = mkdtempSync(join(tmpdir(), 'tern-ccxt-'));
  const secrets = opts.secrets ?? new MemorySecretStore();
  const logs: string[] = [];
  const make = () =>
    createRuntime({
      dataDir,
      secrets,
      log: memoryLog(logs),
      reconcile: opts.reconcile ?? { intervalMs: 0, debounceMs: 10 },
      ccxt: opts.tuning ?? FAST,
      ...(opts.accountRetry ? { accountRetry: opts.accountRetry } : {}),
    });
  const h: SimTern = {
    sim,
    apiKey,
    secret,
    rt: await make(),
    dataDir,
    secrets,
    logs,
    call: (method, params) => h.rt.api.call(method, params, { actor: 'test' }),
    async restart() {
      await h.rt.close();
      h.rt = await make();
    },
    async close() {
      await h.rt.close();
      await sim.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  if (opts.account !== false) {
    await h.call('accounts.create', { id: 'bn', exchange: 'binance', mode: 'live', api_key: apiKey, secret, base_url: sim.url });
  }
  return h;
}

/** Waits until `check` holds (polling), for conditions reached through the network. */
export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * The invariants every scenario ends with: every order of the account is in a
 * definite state that agrees with the exchange, no client order id was sent
 * twice, Tern's fills are the exchange's trades (each once) and positions
 * equal the fills.
 */
export async function expectConsistent(h: SimTern, account = 'bn'): Promise<void> {
  const { expect } = await import('vitest');
  const orders = await h.call('orders.list', { account, status: 'all', limit: 10_000 });
  for (const o of orders) {
    // an amendment (cancelReplace) re-uses the id by design; a new order with it is sent once
    const posts = h.sim.control.requests('POST /api/v3/order').filter((r) => r.params['newClientOrderId'] === o.client_order_id).length;
    expect(posts, `new-order requests with ${o.client_order_id}`).toBeLessThanOrEqual(1);
    expect(o.status, `order ${o.client_order_id}`).not.toBe('pending');
    const onExchange = h.sim.control.orders({ apiKey: h.apiKey, clientOrderId: o.client_order_id }).at(-1);
    if (o.status === 'open' || o.status === 'partially_filled') expect(onExchange?.status, `exchange status of ${o.client_order_id}`).toMatch(/^(NEW|PARTIALLY_FILLED)$/);
    if (o.status === 'rejected' && onExchange) expect(onExchange.status, `a rejected order ${o.client_order_id} on the exchange`).not.toMatch(/^(NEW|PARTIALLY_FILLED|FILLED)$/);
  }
  const fills = await h.call('fills.list', { account, limit: 10_000 });
  const simFills = h.sim.control.fills(h.apiKey);
  const key = (qty: string, price: string) => `${Number(qty)}@${Number(price)}`;
  expect(fills.map((f) => key(f.quantity, f.price)).sort(), 'Tern fills are the exchange trades').toEqual(simFills.map((f) => key(f.qty, f.price)).sort());
  const net = new Map<string, number>();
  for (const f of fills) net.set(f.symbol, (net.get(f.symbol) ?? 0) + (f.side === 'buy' ? 1 : -1) * Number(f.quantity));
  const positions = await h.call('positions.list', { account });
  for (const [symbol, qty] of net) {
    const p = positions.find((x) => x.symbol === symbol);
    expect(Number(p?.quantity ?? 0), `position ${symbol}`).toBeCloseTo(qty, 10);
  }
}
