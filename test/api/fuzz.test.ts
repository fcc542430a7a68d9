import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApiServer, type ApiServer } from '../../src-main/api/server.js';
import { ERROR_STATUS } from '../../src-common/contract/errors.js';
import { METHODS, type MethodSpec } from '../../src-common/contract/methods.js';
import { RestClient, fakeEngineFactory, isErrorBody, type ApiResponse, type EngineFactory, type TestEngine } from '../helpers/api-harness.js';
import { realEngineFactory } from '../helpers/real-engine-factory.js';

/** The engine under test: the fake one here; `*.real.test.ts` runs this same file against the real engine. */
const makeEngine: EngineFactory = process.env.TERN_API_TEST_ENGINE === 'real' ? realEngineFactory : fakeEngineFactory;

type Route = NonNullable<MethodSpec['http']>;
const ROUTES: Route[] = (Object.values(METHODS) as MethodSpec[]).flatMap((m) => (m.http ? [m.http] : []));
const BODY_ROUTES = ROUTES.filter((r) => r.method === 'POST' || r.method === 'PATCH' || r.method === 'PUT');
const QUERY_ROUTES = ROUTES.filter((r) => r.method === 'GET' || r.method === 'DELETE');

/** every param name of every method: fuzzed bodies mix these with junk so some requests get deep into the engine */
const FIELDS = [
  ...new Set(
    (Object.values(METHODS) as MethodSpec[]).flatMap((m) => Object.keys((z.toJSONSchema(m.params, { io: 'input', unrepresentable: 'any' }) as { properties?: object }).properties ?? {})),
  ),
];
const NASTY_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', 'a'.repeat(300), '\u0000', '💥'];

const plausible = fc.constantFrom<unknown>(
  'paper', 'BTC/USDT', 'ETH/USDT', 'DOGE/USDT', 'buy', 'sell', 'market', 'limit', 'stop_market', 'stop_limit', 'GTC', 'IOC', 'FOK',
  'open', 'closed', 'all', 'read', 'trade', 'admin', '1m', '1h', '0.01', '0.001', '45000.00', '1000.00', '0', '-1', '1e5', '0.0000000001',
  '99999999999999999999999999999999999999999999999999', '1.' + '1'.repeat(62), 'NaN', 'Infinity', 'O1', true, false, null,
);
const hugeNumber = fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, -(2 ** 63), 5e-324, 0, -0, 1.5, 10_000, 10_001, 4294967296);
const junkLeaf = fc.oneof(plausible, hugeNumber, fc.string({ maxLength: 40 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
const junkValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, junkLeaf, fc.array(tie('value'), { maxLength: 4 }), tie('object')),
  object: fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 10 })), tie('value'), { maxKeys: 4 }),
})).value;
const key = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...FIELDS) }, { weight: 1, arbitrary: fc.constantFrom(...NASTY_KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });

/** a JSON object as text, built by hand so "__proto__" stays a plain key */
const objectText = fc
  .array(fc.tuple(key, junkValue), { maxLength: 8 })
  .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',')}}`);
const nestedJunk = fc.integer({ min: 1, max: 3000 }).map((n) => '['.repeat(n) + ']'.repeat(n));
/** valid bodies per route, to mutate: most fuzzed requests should get past validation into the engine */
const EXAMPLE_BODIES: Record<string, Array<Record<string, unknown>>> = {
  '/api/v1/orders': [
    { account: 'paper', symbol: 'BTC/USDT', side: 'buy', type: 'limit', quantity: '0.02', price: '1000.00' },
    { symbol: 'BTC/USDT', side: 'sell', type: 'market', quantity: '0.01', client_order_id: 'fuzz-1' },
    { symbol: 'ETH/USDT', side: 'buy', type: 'stop_limit', quantity: '0.5', price: '3100.00', stop_price: '3050.00', time_in_force: 'IOC' },
  ],
  '/api/v1/orders/:id': [{ price: '1100.00' }, { quantity: '0.03' }],
  '/api/v1/positions/close': [{ account: 'paper', symbol: 'BTC/USDT' }, { symbol: 'BTC/USDT', quantity: '0.005' }],
  '/api/v1/keys': [{ name: 'fuzz', scopes: ['read'] }],
  '/api/v1/risk/limits': [{ limits: { max_open_orders: '1000' } }, { account: 'paper', symbol: 'BTC/USDT', limits: { price_band_pct: null } }],
  '/api/v1/risk/state': [{ state: 'ACTIVE', reason: 'fuzz' }],
  '/api/v1/risk/kill-switch': [{ reason: 'fuzz', flatten: true }],
};
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), field: key, value: junkValue }),
  fc.record({ kind: fc.constant('drop' as const), index: fc.nat() }),
  fc.record({ kind: fc.constant('none' as const) }),
);
const nearValidBody = (path: string) =>
  fc.tuple(fc.constantFrom(...(EXAMPLE_BODIES[path] ?? [{}])), fc.array(mutation, { maxLength: 2 })).map(([example, mutations]) => {
    const entries = Object.entries(example);
    for (const m of mutations) {
      if (m.kind === 'set') entries.push([m.field, m.value]);
      else if (m.kind === 'drop' && entries.length > 0) entries.splice(m.index % entries.length, 1);
    }
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',')}}`;
  });
