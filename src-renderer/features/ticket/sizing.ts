import type { Instrument } from '../../../src-common/contract/schemas.js';
import { needsLimitPrice, needsStopPrice } from '../../../src-common/contract/constants/orders.js';
import { type Dec, DecimalCtor, dec, formatPlain, parseDecimal, roundToIncrement, wire } from '../../lib/decimal.js';
import type { OrderType, RiskUnit, Side, SizeMode } from '../../state/ticket.js';

/*
 * Sizing the ticket by quote amount, share of the free balance or risk to a
 * stop. Whatever the mode, what is sent is a base quantity rounded DOWN to the
 * instrument's step: never more than the trader asked for.
 */
export type { RiskUnit, SizeMode };

export const PERCENT_PRESETS = [25, 50, 75, 100] as const;

export interface TouchPrices {
  bid: string | null;
  ask: string | null;
  last: string | null;
}

/**
 * The price an order would likely trade at: its limit price, a stop market's
 * trigger, else the touch it would take (the ask for a buy, the bid for a sell,
 * the last trade when that side is empty).
 */
export function entryPrice(type: OrderType, side: Side, limitPrice: string, stopPrice: string, touch: TouchPrices | undefined): Dec | null {
  const positive = (d: Dec | null) => (d && d.gt(0) ? d : null);
  if (needsLimitPrice(type)) return positive(parseDecimal(limitPrice));
  if (needsStopPrice(type)) return positive(parseDecimal(stopPrice));
  return positive(parseDecimal((side === 'buy' ? touch?.ask : touch?.bid) ?? touch?.last ?? null));
}

/**
 * The fee rate a buy holds back from the quote balance along with its notional,
 * as the venue locks it: a resting limit may still fill as taker after an amend,
 * so it is the dearer of the two; an order that takes pays the taker fee.
 */
export function buyFeeRate(type: OrderType, instrument: Pick<Instrument, 'maker_fee' | 'taker_fee'>): Dec {
  const taker = dec(instrument.taker_fee);
  if (needsLimitPrice(type)) return DecimalCtor.max(dec(instrument.maker_fee), taker);
  return taker;
}

/** down to the instrument's quantity step: sizing never sends more than the trader asked for */
export function floorToStep(quantity: Dec, instrument: Pick<Instrument, 'size_increment'>): Dec {
  return roundToIncrement(quantity, instrument.size_increment, 'down');
}

/** quote amount → base quantity at `price` */
export function quantityFromQuote(amount: Dec, price: Dec, instrument: Pick<Instrument, 'size_increment'>): Dec {
  return floorToStep(amount.div(price), instrument);
}

/**
 * `pct` % of the free balance the order spends: for a buy, the free quote at
 * `price`, net of the fee the venue holds back with it (so 100 % can be sent);
 * for a sell, the free base.
 */
export function quantityFromPercent(args: { side: Side; pct: Dec; price: Dec; freeBase: Dec; freeQuote: Dec; feeRate: Dec; instrument: Pick<Instrument, 'size_increment'> }): Dec {
  const share = args.pct.div(100);
  if (args.side === 'sell') return floorToStep(args.freeBase.mul(share), args.instrument);
  return floorToStep(args.freeQuote.mul(share).div(args.price.mul(dec('1').add(args.feeRate))), args.instrument);
}

/**
 * What one unit of base loses if bought (or sold) at `entry` and closed by the
 * stop at `stop`: the distance, plus the taker fee on the entry and on the exit.
 */
export function lossPerUnit(entry: Dec, stop: Dec, takerFee: Dec): Dec {
  return entry.sub(stop).abs().add(entry.mul(takerFee)).add(stop.mul(takerFee));
}

/** the largest quantity (on the step) whose loss at the stop, fees included, is at most `risk` */
export function quantityFromRisk(args: { risk: Dec; entry: Dec; stop: Dec; takerFee: Dec; instrument: Pick<Instrument, 'size_increment'> }): Dec {
  return floorToStep(args.risk.div(lossPerUnit(args.entry, args.stop, args.takerFee)), args.instrument);
}

/** what the amount field is in: the quote asset (quote mode, risk in quote) or a percent of equity */
export function amountUnit(mode: SizeMode, riskUnit: RiskUnit, quote: string): string {
  return mode === 'risk' && riskUnit === 'equity' ? '% of equity' : quote;
}

export interface SizingInput {
  mode: SizeMode;
  side: Side;
  type: OrderType;
  /** the quote amount (quote mode), or the amount at risk (risk mode: quote, or % of equity) */
  amount: string;
  /** the unit the amount was typed in (amountUnit then): 100 USDT is not 100 BTC after a switch to ETH/BTC */
  amountTypedIn: string;
  /** percent mode: 0–100 */
  pct: number;
  riskUnit: RiskUnit;
  /** the stop-loss price the risk is measured to */
  stopLoss: string;
  limitPrice: string;
  stopPrice: string;
  touch: TouchPrices | undefined;
  instrument: Instrument;
  /** free balances of the account, by asset */
  free: { base: string | null; quote: string | null };
  /** the account's equity and the asset it is valued in, once known */
  equity: { value: string; asset: string } | null;
}

