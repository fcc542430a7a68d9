import { Decimal as DecimalJs } from 'decimal.js';

/**
 * A decimal as a scaled integer: value = m / 10^s, m a BigInt, s the value's
 * own scale. The scale is what the value needs, not one constant for all: a
 * parsed string keeps the decimals it was written with ("27000.10" is 2700010
 * at scale 2), a sum takes the larger scale, a product the sum of the scales,
 * a quotient as many decimals as 40 significant digits need; a large round
 * integer may have a negative scale. One BigInt add or multiply per operation
 * instead of decimal.js's digit arrays (bench/decimal.bench.ts times both);
 * no division by 10^18 after every product as a single fixed scale would need.
 *
 * Exactness rules (the same results as the decimal.js configuration this
 * replaced — precision 40, ROUND_HALF_EVEN — proven by the property tests in
 * test/engine/model/decimal*.test.ts):
 * - parse, plus, minus, mul, comparisons, floor/ceil/round/toDecimalPlaces,
 *   mod and str() are exact: a price or size has at most ~18 significant
 *   digits and a product of two at most ~36, below the 40-digit limit;
 * - any result of more than 40 significant digits (a division that does not
 *   terminate, an average, a fee share) is rounded half-even to 40 significant
 *   digits, exactly as decimal.js did;
 * - floorToStep/roundToStep/isMultipleOf are exact integer divisions (decimal.js
 *   rounded the quotient to 40 digits first; the two differ only for quotients
 *   beyond 40 digits, which no price or size reaches);
 * - sqrt, ln, log, exp and non-integer powers go through decimal.js (rare,
 *   reports and indicators only), converted exactly through strings;
 * - there is no NaN, no ±Infinity and no negative zero: reading NaN or
 *   Infinity, or dividing by zero, throws (decimal.js returned NaN/Infinity,
 *   which every caller refused anyway), so isFinite() is always true; "-0",
 *   and 0 × −1, are 0 (decimal.js's −0 printed as "0" too, but was isNeg()).
 */

const PRECISION = 40;
const LIMIT = 10n ** BigInt(PRECISION);
const NEG_LIMIT = -LIMIT;

