/**
 * kill -9 with OCO lists held by the exchange (issue 12): a real Tern process
 * (test/fixtures/live-tern.ts) places two OCOs on the loopback Binance
 * simulator and is SIGKILLed; one list's take-profit fills while Tern is
 * down. Restarted on the same data folder, Tern reconciles: the filled list
 * shows its take-profit filled and its stop canceled, the open list's legs
 * are still open, still one group, nothing was placed twice, and the link
 * still works (its take-profit fills → its stop is canceled).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Order, OcoGroup } from '../../src-common/contract/schemas.js';
import { startExchangeSim, type ExchangeSim } from '../../tools/exchange-sim/index.js';
import { until } from '../venues/ccxt/sim-harness.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'live-tern.ts');
const KEY = `test-${randomBytes(16).toString('hex')}`;

let sim: ExchangeSim;
let child: ChildProcess | null = null;
let url = '';
let dataDir = '';
let keys: { apiKey: string; secret: string };
const stderr: string[] = [];

async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}

const order = async (id: string) => (await api<Order>('GET', `/api/v1/orders/${id}`)).body;

async function startTern(): Promise<void> {
  const proc = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dataDir], {
    env: { ...process.env, TERN_API_KEY: KEY, TERN_TEST_SECRETS: JSON.stringify({ bn: keys }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  proc.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /\{"url":"([^"]+)"\}/.exec(out);
      if (m) resolve(m[1]!);
    });
    proc.once('exit', (code) => reject(new Error(`the Tern process exited (${code}) before listening:\n${stderr.join('').slice(-3000)}`)));
  });
}

async function kill9(): Promise<void> {
  const proc = child!;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGKILL');
  await exited;
  child = null;
}

beforeAll(async () => {
  sim = await startExchangeSim({ historyMinutes: 60 });
  sim.control.setPrice('BTC/USDT', '60000');
  keys = sim.control.createApiKey({ USDT: '100000', BTC: '0' });
  dataDir = mkdtempSync(join(tmpdir(), 'tern-oco-crash-'));
  await startTern();
}, 30_000);

afterAll(async () => {
  if (child) await kill9();
  await sim?.close().catch(() => {});
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

it('a native OCO survives kill -9: reconciled after the restart, still linked, nothing doubled', async () => {
  const added = await api('POST', '/api/v1/accounts', { id: 'bn', exchange: 'binance', mode: 'live', api_key: keys.apiKey, secret: keys.secret, base_url: sim.url });
  expect(added.status).toBe(201);
  const buy = await api<Order>('POST', '/api/v1/orders', { account: 'bn', symbol: 'BTC/USDT', side: 'buy', type: 'market', quantity: '0.4', client_order_id: 'k-entry' });
  expect(buy.body.status).toBe('filled');
  const place = (cid: string, tp: string, sl: string) =>
    api<OcoGroup>('POST', '/api/v1/orders/oco', { account: 'bn', symbol: 'BTC/USDT', side: 'sell', quantity: '0.1', take_profit: { price: tp }, stop_loss: { stop_price: sl }, client_order_id: cid });
  const a = await place('ka', '61000', '58000');
  const b = await place('kb', '63000', '57000');
  expect([a.status, b.status]).toEqual([201, 201]);
  expect(b.body.orders.every((o) => o.held_by === 'venue' && o.status === 'open')).toBe(true);

  await kill9();
  // while Tern is down: list a's take-profit fills, the exchange expires its stop
  sim.control.setPrice('BTC/USDT', '61500');
  expect(sim.control.order({ clientOrderId: 'ka-tp' })!.status).toBe('FILLED');
  expect(sim.control.order({ clientOrderId: 'ka-sl' })!.status).toBe('EXPIRED');

  await startTern();
  await until(async () => (await order('ka-tp')).status === 'filled' && (await order('ka-sl')).status === 'canceled', 'list a reconciled', 15_000).catch(async (e: unknown) => {
    throw new Error(`${String(e)}: ${JSON.stringify([await order('ka-tp'), await order('ka-sl')])}\n${stderr.join('').slice(-4000)}`);
  });
  const [bTp, bSl] = await Promise.all([order('kb-tp'), order('kb-sl')]);
  expect([bTp.status, bSl.status]).toEqual(['open', 'open']);
  expect([bTp.oco_id, bSl.oco_id]).toEqual([b.body.oco_id, b.body.oco_id]);
  expect([bTp.held_by, bSl.held_by]).toEqual(['venue', 'venue']);
  expect(sim.control.requestCount('POST /api/v3/orderList/oco')).toBe(2);
  expect(sim.control.orders({ apiKey: keys.apiKey, open: true }).map((o) => o.clientOrderId).sort()).toEqual(['kb-sl', 'kb-tp']);

  // still linked: list b's take-profit fills after the restart, its stop is canceled in Tern
  sim.control.setPrice('BTC/USDT', '63500');
  await until(async () => (await order('kb-tp')).status === 'filled' && (await order('kb-sl')).status === 'canceled', 'list b done after the restart', 10_000);
  expect((await order('kb-sl')).reject_reason).toMatch(/^oco:/);
  const fills = (await api<Array<{ client_order_id: string; quantity: string }>>('GET', '/api/v1/fills?account=bn')).body;
  expect(fills.map((f) => f.client_order_id).sort()).toEqual(['k-entry', 'ka-tp', 'kb-tp']);
  const pos = (await api<Array<{ symbol: string; quantity: string }>>('GET', '/api/v1/positions?account=bn')).body.find((p) => p.symbol === 'BTC/USDT');
  expect(Number(pos?.quantity)).toBeCloseTo(0.2, 10);
}, 60_000);