const bodyText = fc.oneof(
  { weight: 4, arbitrary: objectText },
  { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 1, arbitrary: nestedJunk },
);
const queryValue = fc.oneof(plausible.map((v) => String(v)), fc.string({ maxLength: 30 }), hugeNumber.map(String));
const queryString = fc.oneof(
  { weight: 5, arbitrary: fc.array(fc.tuple(key, queryValue), { maxLength: 6 }).map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((s) => s.replace(/[#\s]/g, '')) },
);
const pathId = fc.oneof(fc.integer({ min: 1, max: 300 }).map((n) => `O${n}`), plausible.map((v) => encodeURIComponent(String(v))), fc.string({ minLength: 1, maxLength: 80 }).map(encodeURIComponent), fc.constantFrom('%', '%zz', '..', '%2F', 'a'.repeat(250)));
const contentType = fc.constantFrom('application/json', 'application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', undefined);
type Who = keyof TestEngine['keys'] | 'none' | 'bogus';
const who = fc.oneof({ weight: 8, arbitrary: fc.constant<Who>('admin') }, fc.constantFrom<Who>('trade', 'read', 'none', 'bogus'));

const fill = (path: string, id: string) => path.replace(/:[A-Za-z_]\w*/g, id);

let te: TestEngine;
let server: ApiServer;
let api: RestClient;

beforeAll(async () => {
  te = await makeEngine();
  server = createApiServer({ engine: te.engine, version: 'fuzz', logger: false, rateLimit: { perSecond: 1e9, burst: 1e9 } });
  await server.app.ready();
  api = new RestClient(server.app);
});

afterAll(async () => {
  await server.close();
  await te.close();
});

function authOf(w: Who): Record<string, string> {
  if (w === 'none') return {};
  return { authorization: `Bearer ${w === 'bogus' ? 'bogus-key' : te.keys[w]}` };
}

/** the invariant of every answer: never a 5xx, always JSON, errors in the protocol's shape with a matching status */
function expectWellFormed(res: ApiResponse, label: string): void {
  expect(res.status, `${label} → ${res.status} ${res.body.slice(0, 300)}`).toBeLessThan(500);
  expect(res.json, label).not.toBeUndefined();
  if (res.status >= 400) {
    expect(isErrorBody(res.json), `${label} → ${res.body.slice(0, 300)}`).toBe(true);
    const code = res.json.error.code as keyof typeof ERROR_STATUS;
    const transportStatus = (res.status === 405 && code === 'NOT_FOUND') || ((res.status === 413 || res.status === 415) && code === 'BAD_REQUEST');
    expect(ERROR_STATUS[code] === res.status || transportStatus, `${label}: ${res.status} with ${code}`).toBe(true);
    expect(res.body).not.toMatch(/"stack"|\n\s+at /);
  }
}

describe('fuzzing the REST API never yields a 5xx nor crashes it', () => {
  it('random JSON bodies on POST/PATCH/PUT routes (5,000)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...BODY_ROUTES).chain((route) => fc.tuple(fc.constant(route), fc.oneof(nearValidBody(route.path), bodyText))),
        contentType,
        who,
        pathId,
        async ([route, body], type, w, id) => {
        const url = fill(route.path, id);
        const res = await api.request(route.method, url, { body, headers: { ...authOf(w), ...(type ? { 'content-type': type } : {}) } });
        expectWellFormed(res, `${route.method} ${url} ${body.slice(0, 200)}`);
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('random query strings on GET/DELETE routes (4,000)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...QUERY_ROUTES), queryString, who, pathId, async (route, query, w, id) => {
        const url = `${fill(route.path, id)}${query ? `?${query}` : ''}`;
        const res = await api.request(route.method, url, { headers: authOf(w) });
        expectWellFormed(res, `${route.method} ${url}`);
      }),
      { numRuns: 4_000 },
    );
  });

  it('random methods and paths (1,000)', async () => {
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD');
    const path = fc.oneof(
      fc.constantFrom(...ROUTES.map((r) => fill(r.path, 'x'))),
      fc.array(fc.oneof(fc.constantFrom('api', 'v1', 'orders', 'keys', '..', '%2e%2e', ''), fc.string({ maxLength: 8 }).map(encodeURIComponent)), { maxLength: 5 }).map((s) => `/${s.join('/')}`),
    );
    await fc.assert(
      fc.asyncProperty(method, path, who, async (m, p, w) => {
        const res = await api.request(m, p, { headers: authOf(w) });
        if (m === 'HEAD') expect(res.status).toBeLessThan(500);
        else expectWellFormed(res, `${m} ${p}`);
      }),
      { numRuns: 1_000 },
    );
  });

  it('still answers afterwards, and nothing leaked into Object.prototype', async () => {
    expect((await api.get('/health')).status).toBe(200);
    // the fuzz may have revoked a test key (DELETE /api/v1/keys/K1): then 401, else 200
    expect([200, 401]).toContain((await api.get('/api/v1/orders?limit=5', { headers: authOf('read') })).status);
    expect(Object.keys(Object.prototype)).toEqual([]);
  });
});
