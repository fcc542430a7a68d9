/**
 * The decimal operations an order really does (parse the wire strings, notional
 * = price × quantity, fee, average price, comparisons against limits, floor to
 * the size step, str() back to the wire), each timed for decimal.js (the type
 * before, precision 40) and the engine's scaled-BigInt Decimal: ns per
 * operation, lower is better. One JSON line per operation and a line for the
 * mix of one paper order.
 */
import { availableParallelism } from 'node:os';
import { Decimal as DecimalJs } from 'decimal.js';
import { Decimal as Fixed } from '../src-main/engine/model/fixed-decimal.js';
import { floorToStep } from '../src-main/engine/model/decimal.js';
import { emit } from './stats.js';

const Js = DecimalJs.clone({ precision: 40, rounding: DecimalJs.ROUND_HALF_EVEN, toExpNeg: -40, toExpPos: 40 });

// What the hot path computes with, as strings from the wire and the book
const PRICES = Array.from({ length: 256 }, (_, i) => (27000 + i * 0.37 + (i % 7) * 0.01).toFixed(2));
const SIZES = Array.from({ length: 256 }, (_, i) => (0.001 + (i % 97) * 0.0137).toFixed(5));
const FEE = '0.001';
const STEP = '0.00001';

interface Impl {
  name: string;
  parse(text: string): unknown;
  plus(a: unknown, b: unknown): unknown;
  minus(a: unknown, b: unknown): unknown;
  mul(a: unknown, b: unknown): unknown;
  div(a: unknown, b: unknown): unknown;
  cmp(a: unknown, b: unknown): number;
  str(a: unknown): string;
  floorToStep(a: unknown, step: unknown): unknown;
}

type J = InstanceType<typeof Js>;
const decimalJs: Impl = {
  name: 'decimal.js',
  parse: (t) => new Js(t),
  plus: (a, b) => (a as J).plus(b as J),
  minus: (a, b) => (a as J).minus(b as J),
  mul: (a, b) => (a as J).mul(b as J),
  div: (a, b) => (a as J).div(b as J),
  cmp: (a, b) => (a as J).cmp(b as J),
  str: (a) => (a as J).toFixed(),
  floorToStep: (a, s) => (a as J).div(s as J).floor().mul(s as J),
};

const fixed: Impl = {
  name: 'fixed',
  parse: (t) => new Fixed(t),
  plus: (a, b) => (a as Fixed).plus(b as Fixed),
  minus: (a, b) => (a as Fixed).minus(b as Fixed),
  mul: (a, b) => (a as Fixed).mul(b as Fixed),
  div: (a, b) => (a as Fixed).div(b as Fixed),
  cmp: (a, b) => (a as Fixed).cmp(b as Fixed),
  str: (a) => (a as Fixed).toFixed(),
  floorToStep: (a, s) => floorToStep(a as Fixed, s as Fixed),
};

let sink: unknown;

function time(run: (i: number) => unknown, n: number): number {
  for (let i = 0; i < n / 10; i++) sink = run(i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink = run(i);
  return Number(process.hrtime.bigint() - t0) / n;
}

/** the operations of one implementation, each a function of the iteration */
function operations(impl: Impl): Record<string, [run: (i: number) => unknown, n: number]> {
  const prices = PRICES.map((p) => impl.parse(p));
  const sizes = SIZES.map((q) => impl.parse(q));
  const fee = impl.parse(FEE);
  const step = impl.parse(STEP);
  const notionals = prices.map((p, i) => impl.mul(p, sizes[i]!));
  const n = 100_000;
  const at = (i: number) => i & 255;
  return {
    parse: [(i) => impl.parse(PRICES[at(i)]!), n],
    plus: [(i) => impl.plus(notionals[at(i)], notionals[at(i + 1)]), n],
    minus: [(i) => impl.minus(prices[at(i)], sizes[at(i)]), n],
    mul: [(i) => impl.mul(prices[at(i)], sizes[at(i)]), n],
    // an average price of one fill divides exactly; of two, rarely
    div_exact: [(i) => impl.div(notionals[at(i)], sizes[at(i)]), n],
    div_inexact: [(i) => impl.div(impl.plus(notionals[at(i)], notionals[at(i + 1)]), impl.plus(sizes[at(i)], sizes[at(i + 1)])), n],
    cmp: [(i) => impl.cmp(prices[at(i)], prices[at(i + 3)]), n],
    str: [(i) => impl.str(notionals[at(i)]), n],
    floorToStep: [(i) => impl.floorToStep(impl.div(notionals[at(i)], prices[at(i + 1)]), step), n],
    // one paper market order: parse price and size, notional, fee, average
    // price, position, three limit comparisons, the size floor, four wire strings
    order: [(i) => {
      const p = impl.parse(PRICES[at(i)]!);
      const q = impl.parse(SIZES[at(i)]!);
      const notional = impl.mul(p, q);
      const f = impl.mul(notional, fee);
      const avg = impl.div(impl.plus(notionals[at(i + 1)], notional), impl.plus(sizes[at(i + 1)], q));
      const position = impl.minus(impl.plus(sizes[at(i + 2)], q), sizes[at(i + 3)]);
      impl.cmp(notional, notionals[at(i + 5)]);
      impl.cmp(q, sizes[at(i + 7)]);
      impl.cmp(p, prices[at(i + 9)]);
      impl.floorToStep(q, step);
      impl.str(p);
      impl.str(q);
      impl.str(f);
      return impl.str(avg) + impl.str(position);
    }, n / 4],
  };
}

// each operation timed for both in turn, five times, the best of each kept:
// the machine is shared, and a burst of load must not land on one side only
const ops = [decimalJs, fixed].map(operations);
for (const op of Object.keys(ops[0]!)) {
  const best = [Infinity, Infinity];
  for (let round = 0; round < 5; round++) {
    for (let k = 0; k < 2; k++) {
      const [run, n] = ops[k]![op]!;
      best[k] = Math.min(best[k]!, time(run, n));
    }
  }
  const [before, after] = best as [number, number];
  emit({
    bench: 'decimal',
    op,
    decimal_js_ns: Math.round(before),
    fixed_ns: Math.round(after),
    speedup: Math.round((before / after) * 10) / 10,
    cores: availableParallelism(),
  });
}
void sink;
