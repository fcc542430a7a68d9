/**
 * The process survives its exchange: a Tern process (test/fixtures/live-tern.ts,
 * wired as `npm run serve` is) against the loopback simulator, through its
 * local API. Each fault below used to end the process with exit code 1 (an
 * unhandled rejection from ccxt.pro); now the process answers throughout,
 * the account's status says what is wrong, and no rejection went unhandled
 * (the guard's counter on /metrics stays 0: the causes are fixed, the guard
 * is only the last line).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Account } from '../../src-common/contract/schemas.js';
import { startExchangeSim, type ExchangeSim } from '../../tools/exchange-sim/index.js';
import { until } from '../venues/ccxt/sim-harness.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'live-tern.ts');
const KEY = `test-${randomBytes(16).toString('hex')}`;

let sim: ExchangeSim;
let child: ChildProcess;
let url = '';
let dataDir = '';
const stderr: string[] = [];

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown; text: string }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // /metrics is text
  }
  return { status: res.status, body: parsed, text };
}

const account = async (id: string) => ((await api('GET', '/api/v1/accounts')).body as Account[]).find((a) => a.id === id);

/** the process is running and answering */
async function expectAlive(): Promise<void> {
  expect(child.exitCode, `exit code; stderr:\n${stderr.join('').slice(-3000)}`).toBeNull();
  expect(child.signalCode).toBeNull();
  expect((await api('GET', '/health')).status).toBe(200);
}

beforeAll(async () => {
  sim = await startExchangeSim({ historyMinutes: 60 });
  sim.control.setPrice('ETH/USDT', '3000');
  // the exchange refuses every websocket from the start
  sim.control.refuseWebSockets(Infinity);
  dataDir = mkdtempSync(join(tmpdir(), 'tern-survive-'));
  child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dataDir], { env: { ...process.env, TERN_API_KEY: KEY }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /\{"url":"([^"]+)"\}/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the Tern process exited (${code}) before listening:\n${stderr.join('')}`)));
  });
}, 30_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
  await sim?.close().catch(() => {});
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

it('keeps running through refused websockets, a refused key, dropped streams, a clock 20 s ahead and a dead exchange', async () => {
  const { apiKey, secret } = sim.control.createApiKey({ USDT: '100000', ETH: '10' });

  // websockets refused from the start: the account opens and trades over REST
  const added = await api('POST', '/api/v1/accounts', { id: 'bn', exchange: 'binance', mode: 'live', api_key: apiKey, secret, base_url: sim.url });
  expect(added.status).toBe(201);
  await until(async () => /polling the exchange over REST/.test((await account('bn'))?.reason ?? ''), 'bn polling over REST');
  await expectAlive();

  // a key the exchange refuses
  const bad = await api('POST', '/api/v1/accounts', { id: 'bad', exchange: 'binance', mode: 'live', api_key: 'nope', secret: 'nope', base_url: sim.url });
  expect(bad).toMatchObject({ status: 201, body: { id: 'bad', status: 'error', reason: expect.stringMatching(/^the exchange refused the API key: /) } });
  sim.control.refuseWebSockets(0); // now the refused key reaches the private stream too
  await until(() => sim.control.wsConnections('ws-api') > 0, 'private streams connected');
  await new Promise((r) => setTimeout(r, 500));
  await expectAlive();
  expect((await api('DELETE', '/api/v1/accounts/bad')).status).toBe(200);

  // streams dropped and one reconnect refused
  sim.control.refuseWebSockets(2);
  expect(sim.control.dropWebSockets('all')).toBeGreaterThan(0);
  await until(() => sim.control.wsSubscriptions().some((s) => s.startsWith('userData:')), 'resubscribed', 10_000);
  await expectAlive();

  // the local clock 20 s ahead of the exchange
  sim.control.setClockOffset(-20_000);
  sim.control.dropWebSockets('user');
  await until(async () => /^clock ahead of the exchange by 20 s/.test((await account('bn'))?.reason ?? ''), 'clock ahead', 5000);
  await expectAlive();
  sim.control.setClockOffset(0);
  await until(async () => (await account('bn'))?.status !== 'error', 'the clock accepted again', 5000);

  // the exchange goes away altogether
  await sim.close();
  await until(async () => /connection to the exchange failed|ECONNREFUSED/.test((await account('bn'))?.reason ?? ''), 'the account says the exchange is unreachable', 5000);
  await new Promise((r) => setTimeout(r, 3000)); // it used to exit within ~3 s
  await expectAlive();
  expect((await account('bn'))?.status).toMatch(/degraded|disconnected/);

  // nothing was left unhandled: the causes are fixed, not just caught
  const metrics = await api('GET', '/metrics');
  expect(metrics.text).toMatch(/^tern_unhandled_errors_total\{kind="rejection"\} 0$/m);
  expect(metrics.text).toMatch(/^tern_unhandled_errors_total\{kind="exception"\} 0$/m);
}, 40_000);
