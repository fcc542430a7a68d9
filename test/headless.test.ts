/**
 * `npm run serve` as a real child process: what only a whole process shows
 * (its exit code, its answers to clients while it stops).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExchangeSim, type ExchangeSim } from '../tools/exchange-sim/index.js';
import { freePort } from './e2e/helpers/serve.js';
import { keyringSession, type KeyringSession } from './secrets/keyring-session.js';

const ROOT = join(import.meta.dirname, '..');
const HEADLESS = join(ROOT, 'src-main', 'headless.ts');
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

interface Serve {
  child: ChildProcess;
  url: string;
  key: string;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function dataFolder(): string {
  const d = mkdtempSync(join(tmpdir(), 'tern-serve-'));
  dirs.push(d);
  return d;
}

/** serve on `dataDir`; resolves once it listens, or once it exits (for the refusal case) */
async function serve(dataDir: string, opts: { waitForListening?: boolean } = {}): Promise<Serve> {
  const port = await freePort();
  const key = `tern_test_${randomBytes(12).toString('hex')}`;
  // tsx as a loader, not its CLI: the signal reaches the server itself
  const child = spawn(process.execPath, ['--import', 'tsx', HEADLESS, '--data-dir', dataDir, '--port', String(port)], {
    cwd: ROOT,
    env: { ...process.env, TERN_API_KEY: key, TERN_WEB_ROOT: join(dataDir, 'no-web-ui'), TERN_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  if (opts.waitForListening !== false) {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 60_000);
      child.stdout!.on('data', () => {
        if (out.includes('serving on')) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then(({ code }) => reject(new Error(`serve exited with ${code}:\n${out}`)));
    });
  }
  return { child, url: `http://127.0.0.1:${port}`, key, output: () => out, exited };
}

/**
 * One request on its own connection; resolves with the status and body, or
 * with `dropped` when the connection ended without an answer.
 */
function call(url: string, method: string, path: string, key: string, body?: unknown): Promise<{ status: number; json: any } | { dropped: string }> {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(`${url}${path}`, { method, agent: false, headers: { authorization: `Bearer ${key}`, ...(payload ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, json: text ? JSON.parse(text) : null }));
      res.on('error', (err) => resolve({ dropped: err.message }));
    });
    req.on('error', (err) => resolve({ dropped: err.message }));
    req.end(payload);
  });
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('serve as a process', () => {
  let sim: ExchangeSim;
  let keyring: KeyringSession;
  beforeAll(async () => {
    keyring = await keyringSession();
    sim = await startExchangeSim({ port: 0, historyMinutes: 60 });
  });
  afterAll(async () => {
    await sim?.close();
    await keyring?.close();
  });

  it('one per data folder; on SIGTERM it answers every request in flight, then exits 0 (a second SIGTERM during the drain included)', async () => {
    const dir = dataFolder();
    const s = await serve(dir);
    // a second serve on the same folder: refused with the holder's pid, exit 1, no usage text
    const second = serve(dir, { waitForListening: false }).then(async (t) => ({ code: (await t.exited).code, output: t.output() }));
    const { apiKey, secret } = sim.control.createApiKey({ USDT: '100000', BTC: '1' });
    const created = await call(s.url, 'POST', '/api/v1/accounts', s.key, { id: 'bn', exchange: 'binance', mode: 'live', api_key: apiKey, secret, base_url: sim.url });
    expect(created).toMatchObject({ status: 201 });
    await until(async () => {
      const r = await call(s.url, 'GET', '/api/v1/accounts', s.key);
      return 'status' in r && r.json.some((a: { id: string; status: string }) => a.id === 'bn' && a.status === 'active');
    }, 'the live account to be active');

    expect(await second).toEqual({ code: 1, output: `Tern is already running on ${dir} (pid ${s.child.pid})\n` });
    expect(await call(s.url, 'GET', '/health', s.key)).toMatchObject({ status: 200, json: { status: 'ok' } });

    // the exchange now takes its time over every new order
    sim.control.addFault({ kind: 'latency', ms: 1_500, endpoint: 'POST /api/v3/order' });
    const before = sim.control.requests('POST /api/v3/order').length;
    const price = (Number(sim.control.price('BTCUSDT')) * 0.8).toFixed(2);
    const N = 20;
    const answers = Array.from({ length: N }, (_, i) =>
      call(s.url, 'POST', '/api/v1/orders', s.key, { account: 'bn', symbol: 'BTC/USDT', side: 'buy', type: 'limit', price, quantity: '0.001', client_order_id: `drain-${i}` }),
    );
    await until(() => sim.control.requests('POST /api/v3/order').length - before >= 15, '15 orders in flight at the exchange');

    s.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    s.child.kill('SIGTERM');
    const results = await Promise.all(answers);
    const { code } = await s.exited;

    expect(results.filter((r) => 'dropped' in r), 'requests without an answer').toEqual([]);
    const answered = results as Array<{ status: number; json: any }>;
    for (const r of answered) {
      if (r.status === 201) expect(r.json.status).toMatch(/^(open|pending)$/);
      // a call the exchange did not answer within the drain (5 s): the drain's clear refusal
      else expect(r).toMatchObject({ status: 503, json: { error: { code: 'VENUE_UNAVAILABLE', details: { reason: 'stopping' } } } });
    }
    // the exchange answers within the drain: its answers reach the clients
    expect(answered.filter((r) => r.status === 201).length).toBeGreaterThan(0);
    expect(code, s.output()).toBe(0);
  }, 180_000);
});
