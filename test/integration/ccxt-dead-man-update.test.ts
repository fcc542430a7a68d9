/**
 * The dead-man switch of an existing live account changed without a restart
 * (issue 12: accounts.update, PATCH /api/v1/accounts/{id}): the real
 * ccxt.binance class against the loopback simulator, told here that it has
 * cancel-all-after (Binance spot has none in ccxt; the calls are recorded
 * instead of sent), so the engine → venue → heartbeat path is the real one.
 */
import ccxt from 'ccxt';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TernError } from '../../src-common/contract/errors.js';
import { startSimTern, type SimTern } from '../venues/ccxt/sim-harness.js';

type Proto = { describe(): { has: Record<string, unknown> }; cancelAllOrdersAfter?: (timeout: number) => Promise<unknown> };
const proto = (ccxt.pro as unknown as Record<string, { prototype: Proto }>)['binance']!.prototype;
const original = { describe: proto.describe, cancelAllOrdersAfter: proto.cancelAllOrdersAfter };
/** every cancel-all-after the account sent, in ms (0: disarm) */
const sent: number[] = [];

let h: SimTern;

beforeAll(async () => {
  proto.describe = function (this: Proto) {
    const d = original.describe.call(this);
    return { ...d, has: { ...d.has, cancelAllOrdersAfter: true } };
  };
  proto.cancelAllOrdersAfter = async (timeout: number) => {
    sent.push(timeout);
    return {};
  };
  h = await startSimTern({ account: false });
  await h.call('accounts.create', { id: 'bn', exchange: 'binance', mode: 'live', api_key: h.apiKey, secret: h.secret, base_url: h.sim.url });
});

afterAll(async () => {
  await h?.close();
  proto.describe = original.describe;
  proto.cancelAllOrdersAfter = original.cancelAllOrdersAfter;
});

const shown = async () => (await h.call('accounts.list', {})).find((a) => a.id === 'bn')!.dead_man_switch;

it('an account added without the switch: off, nothing sent', async () => {
  expect(await shown()).toEqual({ available: true, timeout_s: null, armed: false, reason: null });
  expect(sent).toEqual([]);
});

it('turned on: armed at once, the answer and the account list say so', async () => {
  const updated = await h.call('accounts.update', { id: 'bn', dead_man_switch_s: 30 });
  expect(updated.dead_man_switch).toEqual({ available: true, timeout_s: 30, armed: true, reason: null });
  expect(sent).toEqual([30_000]);
  expect(await shown()).toEqual(updated.dead_man_switch);
});

it('a new timeout re-arms the exchange with it at once, and it is kept across a restart', async () => {
  const updated = await h.call('accounts.update', { id: 'bn', dead_man_switch_s: 120 });
  expect(updated.dead_man_switch).toMatchObject({ timeout_s: 120, armed: true });
  expect(sent.at(-1)).toBe(120_000);
  await h.restart();
  // a deliberate stop disarmed it; the account opened again with the new setting
  expect(sent.slice(-2)).toEqual([0, 120_000]);
  expect(await shown()).toMatchObject({ timeout_s: 120, armed: true });
});

it('turned off: disarmed at once (0), no heartbeat after, off after a restart', async () => {
  const updated = await h.call('accounts.update', { id: 'bn', dead_man_switch_s: null });
  expect(updated.dead_man_switch).toEqual({ available: true, timeout_s: null, armed: false, reason: null });
  expect(sent.at(-1)).toBe(0);
  const count = sent.length;
  await h.restart();
  expect(sent).toHaveLength(count);
  expect(await shown()).toMatchObject({ timeout_s: null, armed: false });
});

it('refusals name the field: an unknown account, a paper account, out of range', async () => {
  const unknown = await h.call('accounts.update', { id: 'nope', dead_man_switch_s: 30 }).catch((e: unknown) => e as TernError);
  expect((unknown as TernError).code).toBe('NOT_FOUND');
  await h.call('accounts.create', { id: 'pp', exchange: 'paper', mode: 'paper' });
  const paper = await h.call('accounts.update', { id: 'pp', dead_man_switch_s: 30 }).catch((e: unknown) => e as TernError);
  expect((paper as TernError).details).toMatchObject({ field: 'dead_man_switch_s', rule: 'live_only' });
  const long = await h.call('accounts.update', { id: 'bn', dead_man_switch_s: 601 }).catch((e: unknown) => e as TernError);
  expect((long as TernError).details).toMatchObject({ field: 'dead_man_switch_s' });
});