export interface Sizing {
  /** the base quantity to send, already on the step and above the minimums; null when it cannot be worked out */
  quantity: Dec | null;
  /** why not, in words, naming what to fix */
  error: string | null;
  /** the price it was sized at */
  entry: Dec | null;
  /** quantity × entry */
  notional: Dec | null;
  /** percent mode: what the share is taken of */
  basis: { amount: Dec; asset: string } | null;
  /** risk mode: the quote amount at risk, and what the quantity loses at the stop with fees (≤ risk) */
  risk: Dec | null;
  lossAtStop: Dec | null;
}

const none = (error: string | null, part: Partial<Sizing> = {}): Sizing => ({ quantity: null, error, entry: null, notional: null, basis: null, risk: null, lossAtStop: null, ...part });

/**
 * The quantity a ticket sized by quote amount, balance share or risk comes to,
 * checked against the instrument's minimums. Base mode is typed directly and
 * is checked by checkTicket; here it yields nothing.
 */
export function sizeTicket(s: SizingInput): Sizing {
  if (s.mode === 'base') return none(null);
  const { instrument: ins } = s;
  const entry = entryPrice(s.type, s.side, s.limitPrice, s.stopPrice, s.touch);
  const noPrice = needsLimitPrice(s.type) ? 'Enter a limit price to size the order at' : needsStopPrice(s.type) ? 'Enter the stop (trigger) price to size the order at' : `No ${s.side === 'buy' ? 'ask' : 'bid'} to size the order at yet`;

  const unit = amountUnit(s.mode, s.riskUnit, ins.quote);
  if ((s.mode === 'quote' || s.mode === 'risk') && s.amount.trim() !== '' && s.amountTypedIn !== '' && s.amountTypedIn !== unit) {
    return none(`The amount was typed in ${s.amountTypedIn}: enter it in ${unit}`);
  }

  let quantity: Dec;
  const part: Partial<Sizing> = { entry };
  if (s.mode === 'quote') {
    const amount = parseDecimal(s.amount);
    if (s.amount.trim() === '') return none(`Enter an amount in ${ins.quote}`);
    if (!amount || amount.lte(0)) return none('Amount must be a number above zero');
    if (!entry) return none(noPrice);
    quantity = quantityFromQuote(amount, entry, ins);
  } else if (s.mode === 'percent') {
    if (!(s.pct > 0 && s.pct <= 100)) return none('Choose a share of the balance (1–100 %)');
    if (!entry) return none(noPrice);
    const asset = s.side === 'buy' ? ins.quote : ins.base;
    const free = parseDecimal(s.side === 'buy' ? s.free.quote : s.free.base);
    if (!free || free.lte(0)) return none(`No free ${asset} on this account`, part);
    part.basis = { amount: free, asset };
    quantity = quantityFromPercent({ side: s.side, pct: dec(String(s.pct)), price: entry, freeBase: free, freeQuote: free, feeRate: buyFeeRate(s.type, ins), instrument: ins });
  } else {
    const amount = parseDecimal(s.amount);
    if (s.amount.trim() === '') return none(`Enter the amount to risk (${unit})`);
    if (!amount || amount.lte(0)) return none('Risk must be a number above zero');
    if (s.riskUnit === 'equity' && amount.gt(100)) return none('Risk is a percent of equity: at most 100');
    const stop = parseDecimal(s.stopLoss);
    if (s.stopLoss.trim() === '') return none('Enter the stop-loss price the risk is measured to');
    if (!stop || stop.lte(0)) return none('Stop-loss must be a number above zero');
    if (!entry) return none(noPrice);
    if (s.side === 'buy' ? !stop.lt(entry) : !stop.gt(entry)) {
      return none(`For a ${s.side} the stop-loss must be ${s.side === 'buy' ? 'below' : 'above'} the entry (${formatPlain(wire(entry))})`, part);
    }
    let risk = amount;
    if (s.riskUnit === 'equity') {
      if (!s.equity) return none('Equity is not known yet', part);
      // a share of equity is an amount of the equity's asset: only a market quoted in it can be sized from it
      if (s.equity.asset !== ins.quote) return none(`Equity is valued in ${s.equity.asset}: risk an amount of ${ins.quote} on ${ins.symbol}`, part);
      risk = dec(s.equity.value).mul(amount).div(100);
    }
    part.risk = risk;
    const taker = dec(ins.taker_fee);
    quantity = quantityFromRisk({ risk, entry, stop, takerFee: taker, instrument: ins });
    part.lossAtStop = quantity.mul(lossPerUnit(entry, stop, taker));
  }

  part.notional = quantity.mul(entry);
  if (quantity.lte(0) || quantity.lt(ins.min_quantity)) {
    return none(`Comes to ${formatPlain(wire(quantity))} ${ins.base} after rounding down to the step: below the minimum ${formatPlain(ins.min_quantity)} ${ins.base}`, part);
  }
  if (part.notional.lt(ins.min_notional)) {
    return none(`Comes to ${formatPlain(wire(part.notional))} ${ins.quote}: below the minimum order value ${formatPlain(ins.min_notional)} ${ins.quote}`, part);
  }
  return { ...none(null, part), quantity };
}
