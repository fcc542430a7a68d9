/**
 * A flood of wrong keys next to a bot with a valid one: GET /api/v1/accounts
 * with the valid key at 200/s for 3 s, alone and then while 32 connections
 * send wrong keys as fast as they are answered. Reports the valid key's
 * latency in both runs, and what the flood got (401 until the address's
 * failure budget is spent, then 429). Run twice: with the default failure
 * limit, and with it set out of reach (as before there was one).
 */
import { Agent, request } from 'node:http';
import { createApiServer } from '../src-main/api/server.js';
import { benchEngine } from './engine-fixture.js';
import { emit, percentiles } from './stats.js';

const RATE = 200;
const SECONDS = 3;
const { engine, dispose } = await benchEngine();
const created = await engine.call('keys.create', { name: 'bench', scopes: ['read'] }, { actor: 'bench' });

async function scenario(name: string, authFailureLimit?: { perSecond: number; burst: number }, report = true): Promise<void> {
  const server = createApiServer({ engine, port: 0, version: 'bench', logger: false, rateLimit: { perSecond: 100_000, burst: 100_000 }, ...(authFailureLimit ? { authFailureLimit } : {}) });
  const { port } = await server.listen();
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });

  function get(key: string): Promise<{ status: number; ns: number }> {
    return new Promise((resolve, reject) => {
      const t0 = process.hrtime.bigint();
      const req = request({ agent, host: '127.0.0.1', port, method: 'GET', path: '/api/v1/accounts', headers: { host: `127.0.0.1:${port}`, authorization: `Bearer ${key}` } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, ns: Number(process.hrtime.bigint() - t0) }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  async function validKeyRun(): Promise<number[]> {
    const samples: Promise<{ status: number; ns: number }>[] = [];
    const total = RATE * SECONDS;
    const start = performance.now();
    await new Promise<void>((done) => {
      let sent = 0;
      const tick = () => {
        const due = Math.min(total, Math.floor(((performance.now() - start) * RATE) / 1000));
        while (sent < due) {
          samples.push(get(created.key));
          sent += 1;
        }
        if (sent < total) setTimeout(tick, 1);
        else done();
      };
      tick();
    });
    return (await Promise.all(samples)).map((s) => s.ns);
  }

  for (let i = 0; i < 200; i++) await get(created.key);
  const alone = percentiles(await validKeyRun());

  let flooding = true;
  const statuses = new Map<number, number>();
  const flooders = Array.from({ length: 32 }, async (_, c) => {
    let i = 0;
    while (flooding) {
      const { status } = await get(`tern_wrong_${c}_${i++}`);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  });
  const floodStart = performance.now();
  const flooded = percentiles(await validKeyRun());
  flooding = false;
  await Promise.all(flooders);
  const floodSeconds = (performance.now() - floodStart) / 1000;
  const floodTotal = [...statuses.values()].reduce((a, b) => a + b, 0);
  if (report)
    emit({
    bench: `auth_flood_${name}`,
    valid_alone: alone,
    valid_during_flood: flooded,
    flood_rate_per_s: Math.round(floodTotal / floodSeconds),
    flood_401: statuses.get(401) ?? 0,
    flood_429: statuses.get(429) ?? 0,
  });
  agent.destroy();
  await server.close();
}

// a first round only warms the JIT up: whichever scenario ran first came out slower
await scenario('warmup', { perSecond: 1e9, burst: 1e9 }, false);
await scenario('unthrottled', { perSecond: 1e9, burst: 1e9 });
await scenario('throttled');
dispose();
