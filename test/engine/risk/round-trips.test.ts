import { describe, expect, it } from 'vitest';
import { dec, str } from '../../../src-main/engine/model/decimal.js';
import { RoundTrips } from '../../../src-main/engine/risk/round-trips.js';

const pos = (quantity: string, realized: string, fees: string) => ({
  account: 'paper',
  symbol: 'BTC/USDT',
  quantity: dec(quantity),
  realizedPnl: dec(realized),
  feesPaid: dec(fees),
});

describe('round trips', () => {
  it('a round trip runs from leaving zero to returning to it; its result is the realized PnL minus every fee paid, the opening one included', () => {
    const rt = new RoundTrips();
    rt.observe(pos('0', '0', '0'));
    expect(rt.observe(pos('1', '0', '2')).closed).toBeUndefined(); // opened, paid 2
    expect(rt.observe(pos('0.5', '3', '3')).closed).toBeUndefined(); // partly closed
    const { closed } = rt.observe(pos('0', '4', '4'));
    expect(str(closed!.result)).toBe('0'); // realized 4, fees 4
  });

  it('a flip closes the round trip (the flipping fill fee counted to it) and opens the next', () => {
    const rt = new RoundTrips();
    rt.observe(pos('0', '10', '1'));
    rt.observe(pos('2', '10', '2'));
    const flip = rt.observe(pos('-1', '6', '3')).closed!;
    expect(str(flip.result)).toBe('-6'); // realized -4, fees 2
    const next = rt.observe(pos('0', '8', '3.5')).closed!;
    expect(str(next.result)).toBe('1.5');
  });

  it('survives a restart: an open round trip keeps where it started', () => {
    const rt = new RoundTrips();
    rt.observe(pos('0', '0', '0'));
    rt.observe(pos('1', '0', '1'));
    const restored = new RoundTrips();
    restored.load(JSON.parse(JSON.stringify(rt.toJSON())));
    restored.observe(pos('1', '0', '1')); // first sight after the restart
    expect(str(restored.observe(pos('0', '-5', '2')).closed!.result)).toBe('-7');
  });

  it('a position first seen open (no recorded start) starts its round trip there', () => {
    const rt = new RoundTrips();
    expect(rt.observe(pos('1', '3', '1'))).toEqual({ changed: true });
    expect(str(rt.observe(pos('0', '5', '1.5')).closed!.result)).toBe('1.5');
  });
});
