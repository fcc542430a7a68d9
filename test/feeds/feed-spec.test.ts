import { describe, expect, it } from 'vitest';
import { parseFeedSpec } from '../../src-main/feeds/feed-spec.js';

describe('parseFeedSpec', () => {
  it('reads replay:FILE.csv@SPEED', () => {
    expect(parseFeedSpec('replay:data/btc.csv@25')).toEqual({ kind: 'replay', file: 'data/btc.csv', speed: 25 });
  });

  it('defaults the speed to 10 bars per second', () => {
    expect(parseFeedSpec('replay:/tmp/btc.csv')).toEqual({ kind: 'replay', file: '/tmp/btc.csv', speed: 10 });
  });

  it('takes speed 0 (manual stepping) and fractional speeds', () => {
    expect(parseFeedSpec('replay:a.csv@0').speed).toBe(0);
    expect(parseFeedSpec('replay:a.csv@0.5').speed).toBe(0.5);
  });

  it('keeps an @ that belongs to the path', () => {
    expect(parseFeedSpec('replay:/home/me@work/btc.csv')).toEqual({ kind: 'replay', file: '/home/me@work/btc.csv', speed: 10 });
    expect(parseFeedSpec('replay:/data/x@y.csv@3')).toEqual({ kind: 'replay', file: '/data/x@y.csv', speed: 3 });
    expect(parseFeedSpec('replay:C:\\data\\btc.csv@2').file).toBe('C:\\data\\btc.csv');
  });

  it.each([
    ['', /has no kind/],
    ['btc.csv', /has no kind/],
    ['live:binance', /feed kind "live" is not known/],
    ['replay:', /names no file/],
    ['replay:@5', /names no file/],
    ['replay:a.csv@fast', /feed speed "fast" is not a number/],
    ['replay:a.csv@-1', /feed speed "-1" is not a number/],
    ['replay:a.csv@', /feed speed "" is not a number/],
    ['replay:a.csv@1000000', /above the most/],
  ])('refuses %j', (spec, message) => {
    expect(() => parseFeedSpec(spec)).toThrow(message);
  });
});
