/**
 * Issue 9 item 16 over REST: while the store cannot be written `/health`
 * answers 200 (a supervisor must not kill a process that still answers reads
 * and cancels) but `degraded` with the engine's reason, and a cancel the
 * engine let through with its journal entries held in memory says so in the
 * `X-Tern-Not-Durable` header (the body keeps the Order shape).
 */
import { describe, expect, it } from 'vitest';
import { createApiServer } from '../../src-main/api/server.js';
import type { CallContext } from '../../src-common/contract/methods.js';
import { RestClient } from '../helpers/api-harness.js';
import { FakeEngine } from '../helpers/fake-engine.js';

const HELD = 'the store cannot be written (disk full: 0.0 MB free on /data): this change is held in memory and committed once it can be';

/** a FakeEngine whose store cannot be written: health degraded, cancels held */
function unwritableEngine(): FakeEngine {
  const engine = new FakeEngine();
  const target = engine as unknown as Record<string, (m: string, p: unknown, c: CallContext) => Promise<unknown>>;
  // whichever entry point the server uses (call, or answer where the engine has it)
  for (const name of ['call', 'answer']) {
    const original = target[name]?.bind(engine);
    if (!original) continue;
    target[name] = async (method, params, ctx) => {
      const result = await original(method, params, ctx);
      if (method === 'orders.cancel') ctx.onNotDurable?.(HELD);
      if (method === 'health') return { ...(result as object), status: 'degraded', reason: 'trading halted: the store cannot be written: disk full' };
      return result;
    };
  }
  return engine;
}

/** mode and startedAt only for servers that answer /health themselves (not excess where they are gone) */
function options(engine: FakeEngine) {
  const opts = { engine, version: 't', mode: 'paper', startedAt: Date.now(), logger: false as const };
  return opts;
}

describe('REST answers while the store cannot be written', () => {
  it('/health is 200 degraded with the reason', async () => {
    const server = createApiServer(options(unwritableEngine()));
    try {
      const res = await new RestClient(server.app).get('/health');
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ status: 'degraded', reason: 'trading halted: the store cannot be written: disk full', mode: 'paper' });
    } finally {
      await server.close();
    }
  });

  it('a held cancel answers the order with X-Tern-Not-Durable; other answers carry no such header', async () => {
    const engine = unwritableEngine();
    const key = engine.addKey(['trade']);
    const server = createApiServer(options(engine));
    try {
      const rest = new RestClient(server.app);
      const placed = await rest.post('/api/v1/orders', { account: 'paper', symbol: 'BTC/USDT', side: 'buy', type: 'limit', quantity: '0.02', price: '1000.00' }, { key });
      expect(placed.status).toBe(201);
      expect(placed.headers['x-tern-not-durable']).toBeUndefined();
      const canceled = await rest.delete(`/api/v1/orders/${placed.json.id}`, { key });
      expect(canceled.status).toBe(200);
      expect(canceled.json.id).toBe(placed.json.id);
      expect(canceled.headers['x-tern-not-durable']).toBe(HELD);
    } finally {
      await server.close();
    }
  });
});
