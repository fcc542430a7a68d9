import fc from 'fast-check';
import { Decimal as DecimalJs } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { Decimal, floorToStep, isMultipleOf, maxDec, minDec, roundToStep, str } from '../../../src-main/engine/model/decimal.js';

/**
 * The engine's scaled-BigInt Decimal against the decimal.js configuration it
 * replaced (precision 40, half-even): every operation gives the same string.
 */
const Js = DecimalJs.clone({ precision: 40, rounding: DecimalJs.ROUND_HALF_EVEN, toExpNeg: -40, toExpPos: 40 });

/** decimal strings as venues and strategies make them: up to 18 integer and 18 fraction digits */
const decimalText = fc
  .tuple(
    fc.boolean(),
    fc.stringMatching(/^(0|[1-9]\d{0,17})$/),
    fc.option(fc.stringMatching(/^\d{1,18}$/), { nil: undefined }),
  )
  .map(([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac === undefined ? '' : `.${frac}`}`);

/** also the forms decimal.js reads besides: exponents, a leading '+', '.5', '5.' */
const anyText = fc.oneof(
  decimalText,
  fc.tuple(decimalText, fc.integer({ min: -30, max: 30 })).map(([t, e]) => `${t}e${e}`),
  fc.stringMatching(/^\+?\d{0,6}\.\d{1,6}$/),
  fc.stringMatching(/^\d{1,6}\.$/),
);

const nonZero = decimalText.filter((t) => !new Js(t).isZero());
const positive = decimalText.filter((t) => new Js(t).gt(0));
const dp = fc.integer({ min: 0, max: 20 });
const rm = fc.integer({ min: 0, max: 8 });
const runs = { numRuns: 400 };

const same = (ours: Decimal, theirs: InstanceType<typeof Js>) => {
  expect(ours.toFixed()).toBe(theirs.toFixed());
  expect(ours.toString()).toBe(theirs.toString());
};

describe('Decimal (scaled BigInt) equals decimal.js at precision 40', () => {
  it('parses every form decimal.js reads to the same value, str() and toString() identical', () => {
    fc.assert(
      fc.property(anyText, (t) => {
        same(new Decimal(t), new Js(t));
        expect(str(new Decimal(t))).toBe(new Js(t).toFixed());
      }),
      runs,
    );
  });

  it('reads finite numbers as decimal.js does (through their shortest string)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e25, max: 1e25 }), (n) => {
        if (Object.is(n, -0)) return;
        same(new Decimal(n), new Js(n));
        expect(new Decimal(n).toNumber()).toBe(new Js(n).toNumber());
      }),
      runs,
    );
  });

  it('plus, minus, mul: exact, rounded half-even beyond 40 digits as decimal.js', () => {
    fc.assert(
      fc.property(anyText, anyText, (a, b) => {
        const [x, y, p, q] = [new Decimal(a), new Decimal(b), new Js(a), new Js(b)];
        same(x.plus(y), p.plus(q));
        same(x.minus(y), p.minus(q));
        same(x.mul(y), p.mul(q));
        same(x.add(b), p.add(b));
        same(x.sub(b), p.sub(b));
        same(x.times(b), p.times(b));
      }),
      runs,
    );
  });

  it('div: rounded half-even to 40 significant digits as decimal.js', () => {
    fc.assert(
      fc.property(anyText, nonZero, (a, b) => {
        same(new Decimal(a).div(b), new Js(a).div(b));
        // a chain, as averages and fee shares compute
        same(new Decimal(a).div(b).mul(b).div(3), new Js(a).div(b).mul(b).div(3));
      }),
      runs,
    );
    // exact quotients (an average of one price: notional ÷ quantity)
    fc.assert(
      fc.property(anyText, nonZero, (a, b) => {
        const product = new Js(a).mul(b).toFixed();
        same(new Decimal(product).div(b), new Js(product).div(b));
      }),
      runs,
    );
    for (const [a, b] of [['1', '3'], ['2', '3'], ['-1', '7'], ['1', '8'], ['10', '4'], ['0.5', '0.25'], ['12345.6789', '0.0001'], ['1', '0.000000000000000003']]) {
      same(new Decimal(a!).div(b!), new Js(a!).div(b!));
    }
  });

  it('comparisons, signs and predicates', () => {
    fc.assert(
      fc.property(anyText, anyText, (a, b) => {
        const [x, p] = [new Decimal(a), new Js(a)];
        expect(x.cmp(b)).toBe(p.cmp(b));
        expect(x.comparedTo(b)).toBe(p.comparedTo(b));
        expect([x.eq(b), x.gt(b), x.gte(b), x.lt(b), x.lte(b)]).toEqual([p.eq(b), p.gt(b), p.gte(b), p.lt(b), p.lte(b)]);
        expect([x.isZero(), x.isInteger()]).toEqual([p.isZero(), p.isInteger()]);
        // decimal.js has a negative zero; this type does not (its zero is +0)
        if (!p.isZero()) expect([x.isNeg(), x.isNegative(), x.isPos(), x.isPositive()]).toEqual([p.isNeg(), p.isNegative(), p.isPos(), p.isPositive()]);
        else expect([x.isNeg(), x.isPos()]).toEqual([false, true]);
        same(x.abs(), p.abs());
        same(x.neg(), p.neg());
        same(Decimal.max(a, b), Js.max(a, b));
        same(Decimal.min(a, b), Js.min(a, b));
        same(maxDec(x, new Decimal(b)), Js.max(a, b));
        same(minDec(x, new Decimal(b)), Js.min(a, b));
      }),
      runs,
    );
  });

  it('floor, ceil, round, trunc, toDecimalPlaces and toFixed(dp, rm) in every rounding mode', () => {
    fc.assert(
      fc.property(anyText, dp, rm, (a, places, mode) => {
        const [x, p] = [new Decimal(a), new Js(a)];
        same(x.floor(), p.floor());
        same(x.ceil(), p.ceil());
        same(x.round(), p.round());
        same(x.trunc(), p.trunc());
        same(x.toDecimalPlaces(places), p.toDecimalPlaces(places));
        same(x.toDecimalPlaces(places, mode), p.toDecimalPlaces(places, mode as DecimalJs.Rounding));
        expect(x.toFixed(places)).toBe(p.toFixed(places));
        expect(x.toFixed(places, mode)).toBe(p.toFixed(places, mode as DecimalJs.Rounding));
      }),
      runs,
    );
  });

  it('decimalPlaces, precision, toNumber, toJSON', () => {
    fc.assert(
      fc.property(anyText, (a) => {
        const [x, p] = [new Decimal(a), new Js(a)];
        expect(x.decimalPlaces()).toBe(p.decimalPlaces());
        expect(x.precision()).toBe(p.precision());
        expect(x.precision(true)).toBe(p.precision(true));
        expect(x.toNumber()).toBe(p.toNumber() === 0 ? 0 : p.toNumber());
        if (!p.isZero()) expect(JSON.stringify({ x })).toBe(JSON.stringify({ x: p }));
      }),
      runs,
    );
  });

  it('mod (truncated, the sign of the dividend) and integer powers', () => {
    fc.assert(
      fc.property(anyText, nonZero, fc.integer({ min: -12, max: 12 }), (a, b, n) => {
        const m = new Js(a).mod(b);
        if (!m.isZero()) same(new Decimal(a).mod(b), m);
        else expect(new Decimal(a).mod(b).isZero()).toBe(true);
        same(new Decimal(10).pow(n), new Js(10).pow(n));
        const base = new Js(b).abs();
        if (base.precision() <= 8) same(new Decimal(b).abs().pow(n), base.pow(n));
      }),
      runs,
    );
  });

  it('floorToStep, roundToStep and isMultipleOf as div/floor|round/mul and mod in decimal.js', () => {
    fc.assert(
      fc.property(decimalText, positive, (a, b) => {
        const [x, step, p, q] = [new Decimal(a), new Decimal(b), new Js(a), new Js(b)];
        const floored = p.div(q).floor().mul(q);
        const rounded = p.div(q).round().mul(q);
        expect(str(floorToStep(x, step))).toBe(floored.isZero() ? '0' : floored.toFixed());
        expect(str(roundToStep(x, step))).toBe(rounded.isZero() ? '0' : rounded.toFixed());
        expect(isMultipleOf(x, step)).toBe(p.mod(q).isZero());
        // a multiple stays itself
        expect(str(floorToStep(floorToStep(x, step), step))).toBe(str(floorToStep(x, step)));
      }),
      runs,
    );
  });

  it('sqrt, ln, exp and log go through decimal.js and give its result', () => {
    fc.assert(
      fc.property(positive, (a) => {
        same(new Decimal(a).sqrt(), new Js(a).sqrt());
        same(new Decimal(a).ln(), new Js(a).ln());
        same(new Decimal(a).log(10), new Js(a).log(10));
      }),
      { numRuns: 100 },
    );
  });
});

describe('Decimal: what it refuses', () => {
  it('has no NaN or Infinity: making one, or dividing by zero, throws', () => {
    for (const bad of ['NaN', 'Infinity', '-Infinity', '', '-', '.', '1e', 'e5', ' 1', '1 ', '1,5', '0x10', 'abc']) {
      expect(() => new Decimal(bad), bad).toThrowError(/Invalid argument/);
    }
    expect(() => new Decimal(Number.NaN)).toThrowError(/Invalid argument/);
    expect(() => new Decimal(Number.POSITIVE_INFINITY)).toThrowError(/Invalid argument/);
    expect(() => new Decimal(1).div(0)).toThrowError(/Division by zero/);
    expect(() => new Decimal(1).mod('0.0')).toThrowError(/Division by zero/);
  });

  it('makes a value from its scaled integer, and every value is finite', () => {
    expect(str(new Decimal(12345n, 2))).toBe('123.45');
    expect(str(new Decimal(12n, -3))).toBe('12000');
    expect(new Decimal('1.5').isFinite()).toBe(true);
    expect(Decimal.isDecimal(new Decimal('1'))).toBe(true);
    expect(Decimal.isDecimal(new Js('1'))).toBe(false);
  });
});
