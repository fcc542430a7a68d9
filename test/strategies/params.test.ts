import { describe, expect, it } from 'vitest';
import { describeParams, parseParamPairs, resolveParams } from '../../src-main/strategies/params.js';
import smaCross from '../../src-main/strategies/builtin/sma-cross.js';
import { defineStrategy } from '../../src-main/strategies/api.js';

const demo = defineStrategy({
  name: 'demo',
  params: {
    n: { type: 'integer', default: 3, min: 1, max: 10 },
    x: { type: 'number', default: 0.5 },
    on: { type: 'boolean', default: false },
    mode: { type: 'string', default: 'a', options: ['a', 'b'] },
  },
  create: () => ({}),
});

describe('strategy parameters', () => {
  it('start from the defaults and take typed values or command-line text', () => {
    expect(resolveParams(demo)).toEqual({ n: 3, x: 0.5, on: false, mode: 'a' });
    expect(resolveParams(demo, { n: '7', x: 1.5, on: 'true', mode: 'b' })).toEqual({ n: 7, x: 1.5, on: true, mode: 'b' });
    expect(resolveParams(demo, { x: 2 }, { n: 9, x: 1, on: true, mode: 'b' })).toEqual({ n: 9, x: 2, on: true, mode: 'b' });
  });

  it.each([
    [{ n: 2.5 }, 'parameter n must be a whole number'],
    [{ n: 11 }, 'parameter n must be at most 10'],
    [{ n: 0 }, 'parameter n must be at least 1'],
    [{ x: 'abc' }, 'parameter x must be a number'],
    [{ on: 'yes' }, 'parameter on must be true or false'],
    [{ mode: 'c' }, 'parameter mode must be one of a, b'],
    [{ size: 1 }, 'strategy demo has no parameter "size" (it has: n, x, on, mode)'],
  ])('refuses %j naming the parameter', (given, message) => {
    expect(() => resolveParams(demo, given)).toThrow(message);
  });

  it('applies the strategy’s own rule across parameters', () => {
    expect(() => resolveParams(smaCross, { fast: 40 })).toThrow('fast (40) must be shorter than slow (30)');
  });

  it('reads k=v pairs and describes the declared parameters', () => {
    expect(parseParamPairs(['fast=5', ' slow = 20 '])).toEqual({ fast: '5', slow: '20' });
    expect(() => parseParamPairs(['=5'])).toThrow('--param expects NAME=VALUE');
    expect(describeParams(demo)[0]).toEqual({ name: 'n', type: 'integer', default: 3, min: 1, max: 10 });
  });
});
