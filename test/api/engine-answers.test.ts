import { afterEach, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../src-main/api/server.js';
import type { EngineApi } from '../../src-common/contract/engine-api.js';
import { RestClient } from '../helpers/api-harness.js';
import { FakeEngine } from '../helpers/fake-engine.js';

/** REST says what the engine says: no second lookup, no value of the server's own */
let server: ApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function serve(engine: EngineApi): RestClient {
  server = createApiServer({ engine, version: 't', logger: false });
  return new RestClient(server.app);
}

describe('GET /health is the engine’s answer', () => {
  it('names the mode the engine computes (live with a live account open), not a literal "paper"', async () => {
    const fake = new FakeEngine();
    const engine = new Proxy(fake, {
      get(target, prop, receiver) {
        if (prop === 'answer' || prop === 'call') {
          return async (method: string, params: unknown, ctx: never) => {
            const answer = await (target[prop] as (m: string, p: unknown, c: never) => Promise<unknown>).call(target, method, params, ctx);
            return method === 'health' ? { ...(answer as object), mode: 'live', version: 'engine-1', uptime_ms: 42 } : answer;
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as EngineApi;
    const res = await serve(engine).get('/health');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok', version: 'engine-1', mode: 'live', uptime_ms: 42 });
  });
});

describe('POST /api/v1/orders status comes from the engine’s answer', () => {
  it('two concurrent placements with one client_order_id: one 201 (placed), one 200 (the same order)', async () => {
    const fake = new FakeEngine();
    const key = fake.addKey(['trade']);
    // both placements are held until both have reached the engine: neither is placed before the other asks
    const held: Array<() => void> = [];
    const engine = new Proxy(fake, {
      get(target, prop, receiver) {
        if (prop === 'answer' || prop === 'call') {
          const inner = (target[prop] as (m: string, p: unknown, c: never) => Promise<unknown>).bind(target);
          return async (method: string, params: unknown, ctx: never) => {
            if (method === 'orders.create' && held.length < 2) {
              await new Promise<void>((resolve) => {
                held.push(resolve);
                if (held.length === 2) for (const release of held) release();
              });
            }
            return inner(method, params, ctx);
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as EngineApi;
    const api = serve(engine);
    const body = { account: 'paper', symbol: 'BTC/USDT', side: 'buy', type: 'limit', quantity: '0.01', price: '1000.00', client_order_id: 'same-coid-1' };
    const [a, b] = await Promise.all([api.post('/api/v1/orders', body, { key }), api.post('/api/v1/orders', body, { key })]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.json.id).toBe(b.json.id);
    expect((await api.post('/api/v1/orders', body, { key })).status).toBe(200);
    expect(fake.stats().orders_total).toBe(1);
  });
});