const POW10: bigint[] = [];
for (let i = 0, p = 1n; i <= 64; i++, p *= 10n) POW10.push(p);
function pow10(k: number): bigint {
  return k < POW10.length ? POW10[k]! : 10n ** BigInt(k);
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const NEG_MAX_SAFE = -MAX_SAFE;
const NUM_POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Decimal digits of |m| (1 for zero): a binary search of the powers of ten, no string. */
function digits(m: bigint): number {
  const a = m < 0n ? -m : m;
  if (a >= POW10[64]!) return a.toString().length;
  let lo = 1;
  let hi = 64;
  // the smallest d with a < 10^d
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a < POW10[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Trailing decimal zeros of m ≠ 0. */
function trailingZeros(m: bigint): number {
  let z = 0;
  for (let k = 16; k >= 1; k >>= 1) {
    const p = POW10[k]!;
    while (m % p === 0n) {
      m /= p;
      z += k;
    }
  }
  return z;
}

/** Rounding modes, numbered as decimal.js numbers them. */
export const ROUND_UP = 0;
export const ROUND_DOWN = 1;
export const ROUND_CEIL = 2;
export const ROUND_FLOOR = 3;
export const ROUND_HALF_UP = 4;
export const ROUND_HALF_DOWN = 5;
export const ROUND_HALF_EVEN = 6;
export const ROUND_HALF_CEIL = 7;
export const ROUND_HALF_FLOOR = 8;

/** m / 10^k rounded to an integer by mode rm (k > 0). */
function divPow10(m: bigint, k: number, rm: number): bigint {
  const d = pow10(k);
  const q = m / d;
  const r = m % d;
  if (r === 0n) return q;
  const neg = m < 0n;
  let away: boolean;
  switch (rm) {
    case ROUND_UP: away = true; break;
    case ROUND_DOWN: away = false; break;
    case ROUND_CEIL: away = !neg; break;
    case ROUND_FLOOR: away = neg; break;
    default: {
      const twice = (neg ? -r : r) * 2n;
      if (twice !== d) away = twice > d;
      else if (rm === ROUND_HALF_UP) away = true;
      else if (rm === ROUND_HALF_DOWN) away = false;
      else if (rm === ROUND_HALF_CEIL) away = !neg;
      else if (rm === ROUND_HALF_FLOOR) away = neg;
      else away = (q & 1n) === 1n;
    }
  }
  return away ? (neg ? q - 1n : q + 1n) : q;
}

// parse() leaves its result here: no object per parsed string
let parsedM = 0n;
let parsedS = 0;

type Value = string | number | bigint | Decimal;

const PLAIN = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

export class Decimal {
  static readonly ROUND_UP = ROUND_UP;
  static readonly ROUND_DOWN = ROUND_DOWN;
  static readonly ROUND_CEIL = ROUND_CEIL;
  static readonly ROUND_FLOOR = ROUND_FLOOR;
  static readonly ROUND_HALF_UP = ROUND_HALF_UP;
  static readonly ROUND_HALF_DOWN = ROUND_HALF_DOWN;
  static readonly ROUND_HALF_EVEN = ROUND_HALF_EVEN;
  static readonly ROUND_HALF_CEIL = ROUND_HALF_CEIL;
  static readonly ROUND_HALF_FLOOR = ROUND_HALF_FLOOR;
  static readonly precision = PRECISION;

  /** The scaled integer: the value is m / 10^s. */
  readonly m: bigint;
  /** The scale: decimals of m (negative: trailing zeros of a large integer). */
  readonly s: number;

  /**
   * A decimal from a decimal string (plain or exponent notation), a finite
   * number (through its shortest string, as decimal.js did), a Decimal, or —
   * with `scale` — the scaled integer itself: new Decimal(12345n, 2) is 123.45.
   */
  constructor(value: Value, scale?: number) {
    if (scale !== undefined) {
      if (typeof value !== 'bigint' || !Number.isInteger(scale)) throw new Error(`[DecimalError] Invalid argument: ${String(value)}`);
      this.m = value;
      this.s = scale;
      return;
    }
    if (typeof value === 'object') {
      if (!(value instanceof Decimal)) throw new Error(`[DecimalError] Invalid argument: ${String(value)}`);
      this.m = value.m;
      this.s = value.s;
      return;
    }
    if (typeof value === 'bigint') {
      this.m = value;
      this.s = 0;
      return;
    }
    if (typeof value === 'number') {
      if (Number.isSafeInteger(value)) {
        this.m = BigInt(value);
        this.s = 0;
        return;
      }
      if (!Number.isFinite(value)) throw new Error(`[DecimalError] Invalid argument: ${value}`);
      value = String(value);
    }
    parse(value);
    this.m = parsedM;
    this.s = parsedS;
  }

  static isDecimal(value: unknown): value is Decimal {
    return value instanceof Decimal;
  }

  static max(...values: Value[]): Decimal {
    let best = dec(values[0]!);
    for (let i = 1; i < values.length; i++) {
      const v = dec(values[i]!);
      if (v.cmp(best) > 0) best = v;
    }
    return best;
  }

  static min(...values: Value[]): Decimal {
    let best = dec(values[0]!);
    for (let i = 1; i < values.length; i++) {
      const v = dec(values[i]!);
      if (v.cmp(best) < 0) best = v;
    }
    return best;
  }

  // ---- arithmetic

  plus(y: Value): Decimal {
    const o = dec(y);
    const a = this.s;
    const b = o.s;
    if (a === b) return fin(this.m + o.m, a);
    if (o.m === 0n) return this;
    if (this.m === 0n) return o;
    return a > b ? fin(this.m + o.m * pow10(a - b), a) : fin(this.m * pow10(b - a) + o.m, b);
  }

  minus(y: Value): Decimal {
    const o = dec(y);
    const a = this.s;
    const b = o.s;
    if (a === b) return fin(this.m - o.m, a);
    if (o.m === 0n) return this;
    return a > b ? fin(this.m - o.m * pow10(a - b), a) : fin(this.m * pow10(b - a) - o.m, b);
  }

  mul(y: Value): Decimal {
    const o = dec(y);
    return fin(this.m * o.m, this.s + o.s);
  }

  /** Rounded half-even to 40 significant digits when it does not terminate before. */
  div(y: Value): Decimal {
    const o = dec(y);
    if (o.m === 0n) throw new RangeError('[DecimalError] Division by zero');
    if (this.m === 0n) return ZERO_;
    // an average of one price (notional ÷ quantity) divides exactly: one integer division
    if (this.m % o.m === 0n) return fin(this.m / o.m, this.s - o.s);
    const neg = (this.m < 0n) !== (o.m < 0n);
    let a = this.m < 0n ? -this.m : this.m;
    let b = o.m < 0n ? -o.m : o.m;
    // the quotient gets at least PRECISION + 1 digits, a sticky digit marks an inexact rest
    const k = PRECISION + 1 + digits(b) - digits(a);
    if (k > 0) a *= pow10(k);
    else if (k < 0) b *= pow10(-k);
    let q = a / b;
    let s = this.s - o.s + k;
    if (a % b !== 0n) {
      q = q * 10n + 1n;
      s += 1;
    } else {
      const zeros = trailingZeros(q);
      if (zeros > 0) {
        q /= pow10(zeros);
        s -= zeros;
      }
    }
    return fin(neg ? -q : q, s);
  }

  /** Truncated remainder (the sign of the dividend), as decimal.js's default modulo. */
  mod(y: Value): Decimal {
    const o = dec(y);
    if (o.m === 0n) throw new RangeError('[DecimalError] Division by zero');
    const s = Math.max(this.s, o.s);
    return fin(this.m * pow10(s - this.s) % (o.m * pow10(s - o.s)), s);
  }

  /** Integer exponents up to ±1000: the exact power rounded once to 40 digits; others go through decimal.js. */
  pow(y: Value): Decimal {
    const n = typeof y === 'number' ? y : dec(y).toNumber();
    if (Number.isSafeInteger(n) && Math.abs(n) <= 1000) {
      // the exact power, then one rounding (of the power or of its reciprocal)
      const abs = Math.abs(n);
      const exact = new Decimal(this.m ** BigInt(abs), this.s * abs);
      return n < 0 ? ONE_.div(exact) : fin(exact.m, exact.s);
    }
    return viaJs(toJs(this).pow(toJs(dec(y))));
  }

  sqrt(): Decimal {
    return viaJs(toJs(this).sqrt());
  }

  ln(): Decimal {
    return viaJs(toJs(this).ln());
  }

  log(base?: Value): Decimal {
    return viaJs(base === undefined ? toJs(this).log() : toJs(this).log(toJs(dec(base))));
  }

  exp(): Decimal {
    return viaJs(toJs(this).exp());
  }

  abs(): Decimal {
    return this.m < 0n ? new Decimal(-this.m, this.s) : this;
  }

  neg(): Decimal {
    return new Decimal(-this.m, this.s);
  }

  // ---- rounding

  /** Rounded to dp decimals (default half-even; dp may be negative). */
  toDecimalPlaces(dp = 0, rm: number = ROUND_HALF_EVEN): Decimal {
    if (this.s <= dp) return this;
    return new Decimal(divPow10(this.m, this.s - dp, rm), dp);
  }

  round(): Decimal {
    return this.toDecimalPlaces(0, ROUND_HALF_EVEN);
  }

  floor(): Decimal {
    return this.toDecimalPlaces(0, ROUND_FLOOR);
  }

  ceil(): Decimal {
    return this.toDecimalPlaces(0, ROUND_CEIL);
  }

  trunc(): Decimal {
    return this.toDecimalPlaces(0, ROUND_DOWN);
  }

  // ---- comparisons

  cmp(y: Value): number {
    const o = dec(y);
    const a = this.m;
    const b = o.m;
    if (this.s === o.s) return a === b ? 0 : a < b ? -1 : 1;
    // different signs (or a zero) decide without aligning
    if (a <= 0n && b >= 0n) return a === b ? 0 : -1;
    if (a >= 0n && b <= 0n) return 1;
    const x = this.s < o.s ? a * pow10(o.s - this.s) : a;
    const z = o.s < this.s ? b * pow10(this.s - o.s) : b;
    return x === z ? 0 : x < z ? -1 : 1;
  }

  eq(y: Value): boolean {
    return this.cmp(y) === 0;
  }

  gt(y: Value): boolean {
    return this.cmp(y) > 0;
  }

  gte(y: Value): boolean {
    return this.cmp(y) >= 0;
  }

  lt(y: Value): boolean {
    return this.cmp(y) < 0;
  }

  lte(y: Value): boolean {
    return this.cmp(y) <= 0;
  }

  isZero(): boolean {
    return this.m === 0n;
  }

  isNeg(): boolean {
    return this.m < 0n;
  }

  /** True for zero too, as decimal.js (whose zero is +0). */
  isPos(): boolean {
    return this.m >= 0n;
  }

  isInteger(): boolean {
    return this.s <= 0 || this.m % pow10(this.s) === 0n;
  }

  isFinite(): boolean {
    return true;
  }

  isNaN(): boolean {
    return false;
  }

  // ---- digits and text

  /** Decimals after trimming trailing zeros. */
  decimalPlaces(): number {
    const t = trimmed(this);
    return t.s > 0 ? t.s : 0;
  }

  /** Significant digits; with includeZeros, an integer's trailing zeros count. */
  precision(includeZeros = false): number {
    const t = trimmed(this);
    return digits(t.m) + (includeZeros && t.s < 0 ? -t.s : 0);
  }

  /** Plain notation; without dp trailing zeros are trimmed, with dp rounded (default half-even) and padded. */
  toFixed(dp?: number, rm: number = ROUND_HALF_EVEN): string {
    const neg = this.m < 0n;
    if (dp === undefined) return plain(this.m, this.s);
    if (!Number.isInteger(dp) || dp < 0) throw new Error(`[DecimalError] Invalid argument: ${dp}`);
    const m = this.s > dp ? divPow10(this.m, this.s - dp, rm) : this.m * pow10(dp - this.s);
    const abs = (m < 0n ? -m : m).toString();
    let text: string;
    if (dp === 0) text = abs;
    else {
      const padded = abs.length > dp ? abs : '0'.repeat(dp + 1 - abs.length) + abs;
      text = `${padded.slice(0, padded.length - dp)}.${padded.slice(padded.length - dp)}`;
    }
    // the sign is the value's before rounding, as decimal.js
    return neg ? `-${text}` : text;
  }

  /** Plain notation, exponent notation beyond 1e40 or below 1e-39 (decimal.js's toExpPos/toExpNeg of ±40). */
  toString(): string {
    if (this.m === 0n) return '0';
    const t = trimmed(this);
    const abs = (t.m < 0n ? -t.m : t.m).toString();
    const e = abs.length - 1 - t.s;
    if (e > -PRECISION && e < PRECISION) return plain(t.m, t.s);
    const mant = abs.length > 1 ? `${abs[0]}.${abs.slice(1)}` : abs;
    return `${t.m < 0n ? '-' : ''}${mant}e${e < 0 ? '-' : '+'}${Math.abs(e)}`;
  }

  valueOf(): string {
    return this.toString();
  }

  toJSON(): string {
    return this.toString();
  }

  toNumber(): number {
    // both exact doubles: one IEEE division or product, correctly rounded like parsing the string
    if (this.m <= MAX_SAFE && this.m >= NEG_MAX_SAFE && this.s <= 22 && this.s >= -22) {
      return this.s >= 0 ? Number(this.m) / NUM_POW10[this.s]! : Number(this.m) * NUM_POW10[-this.s]!;
    }
    return Number(this.toString());
  }

  // ---- decimal.js's other names for the same operations
  add(y: Value): Decimal { return this.plus(y); }
  sub(y: Value): Decimal { return this.minus(y); }
  times(y: Value): Decimal { return this.mul(y); }
  dividedBy(y: Value): Decimal { return this.div(y); }
  modulo(y: Value): Decimal { return this.mod(y); }
  negated(): Decimal { return this.neg(); }
  absoluteValue(): Decimal { return this.abs(); }
  comparedTo(y: Value): number { return this.cmp(y); }
  equals(y: Value): boolean { return this.eq(y); }
  greaterThan(y: Value): boolean { return this.gt(y); }
  greaterThanOrEqualTo(y: Value): boolean { return this.gte(y); }
  lessThan(y: Value): boolean { return this.lt(y); }
  lessThanOrEqualTo(y: Value): boolean { return this.lte(y); }
  isNegative(): boolean { return this.isNeg(); }
  isPositive(): boolean { return this.isPos(); }
  isInt(): boolean { return this.isInteger(); }
  toDP(dp?: number, rm?: number): Decimal { return this.toDecimalPlaces(dp, rm); }
  dp(): number { return this.decimalPlaces(); }
  sd(includeZeros?: boolean): number { return this.precision(includeZeros); }
}

const ZERO_ = new Decimal(0n, 0);
const ONE_ = new Decimal(1n, 0);

function dec(y: Value): Decimal {
  return y instanceof Decimal ? y : new Decimal(y);
}

/** m / 10^s rounded half-even to 40 significant digits. */
function fin(m: bigint, s: number): Decimal {
  if (m < LIMIT && m > NEG_LIMIT) return new Decimal(m, s);
  const drop = digits(m) - PRECISION;
  return new Decimal(divPow10(m, drop, ROUND_HALF_EVEN), s - drop);
}

function trimmed(d: Decimal): Decimal {
  if (d.m === 0n) return ZERO_;
  if (d.m % 10n !== 0n) return d;
  const zeros = trailingZeros(d.m);
  return new Decimal(d.m / pow10(zeros), d.s - zeros);
}

/** Plain notation with trailing zeros trimmed. */
function plain(m: bigint, s: number): string {
  if (m === 0n) return '0';
  if (s <= 0) return (s === 0 ? m : m * pow10(-s)).toString();
  const neg = m < 0n;
  const a = neg ? -m : m;
  // a Number prints faster than a BigInt, and exactly while it is a safe integer
  let abs = a <= MAX_SAFE ? String(Number(a)) : a.toString();
  if (abs.length <= s) abs = '0'.repeat(s + 1 - abs.length) + abs;
  let end = abs.length;
  const point = abs.length - s;
  while (end > point && abs.charCodeAt(end - 1) === 48) end--;
  const text = end === point ? abs.slice(0, point) : `${abs.slice(0, point)}.${abs.slice(point, end)}`;
  return neg ? `-${text}` : text;
}

function invalid(text: string): Error {
  return new Error(`[DecimalError] Invalid argument: ${text}`);
}

/** Decimal strings: [sign] digits [. digits] [e [sign] digits], kept exact (not rounded, as decimal.js); the plain form without a regex. */
function parse(text: string): void {
  const n = text.length;
  let i = 0;
  let neg = false;
  const c0 = text.charCodeAt(0);
  if (c0 === 45 || c0 === 43) {
    neg = c0 === 45;
    i = 1;
  }
  let point = -1;
  let count = 0;
  let small = 0;
  for (let j = i; j < n; j++) {
    const c = text.charCodeAt(j);
    if (c >= 48 && c <= 57) {
      count++;
      small = small * 10 + (c - 48);
    } else if (c === 46 && point < 0) point = j;
    else {
      parseGeneral(text);
      return;
    }
  }
  if (count === 0) throw invalid(text);
  const scale = point < 0 ? 0 : n - point - 1;
  let m: bigint;
  if (count <= 15) m = BigInt(small);
  else m = BigInt(point < 0 ? text.slice(i) : text.slice(i, point) + text.slice(point + 1));
  parsedM = neg ? -m : m;
  parsedS = scale;
}

function parseGeneral(text: string): void {
  const match = PLAIN.exec(text);
  if (!match) throw invalid(text);
  const int = match[2] ?? '';
  const frac = match[3] ?? '';
  if (int.length + frac.length === 0) throw invalid(text);
  const exp = match[4] === undefined ? 0 : Number(match[4]);
  if (!Number.isSafeInteger(exp)) throw invalid(text);
  const m = BigInt(int + frac);
  parsedM = match[1] === '-' ? -m : m;
  parsedS = frac.length - exp;
}

const JsDecimal = DecimalJs.clone({ precision: PRECISION, rounding: ROUND_HALF_EVEN, toExpNeg: -PRECISION, toExpPos: PRECISION });

function toJs(d: Decimal): DecimalJs {
  return new JsDecimal(d.toFixed());
}

function viaJs(d: DecimalJs): Decimal {
  if (!d.isFinite()) throw new RangeError(`[DecimalError] ${d.toString()} is not a finite decimal`);
  return new Decimal(d.toFixed());
}
