// Strategy modules and candle files through the API: only from the data folder's strategies/ and
// imports/, checked before anything is read or imported; errors never quote a file; jobs only to admin.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApiServer, type ApiServer } from '../../src-main/api/server.js';
import { Engine } from '../../src-main/engine/engine.js';
import { type Clock, SequentialIds, systemClock } from '../../src-main/engine/ports/clock.js';
import { openTempStore } from '../../src-main/store/temp-store.js';
import { FileAccess } from '../../src-main/strategies/file-access.js';
import { strategyHandlers } from '../../src-main/strategies/strategy-handlers.js';
import { PaperVenue } from '../../src-main/venues/paper/paper-venue.js';
import { RestClient } from '../helpers/api-harness.js';
import { FakeFeed, instrumentSpec } from '../helpers/fake-feed.js';

const SAMPLE = new URL('../../resources/replay/BTC-USDT_1m_sample.csv', import.meta.url).pathname;
const SECRET = 'TOPSECRET-h6-4f1e';
/** a valid strategy whose import leaves a mark: proof that a refused module was never imported */
const marking = (marker: string) => `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'imported');\nexport default { name: 'evil', params: {}, create() { return {}; } };\n`;
const GOOD = `export default { name: 'good', description: 'does nothing', params: { size: { type: 'number', default: 1 } }, create() { return {}; } };\n`;

let data: string;
let outside: string;
let marker: string;
let engine: Engine;
let temp: ReturnType<typeof openTempStore>;
let server: ApiServer;
let api: RestClient;
let url: string;
const keys = { read: '', trade: '', admin: '' };
let hostname = '';

beforeAll(async () => {
  data = realpathSync(mkdtempSync(join(tmpdir(), 'tern-api-files-')));
  outside = realpathSync(mkdtempSync(join(tmpdir(), 'tern-api-outside-')));
  marker = join(outside, 'IMPORTED');
  const files = FileAccess.open({ dataDir: data, seed: [SAMPLE] });
  writeFileSync(join(outside, 'evil.mjs'), marking(marker));
  writeFileSync(join(outside, 'shadow'), `root:$6$${SECRET}$x:19000:0:99999:7:::\nbin:*:19000:0:99999:7:::\n`);
  writeFileSync(join(outside, 'good.mjs'), GOOD);
  writeFileSync(join(data, 'strategies', 'good.mjs'), GOOD);
  writeFileSync(join(data, 'imports', 'secret.csv'), `${SECRET},1,1,1,1,1\n`);
  writeFileSync(join(data, 'imports', 'not-js.mjs'), `${SECRET} is not defined anywhere\n`);
  writeFileSync(join(data, 'strategies', 'not-js.mjs'), `${SECRET}\n`);
  symlinkSync(join(outside, 'evil.mjs'), join(data, 'strategies', 'link.mjs'));
  symlinkSync(outside, join(data, 'strategies', 'out'));
  symlinkSync(join(outside, 'shadow'), join(data, 'imports', 'link.csv'));
  mkdirSync(join(outside, 'sub'));
  try {
    hostname = readFileSync('/etc/hostname', 'utf8').trim();
  } catch {
    hostname = '';
  }

  temp = openTempStore();
  const clock: Clock = systemClock;
  const ids = new SequentialIds('fa');
  const feed = new FakeFeed([instrumentSpec('BTC/USDT', { minNotional: '5' })], { clock });
  feed.pushBook('BTC/USDT', [['44999.99', '100']], [['45000.01', '100']]);
  engine = new Engine({
    store: temp.store,
    clock,
    ids,
    version: 'test',
    paperBalances: { USDT: '100000' },
    venueFor: (a) => new PaperVenue({ account: a.id, marketData: feed, clock, ids, startingBalances: { USDT: '100000' } }),
    features: (host) => strategyHandlers(host.api, { clock: host.clock, log: host.log, files }),
  });
  await engine.start();
  for (const scope of ['read', 'trade', 'admin'] as const) {
    keys[scope] = `tern-test-${scope}-${Math.random().toString(36).slice(2)}`;
    engine.ensureKey(keys[scope], `test-${scope}`, [scope]);
  }
  server = createApiServer({ engine, host: '127.0.0.1', port: 0, version: '1', logger: false });
  const { port } = await server.listen();
  api = new RestClient(server.app, `127.0.0.1:${port}`);
  url = `ws://127.0.0.1:${port}/api/v1/ws`;
});

