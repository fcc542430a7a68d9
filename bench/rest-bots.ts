/**
 * Bots trading through REST against a serve process (bench/serve-process.ts):
 * an undici Pool of keep-alive connections, one bot key each (a key's own
 * rate limit is at most 1,000/s), market orders of 0.001 alternating buy and
 * sell on the paper account around a seeded position.
 */
import { Pool } from 'undici';
import type { ServeProcess } from './serve-process.js';

const SYMBOL = 'BTC/USDT';

export interface RestBots {
  /** one order; resolves with its latency from `due` (process.hrtime.bigint, ns), or null when it was not 201 */
  order(due: bigint): Promise<number | null>;
  /** `status body` of each refusal, counted */
  failures: Map<string, number>;
  failed(): number;
  /** GET as the admin: the JSON or text answer */
  get(path: string): Promise<string>;
  close(): Promise<void>;
}

export async function restBots(server: ServeProcess, connections: number): Promise<RestBots> {
  const pool = new Pool(server.url, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  const post = async (path: string, key: string, body: unknown) => {
    const res = await pool.request({ method: 'POST', path, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await res.body.text();
    if (res.statusCode !== 201) throw new Error(`POST ${path}: ${res.statusCode} ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  const keys: string[] = [];
  for (let i = 0; i < connections; i++) {
    const made = await post('/api/v1/keys', server.adminKey, { name: `bench bot ${i}`, scopes: ['trade'], rate_limit: { per_second: 1000, burst: 2000 } });
    keys.push(made['key'] as string);
  }
  // base to sell: the orders then alternate buy and sell around a fixed position
  await post('/api/v1/orders', server.adminKey, { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '10' });

  const bodies = [0, 1].map((i) => JSON.stringify({ symbol: SYMBOL, side: i ? 'sell' : 'buy', type: 'market', quantity: '0.001' }));
  const failures = new Map<string, number>();
  let n = 0;
  return {
    failures,
    failed: () => [...failures.values()].reduce((a, b) => a + b, 0),
    async order(due) {
      const i = n++;
      const res = await pool.request({
        method: 'POST',
        path: '/api/v1/orders',
        headers: { authorization: `Bearer ${keys[i % keys.length]}`, 'content-type': 'application/json' },
        body: bodies[i % 2],
      });
      const text = await res.body.text();
      const ns = Number(process.hrtime.bigint() - due);
      if (res.statusCode === 201) return ns;
      const why = `${res.statusCode} ${text.slice(0, 160)}`;
      failures.set(why, (failures.get(why) ?? 0) + 1);
      return null;
    },
    async get(path) {
      const res = await pool.request({ method: 'GET', path, headers: { authorization: `Bearer ${server.adminKey}` } });
      return res.body.text();
    },
    close: () => pool.close(),
  };
}
