import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createApiServer } from '../../src-main/api/server.js';
import type { EngineApi } from '../../src-common/contract/engine-api.js';
import { FakeEngine } from '../helpers/fake-engine.js';
import { TestSocket } from '../helpers/ws-client.js';

/** a FakeEngine whose orders.create waits until the test lets it go */
function slowEngine() {
  const fake = new FakeEngine();
  const admin = fake.addKey(['admin']);
  const waiting: Array<() => void> = [];
  const engine = new Proxy(fake, {
    get(target, prop, receiver) {
      if (prop === 'call' || prop === 'answer') {
        const inner = prop === 'call' ? target.call.bind(target) : target.answer.bind(target);
        return (method: string, params: unknown, ctx: unknown) => {
          if (method !== 'orders.create') return inner(method as never, params, ctx as never);
          return new Promise((resolve) => waiting.push(() => resolve(undefined))).then(() => inner(method as never, params, ctx as never));
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as EngineApi;
  return { engine, admin, waiting };
}

/** one request on its own connection: the answer, or how the connection ended without one */
function send(url: string, method: string, path: string, key: string, body?: unknown): Promise<{ status: number; json: any } | { dropped: string }> {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(`${url}${path}`, { method, agent: false, headers: { authorization: `Bearer ${key}`, ...(payload ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, json: text ? JSON.parse(text) : null }));
    });
    req.on('error', (err) => resolve({ dropped: err.message }));
    req.end(payload);
  });
}

const order = (i: number) => ({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', price: '40000', quantity: '0.01', client_order_id: `slow-${i}` });

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

describe('API server close: drain', () => {
  it('answers the calls in flight, refuses new ones with 503 "Tern is stopping", answers calls still waiting after the drain with 503, and closes WebSockets with 1001', async () => {
    const { engine, admin, waiting } = slowEngine();
    const server = createApiServer({ engine, host: '127.0.0.1', port: 0, version: 't', logger: false, drainMs: 300 });
    const { url } = await server.listen();
    const ws = await TestSocket.open(`${url.replace('http', 'ws')}/api/v1/ws`, { authorization: `Bearer ${admin}` });

    const inFlight = [0, 1, 2].map((i) => send(url, 'POST', '/api/v1/orders', admin, order(i)));
    await until(() => waiting.length === 3, 'three calls in the engine');

    const closed = server.close();
    // still listening while it drains, but nothing new starts
    const late = await send(url, 'GET', '/api/v1/orders', admin);
    expect(late).toMatchObject({ status: 503, json: { error: { code: 'VENUE_UNAVAILABLE', message: 'Tern is stopping' } } });

    // two calls finish during the drain and get their real answers
    waiting[0]!();
    waiting[1]!();
    // the third never does: the drain answers it
    const [a, b, c] = await Promise.all(inFlight);
    expect(a).toMatchObject({ status: 201, json: { client_order_id: 'slow-0' } });
    expect(b).toMatchObject({ status: 201, json: { client_order_id: 'slow-1' } });
    expect(c).toMatchObject({ status: 503, json: { error: { code: 'VENUE_UNAVAILABLE', details: { reason: 'stopping' } } } });
    expect((c as { json: any }).json.error.message).toMatch(/^Tern is stopping: this call did not finish within 300 ms/);

    await closed;
    expect((await ws.closed).code).toBe(1001);
    // and it no longer listens
    expect(await send(url, 'GET', '/health', admin)).toMatchObject({ dropped: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('closes at once when nothing is in flight', async () => {
    const { engine, admin } = slowEngine();
    const server = createApiServer({ engine, host: '127.0.0.1', port: 0, version: 't', logger: false, drainMs: 60_000 });
    const { url } = await server.listen();
    expect(await send(url, 'GET', '/health', admin)).toMatchObject({ status: 200 });
    // resolves without waiting for the drain's 60 s (the test's own timeout would fail it)
    await server.close();
  });
});