afterAll(async () => {
  await server?.close();
  await engine?.stop();
  temp?.dispose();
  rmSync(data, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

/** nothing a refusal says may carry what the files hold */
function expectNoContent(body: string): void {
  expect(body).not.toContain(SECRET);
  expect(body).not.toContain('root:');
  if (hostname.length >= 3) expect(body).not.toContain(hostname);
}

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const v = await read();
    if (done(v)) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('timed out');
}

const backtest = (over: Record<string, unknown>) => ({ data: 'BTC-USDT_1m_sample.csv', symbol: 'BTC/USDT', strategy: 'sma-cross', cash: '10000', fee: '0.001', to: 1641000000000, ...over });

describe('strategy modules and candle files through the API', () => {
  const strategyNames = () => [join(outside, 'evil.mjs'), '/etc/hostname', `../../${outside.split('/').pop()}/evil.mjs`, 'link.mjs', 'out/evil.mjs', join(data, 'strategies', '..', '..', outside.split('/').pop()!, 'evil.mjs')];
  const dataNames = () => [join(outside, 'shadow'), '/etc/hostname', '/etc/shadow', '../../etc/shadow', 'link.csv', `sqlite:${join(outside, 'shadow')}?source=a&symbol=BTC/USDT&timeframe=1m`];

  for (const scope of ['read', 'trade', 'admin'] as const) {
    it(`${scope} key: every path out of strategies/ is refused with 403 before the module is imported`, async () => {
      for (const strategy of strategyNames()) {
        for (const [route, body] of [
          ['/api/v1/strategies', { strategy, symbol: 'BTC/USDT', id: 'x' }],
          ['/api/v1/backtests', backtest({ strategy })],
        ] as const) {
          const res = await api.post(route, body, { key: keys[scope] });
          expect(res.status, `${scope} ${route} ${strategy}: ${res.body}`).toBe(403);
          expect(res.json.error.code).toBe('FORBIDDEN');
          if (scope === 'admin') {
            expect(res.json.error.message).toContain(join(data, 'strategies'));
            expect(res.json.error.details).toMatchObject({ field: 'strategy', folders: [join(data, 'strategies')] });
          }
          expectNoContent(res.body);
        }
      }
      expect(existsSync(marker)).toBe(false);
    });

    it(`${scope} key: every candle file out of imports/ is refused with 403 before it is read`, async () => {
      for (const d of dataNames()) {
        const res = await api.post('/api/v1/backtests', backtest({ data: d }), { key: keys[scope] });
        expect(res.status, `${scope} ${d}: ${res.body}`).toBe(403);
        if (scope === 'admin') expect(res.json.error.details).toMatchObject({ field: 'data', folders: [join(data, 'imports')] });
        expectNoContent(res.body);
      }
    });
  }

  it('no job was made by the refusals', async () => {
    const list = await api.get('/api/v1/backtests', { key: keys.admin });
    expect(list.status).toBe(200);
    expect(list.json.filter((j: { data: string }) => j.data !== 'BTC-USDT_1m_sample.csv')).toEqual([]);
  });

  it('a WebSocket call is refused the same way, nothing imported', async () => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${keys.admin}` } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const reply = new Promise<any>((resolve) => ws.on('message', (m) => resolve(JSON.parse(String(m)))));
    ws.send(JSON.stringify({ op: 'call', id: 1, method: 'strategies.start', params: { strategy: join(outside, 'evil.mjs'), symbol: 'BTC/USDT', id: 'ws' } }));
    const msg = await reply;
    ws.close();
    expect(msg).toMatchObject({ id: 1, error: { code: 'FORBIDDEN', details: { field: 'strategy' } } });
    expect(existsSync(marker)).toBe(false);
  });

  it('names relative to the folders work: a strategy module, the sample candles; files.list lists them', async () => {
    const started = await api.post('/api/v1/strategies', { strategy: 'good.mjs', symbol: 'BTC/USDT', id: 'good' }, { key: keys.admin });
    expect(started.status, started.body).toBe(201);
    expect(started.json).toMatchObject({ id: 'good', strategy: 'good', status: 'running' });
    expect((await api.post('/api/v1/strategies/good/stop', {}, { key: keys.trade })).status).toBe(200);
    const job = await api.post('/api/v1/backtests', backtest({ strategy: 'good.mjs' }), { key: keys.admin });
    expect(job.status, job.body).toBe(201);
    const done = await until(() => api.get(`/api/v1/backtests/${job.json.id}`, { key: keys.admin }), (r) => r.json.status !== 'running');
    expect(done.json).toMatchObject({ status: 'done', data: 'BTC-USDT_1m_sample.csv', strategy: 'good.mjs' });
    const listed = await api.get('/api/v1/files', { key: keys.admin });
    expect(listed.json).toEqual({
      strategies: { folders: [join(data, 'strategies')], files: ['good.mjs', 'not-js.mjs'] },
      imports: { folders: [join(data, 'imports')], files: ['BTC-USDT_1m_sample.csv', 'secret.csv'] },
    });
    expect((await api.get('/api/v1/files', { key: keys.read })).status).toBe(403);
  });

  it('errors about a file inside never quote it, and a job is seen only with the scope that starts one (admin)', async () => {
    const job = await api.post('/api/v1/backtests', backtest({ data: 'secret.csv' }), { key: keys.admin });
    expect(job.status, job.body).toBe(201);
    const done = await until(() => api.get(`/api/v1/backtests/${job.json.id}`, { key: keys.admin }), (r) => r.json.status !== 'running');
    expect(done.json.status).toBe('failed');
    expect(done.json.error).toMatch(/line 1 is neither the header "timestamp,open,high,low,close,volume" nor a candle row/);
    expectNoContent(done.body);
    for (const scope of ['read', 'trade'] as const) {
      for (const res of [await api.get(`/api/v1/backtests/${job.json.id}`, { key: keys[scope] }), await api.get('/api/v1/backtests', { key: keys[scope] }), await api.delete(`/api/v1/backtests/${job.json.id}`, { key: keys[scope] })]) {
        expect(res.status, res.body).toBe(403);
        expectNoContent(res.body);
      }
    }
    // a module in the folder that is not JavaScript: the engine's message would quote it
    const bad = await api.post('/api/v1/strategies', { strategy: 'not-js.mjs', symbol: 'BTC/USDT' }, { key: keys.admin });
    expect(bad.status, bad.body).toBe(400);
    expect(bad.json.error.message).toMatch(/could not be loaded \(\w+\): it must be a JavaScript or TypeScript module/);
    expectNoContent(bad.body);
  });

  it('the engine itself, for a trusted local actor (cli), still takes any path', async () => {
    const started = await engine.call('strategies.start', { strategy: join(outside, 'good.mjs'), symbol: 'BTC/USDT', id: 'cli' }, { actor: 'cli' });
    expect(started).toMatchObject({ id: 'cli', strategy: 'good', status: 'running' });
    await engine.call('strategies.stop', { id: 'cli' }, { actor: 'cli' });
    await expect(engine.call('strategies.start', { strategy: join(outside, 'good.mjs'), symbol: 'BTC/USDT', id: 'ui' }, { actor: 'ui' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
