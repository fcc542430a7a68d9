/**
 * kill -9 with protective orders Tern holds itself (issue 12, "Must be
 * tested"): a real engine process (test/fixtures/protected-paper-tern.ts) on
 * a paper account whose venue holds no stops, lists or trailing stops works
 * a bracket (an entry with attached exits), an OCO group and a trailing stop,
 * and is SIGKILLed. The engine restarted on the same tern.db has every leg
 * back, still linked, the trailing stop at the stop it had, nothing doubled;
 * the stops the market passed while Tern was down fire on the first price and
 * say so; the groups still work as groups afterwards.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, expect, it } from 'vitest';
import type { OcoGroup, Order } from '../../src-common/contract/schemas.js';
import { ctx, pushBookAround, settled, startHarness, SYMBOL, type Harness } from '../helpers/engine-harness.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'protected-paper-tern.ts');
const HELD_BY_TERN = { stopOrders: false, oco: false, trailingStop: false };
type Mode = 'tern' | 'venue';
const dirs: string[] = [];
let h: Harness | undefined;
let child: ChildProcess | undefined;
afterEach(async () => {
  child?.kill('SIGKILL');
  await h?.dispose();
  h = undefined;
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** the engine process: send a command, get its answer (one at a time) */
async function startChild(file: string, runTag: string, mode: Mode): Promise<(msg: object) => Promise<unknown>> {
  const proc = spawn(process.execPath, ['--import', 'tsx', FIXTURE, file, runTag, mode], { stdio: ['pipe', 'pipe', 'pipe'] });
  child = proc;
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const waiting: Array<{ resolve: (line: string) => void; reject: (err: Error) => void }> = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => waiting.shift()?.resolve(line));
  proc.once('exit', (code, signal) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`the engine process exited (${code ?? signal}):\n${stderr.slice(-3000)}`));
  });
  const next = () => new Promise<string>((resolve, reject) => waiting.push({ resolve, reject }));
  await next(); // ready
  return async (msg) => {
    const reply = next();
    proc.stdin!.write(`${JSON.stringify(msg)}\n`);
    const answer = JSON.parse(await reply) as { ok?: unknown; error?: string };
    if (answer.error !== undefined) throw new Error(`${JSON.stringify(msg)}: ${answer.error}`);
    return answer.ok;
  };
}

async function kill9(): Promise<void> {
  const proc = child!;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGKILL');
  await exited;
  child = undefined;
}

