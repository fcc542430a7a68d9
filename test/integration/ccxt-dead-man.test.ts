/**
 * The dead-man switch setting of a live account (issue 12): it is taken at
 * account creation and shown on the account; on an exchange without
 * cancel-all-after in ccxt (Binance spot, the simulator's) the account says
 * it is unavailable and nothing is sent. The heartbeat itself is tested
 * against a ccxt-like exchange in test/venues/ccxt/dead-man.test.ts.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TernError } from '../../src-common/contract/errors.js';
import { startSimTern, type SimTern } from '../venues/ccxt/sim-harness.js';

let h: SimTern;

beforeAll(async () => {
  h = await startSimTern({ account: false });
});

afterAll(async () => {
  await h?.close();
});

it('a live Binance account with the switch asked for says it is unavailable there, with the setting kept', async () => {
  const created = await h.call('accounts.create', { id: 'bn', exchange: 'binance', mode: 'live', api_key: h.apiKey, secret: h.secret, base_url: h.sim.url, dead_man_switch_s: 30 });
  const expected = {
    available: false,
    timeout_s: 30,
    armed: false,
    reason: 'binance offers no cancel-all-after (dead-man switch) through ccxt; resting orders stay on the exchange if Tern stops',
  };
  expect(created.dead_man_switch).toEqual(expected);
  expect((await h.call('accounts.list', {})).find((a) => a.id === 'bn')!.dead_man_switch).toEqual(expected);
  // unavailable is not a fault of the account
  expect((await h.call('accounts.list', {})).find((a) => a.id === 'bn')!.status).toBe('active');
  await h.restart();
  expect((await h.call('accounts.list', {})).find((a) => a.id === 'bn')!.dead_man_switch).toEqual(expected);
});

it('a paper account takes no dead-man switch (400 naming the field); out of range is refused', async () => {
  const paper = await h.call('accounts.create', { id: 'pp', exchange: 'paper', mode: 'paper', dead_man_switch_s: 30 }).catch((e: unknown) => e);
  expect(paper).toBeInstanceOf(TernError);
  expect((paper as TernError).details).toMatchObject({ field: 'dead_man_switch_s' });
  const short = await h.call('accounts.create', { id: 'bn2', exchange: 'binance', mode: 'live', api_key: h.apiKey, secret: h.secret, base_url: h.sim.url, dead_man_switch_s: 5 }).catch((e: unknown) => e);
  expect((short as TernError).details).toMatchObject({ field: 'dead_man_switch_s' });
});

it('on Binance spot the switch cannot be turned on later (400 naming the field and the rule); off is taken', async () => {
  const on = await h.call('accounts.update', { id: 'bn', dead_man_switch_s: 60 }).catch((e: unknown) => e as TernError);
  expect(on).toBeInstanceOf(TernError);
  expect((on as TernError).details).toMatchObject({ field: 'dead_man_switch_s', rule: 'unavailable' });
  expect((on as TernError).message).toMatch(/^binance offers no cancel-all-after/);
  const off = await h.call('accounts.update', { id: 'bn', dead_man_switch_s: null });
  expect(off.dead_man_switch).toMatchObject({ available: false, timeout_s: null, armed: false });
});
