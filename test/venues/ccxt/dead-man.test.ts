import ccxt, { type Exchange } from 'ccxt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeadManSwitch, deadManAvailable } from '../../../src-main/venues/ccxt/dead-man.js';

/** A ccxt-like exchange with cancelAllOrdersAfter: records each call, fails when told. */
function fakeExchange(has = true) {
  const calls: Array<{ timeout: number; params: unknown }> = [];
  let failNext = 0;
  const ex = {
    has: { cancelAllOrdersAfter: has },
    async cancelAllOrdersAfter(timeout: number, params?: unknown) {
      calls.push({ timeout, params });
      if (failNext > 0) {
        failNext -= 1;
        throw new Error('RequestTimeout: bybit POST https://api.bybit.com/v5/order/disconnected-cancel-all?signature=abc123');
      }
      return {};
    },
  };
  return { ex: ex as unknown as Exchange, calls, fail: (n: number) => (failNext = n) };
}

afterEach(() => vi.useRealTimers());

describe('the dead-man switch heartbeat', () => {
  it('arms the exchange timer at start and re-arms it every beat; a stop disarms it (0)', async () => {
    vi.useFakeTimers();
    const { ex, calls } = fakeExchange();
    const sw = new DeadManSwitch({ exchange: ex, exchangeId: 'bybit', account: 'by', timeoutS: 30, now: () => 1000 });
    await sw.start();
    expect(calls).toEqual([{ timeout: 30_000, params: { product: 'SPOT' } }]);
    expect(sw.state()).toEqual({ available: true, timeoutS: 30, armed: true, reason: null, lastBeatAt: 1000 });
    // a third of the timeout between beats: two may fail before the exchange cancels
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(calls.map((c) => c.timeout)).toEqual([30_000, 30_000, 30_000, 30_000]);
    await sw.stop();
    expect(calls.at(-1)!.timeout).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(5);
    expect(sw.state().armed).toBe(false);
  });

  it('a failed heartbeat is said (redacted) and the next one re-arms', async () => {
    vi.useFakeTimers();
    const { ex, calls, fail } = fakeExchange();
    const sw = new DeadManSwitch({ exchange: ex, exchangeId: 'okx', account: 'ok', timeoutS: 60, beatMs: 5000 });
    await sw.start();
    fail(1);
    await vi.advanceTimersByTimeAsync(5000);
    const failed = sw.state();
    expect(failed.reason).toMatch(/^the last heartbeat failed \(RequestTimeout/);
    expect(failed.reason).toContain('signature=…');
    expect(failed.reason).not.toContain('abc123');
    await vi.advanceTimersByTimeAsync(5000);
    expect(sw.state()).toMatchObject({ armed: true, reason: null });
    expect(calls.map((c) => c.params)).toEqual([{}, {}, {}]);
    await sw.stop();
  });

  it('off (null) sends nothing', async () => {
    const { ex, calls } = fakeExchange();
    const sw = new DeadManSwitch({ exchange: ex, exchangeId: 'okx', account: 'ok', timeoutS: null });
    await sw.start();
    await sw.stop();
    expect(calls).toEqual([]);
    expect(sw.state()).toMatchObject({ available: true, timeoutS: null, armed: false });
  });

  it('binance spot has no cancel-all-after in ccxt: the switch is unavailable, says so, and sends nothing', async () => {
    const binance = new ccxt.binance();
    expect(deadManAvailable(binance)).toBe(false);
    const sw = new DeadManSwitch({ exchange: binance, exchangeId: 'binance', account: 'bn', timeoutS: 30 });
    const spy = vi.fn();
    (binance as unknown as { cancelAllOrdersAfter: unknown }).cancelAllOrdersAfter = spy;
    await sw.start();
    await sw.stop();
    expect(spy).not.toHaveBeenCalled();
    expect(sw.state()).toEqual({
      available: false, timeoutS: 30, armed: false, lastBeatAt: null,
      reason: 'binance offers no cancel-all-after (dead-man switch) through ccxt; resting orders stay on the exchange if Tern stops',
    });
  });

  it('the exchanges ccxt gives a dead-man switch include bybit and okx', () => {
    expect(deadManAvailable(new ccxt.bybit())).toBe(true);
    expect(deadManAvailable(new ccxt.okx())).toBe(true);
  });

  describe('changed while it runs (accounts.update), without a restart', () => {
    it('off → on arms the exchange at once and starts the heartbeat at the pace of the new timeout', async () => {
      vi.useFakeTimers();
      const { ex, calls } = fakeExchange();
      const sw = new DeadManSwitch({ exchange: ex, exchangeId: 'okx', account: 'ok', timeoutS: null, now: () => 5 });
      await sw.start();
      expect(calls).toEqual([]);
      await sw.set(30);
      expect(calls.map((c) => c.timeout)).toEqual([30_000]);
      expect(sw.state()).toEqual({ available: true, timeoutS: 30, armed: true, reason: null, lastBeatAt: 5 });
      await vi.advanceTimersByTimeAsync(10_000);
      expect(calls.map((c) => c.timeout)).toEqual([30_000, 30_000]);
      await sw.stop();
    });

    it('a new timeout re-arms with it at once and the heartbeat follows the new pace (one timer, not two)', async () => {
      vi.useFakeTimers();
      const { ex, calls } = fakeExchange();
      const sw = new DeadManSwitch({ exchange: ex, exchangeId: 'okx', account: 'ok', timeoutS: 30 });
      await sw.start();
      await vi.advanceTimersByTimeAsync(5_000);
      await sw.set(90);
      expect(calls.map((c) => c.timeout)).toEqual([30_000, 90_000]);
      // the old 10 s pace is gone: the next beat comes 30 s (a third of 90) after the change
      await vi.advanceTimersByTimeAsync(29_000);
      expect(calls).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(calls.map((c) => c.timeout)).toEqual([30_000, 90_000, 90_000]);
      expect(sw.state().timeoutS).toBe(90);
      await sw.stop();
    });

    it('on → off disarms the exchange timer (0) at once and stops the heartbeat', async () => {
      vi.useFakeTimers();
      const { ex, calls } = fakeExchange();
      const sw = new DeadManSwitch({ exchange: ex, exchangeId: 'okx', account: 'ok', timeoutS: 30 });
      await sw.start();
      await sw.set(null);
      expect(calls.map((c) => c.timeout)).toEqual([30_000, 0]);
      expect(sw.state()).toMatchObject({ timeoutS: null, armed: false, reason: null });
      await vi.advanceTimersByTimeAsync(120_000);
      expect(calls).toHaveLength(2);
      await sw.stop();
      expect(calls).toHaveLength(2);
    });

    it('turning off that the exchange refuses throws and keeps the old timeout beating (the exchange would still cancel)', async () => {
      vi.useFakeTimers();
      const { ex, calls, fail } = fakeExchange();
      const sw = new DeadManSwitch({ exchange: ex, exchangeId: 'okx', account: 'ok', timeoutS: 30 });
      await sw.start();
      fail(1);
      await expect(sw.set(null)).rejects.toThrow(/did not take the dead-man switch off \(RequestTimeout.*signature=…\); it stays at 30 s/);
      expect(sw.state()).toMatchObject({ timeoutS: 30, armed: true });
      await vi.advanceTimersByTimeAsync(10_000);
      expect(calls.map((c) => c.timeout)).toEqual([30_000, 0, 30_000]);
      await sw.stop();
    });

    it('where the exchange has none (binance) the new value is kept and nothing is sent', async () => {
      const binance = new ccxt.binance();
      const spy = vi.fn();
      (binance as unknown as { cancelAllOrdersAfter: unknown }).cancelAllOrdersAfter = spy;
      const sw = new DeadManSwitch({ exchange: binance, exchangeId: 'binance', account: 'bn', timeoutS: null });
      await sw.start();
      await sw.set(45);
      expect(spy).not.toHaveBeenCalled();
      expect(sw.state()).toMatchObject({ available: false, timeoutS: 45, armed: false });
      await sw.stop();
    });
  });
});