it.each(['tern', 'venue'] as const)('brackets, an OCO and a trailing stop held by the %s survive kill -9: every leg back and linked, the stop where it was, nothing doubled; stops passed while down fire at once (and Tern says so)', async (mode) => {
  const dir = mkdtempSync(join(tmpdir(), 'tern-protective-crash-'));
  dirs.push(dir);
  const file = join(dir, 'tern.db');
  const send = await startChild(file, 'k1', mode);
  const call = <T>(method: string, params: object) => send({ call: method, params }) as Promise<T>;
  await send({ market: 100 });
  // a bracket: 1 BTC bought with its exits attached
  const entry = await call<Order>('orders.create', { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '1', take_profit: { price: '120' }, stop_loss: { stop_price: '90' }, client_order_id: 'br' });
  await send({ market: 100 });
  // an OCO on a second BTC, a trailing stop on a third
  await call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '2', client_order_id: 'more' });
  const oco = await call<OcoGroup>('orders.oco', { symbol: SYMBOL, side: 'sell', quantity: '1', take_profit: { price: '115' }, stop_loss: { stop_price: '92' }, reduce_only: true, client_order_id: 'oc' });
  const trail = await call<Order>('orders.create', { symbol: SYMBOL, side: 'sell', type: 'trailing_stop', quantity: '1', trailing_offset: '5', trailing_unit: 'percent', reduce_only: true, client_order_id: 'tr' });
  // the trailing stop follows the market up to 110: its stop is 104.5
  await send({ market: 105 });
  await send({ market: 110 });
  await send({ journaled: true });
  const before = await call<Order[]>('orders.list', { status: 'all' });
  const held = before.filter((o) => o.status === 'open');
  expect(held.map((o) => [o.client_order_id, o.held_by]).sort()).toEqual([
    ['br-x0-sl', mode],
    ['br-x0-tp', mode],
    ['oc-sl', mode],
    ['oc-tp', mode],
    ['tr', mode],
  ]);
  expect(held.find((o) => o.id === trail.id)!.stop_price).toBe('104.5');

  await kill9();

  // restarted on the same tern.db; the first price, 91, passed the trailing stop (104.5) and the OCO's stop (92) while Tern was down
  h = await startHarness({ file, runTag: 'k2', ...(mode === 'tern' ? { capabilities: HELD_BY_TERN } : {}) });
  const get = (id: string) => h!.engine.call('orders.get', { id }, ctx) as Promise<Order>;
  const back = await Promise.all(held.map((o) => get(o.id)));
  expect(back.map((o) => [o.client_order_id, o.status, o.held_by, o.oco_id, o.parent_id, o.quantity, o.stop_price])).toEqual(
    held.map((o) => [o.client_order_id, 'open', mode, o.oco_id, o.parent_id, o.quantity, o.stop_price]),
  );
  const bracket = ['br-x0-tp', 'br-x0-sl'].map((cid) => back.find((o) => o.client_order_id === cid)!);
  expect(bracket.map((o) => o.parent_id)).toEqual([entry.id, entry.id]);
  expect(new Set(bracket.map((o) => o.oco_id)).size).toBe(1);
  expect(back.filter((o) => o.oco_id === oco.oco_id).map((o) => o.client_order_id).sort()).toEqual(['oc-sl', 'oc-tp']);
  expect((await get(entry.id)).exits).toEqual((before.find((o) => o.id === entry.id)!).exits);
  expect(h.engine.oms.activeOrders()).toHaveLength(5);
  // Tern holds the stops (bracket, OCO, trailing; the take profits rest on the paper venue), or the paper venue holds all
  expect(h.engine.oms.heldTriggers).toBe(mode === 'tern' ? 3 : 0);
  expect((await h.engine.call('orders.list', { status: 'all' }, ctx)).length).toBe(before.length);

  const position = () => h!.engine.portfolio.positionQuantity('paper', SYMBOL).toFixed();
  const settle = () => settled(h!);
  const marketAt = async (price: number) => {
    pushBookAround(h!.feed, price);
    h!.feed.pushTrade(SYMBOL, price.toFixed(2), '1');
    await settle();
  };
  expect(position()).toBe('3');
  await marketAt(91);
  const [trailed, ocoSl, ocoTp] = await Promise.all([get(trail.id), get(oco.orders[1]!.id), get(oco.orders[0]!.id)]);
  expect([trailed.status, ocoSl.status, ocoTp.status]).toEqual(['filled', 'filled', 'canceled']);
  if (mode === 'tern') {
    expect(trailed.reject_reason).toMatch(/triggered at restart: the market \(91\) passed the stop 104\.5 while Tern was not running/);
    expect(ocoSl.reject_reason).toMatch(/triggered at restart: the market \(91\) passed the stop 92 while Tern was not running/);
  }
  expect(ocoTp.reject_reason).toMatch(/^oco:/);
  expect(position()).toBe('1');
  // the bracket's stop (90) was not passed: it waits, still linked to its take profit
  expect(bracket.map((o) => o.id).map((id) => h!.engine.oms.find(id)!.state)).toEqual(['accepted', 'accepted']);
  await marketAt(121);
  const [brTp, brSl] = await Promise.all(bracket.map((o) => get(o.id)));
  expect([brTp!.status, brSl!.status]).toEqual(['filled', 'canceled']);
  expect(position()).toBe('0');
  expect(h.engine.oms.activeOrders()).toEqual([]);
  // nothing doubled: one sell per construct, 3 BTC sold in all
  const all = await h.engine.call('orders.list', { status: 'all' }, ctx);
  const sells = all.filter((o) => o.side === 'sell' && Number(o.filled_quantity) > 0);
  expect(sells.map((o) => o.client_order_id).sort()).toEqual(['br-x0-tp', 'oc-sl', 'tr']);
  expect(sells.reduce((a, o) => a + Number(o.filled_quantity), 0)).toBe(3);
}, 60_000);
