import type { ParamsOf } from '../../../src-common/contract/methods.js';
import type { Position } from '../../../src-common/contract/schemas.js';
import { asCallError, describeError } from '../../client/call-error.js';
import { DecimalCtor, dec, formatFixed, roundToIncrement, sign, wire } from '../../lib/decimal.js';
import type { AmendedField, ChartLine } from './chart-lines.js';

/** how close (px) the pointer must be to a line to take it */
export const HIT_PX = 5;

/** a chart price on the instrument's increment, as a wire decimal; null when it is no price (≤ 0, not finite) */
export function snapPrice(raw: number, increment: string): string | null {
  if (!Number.isFinite(raw) || raw <= 0) return null;
  const v = roundToIncrement(new DecimalCtor(raw.toFixed(12)), increment);
  return v.gt(0) ? wire(v) : null;
}

/** the order or position line nearest to pixel row `y` (within `tolerance`); the others (break-even) are not taken */
export function hitLine(lines: readonly ChartLine[], y: number, yOf: (price: number) => number, tolerance = HIT_PX): ChartLine | null {
  let best: ChartLine | null = null;
  let bestDist = tolerance + 1e-9;
  for (const l of lines) {
    if (l.kind !== 'order' && l.kind !== 'position') continue;
    const d = Math.abs(yOf(l.yAxis) - y);
    if (d <= bestDist) {
      best = l;
      bestDist = d;
    }
  }
  return best;
}

type Protection = Pick<ParamsOf<'positions.protect'>, 'take_profit' | 'stop_loss'>;

/**
 * Dropped off the position line: a take profit on the far side of the market from the
 * stop, a stop on the near side. A long takes profit above the market and stops below it;
 * a short the other way. The market (not the entry) divides them: an exit on the wrong
 * side of it would fill or trigger at once, and the engine refuses it.
 */
export function protectionAt(position: Pick<Position, 'quantity'>, price: string, market: string): Protection & { role: 'take_profit' | 'stop_loss' } {
  const long = sign(position.quantity) > 0;
  const above = dec(price).gt(market);
  return long === above ? { role: 'take_profit', take_profit: { price } } : { role: 'stop_loss', stop_loss: { stop_price: price } };
}

/** a refusal as the trader reads it: the engine's reason, with the rule or field it names */
export function refusalText(err: unknown): string {
  const e = asCallError(err);
  const text = describeError(e);
  const rule = e.details?.['rule'] ?? e.details?.['field'];
  return typeof rule === 'string' && !text.includes(rule) ? `${text} (${rule})` : text;
}

export type DragAction = { kind: 'amend'; id: string; price: string; field: AmendedField } | { kind: 'protect'; role: 'take_profit' | 'stop_loss'; params: Protection; price: string };

/** what the chart shows of a drag: the line under the pointer, and a refusal to read */
export interface DragView {
  ghost: { line: ChartLine; price: string; y: number; text: string; sending: boolean } | null;
  notice: string | null;
}

export interface DragPorts {
  increment: string;
  places: number;
  /** price → pixel row, and back */
  yOf(price: number): number;
  priceAt(y: number): number;
  /** the open position the position line stands for, and the market price that splits take profit from stop */
  position(): Position | undefined;
  market(): string | undefined;
  /** field: the order's limit `price`, or a waiting trigger's `stop_price` */
  amend(id: string, price: string, field: AmendedField): Promise<unknown>;
  protect(params: Protection): Promise<unknown>;
  render(view: DragView): void;
}

/**
 * One drag of an order or the position line: the line follows the pointer on the price
 * increment; Esc puts it back; release sends the amendment (or, from the position line,
 * the take profit or stop) and the line stays where it was dropped until the engine answers.
 * A refusal springs the line back (the order never moved) and says why.
 */
export class LineDrag {
  private line: ChartLine | null = null;
  private price: string | null = null;
  /** the pixel row the price was last read at */
  private row: number | null = null;
  private view: DragView = { ghost: null, notice: null };

  constructor(private readonly ports: DragPorts) {}

  get active(): boolean {
    return this.line !== null;
  }

  /** takes the line under row `y`, if any; true when a drag started */
  start(lines: readonly ChartLine[], y: number): boolean {
    const line = hitLine(lines, y, this.ports.yOf);
    // an order line a drag cannot move (a trailing stop) is not picked up
    if (!line || (line.kind === 'order' && line.amends === null)) return false;
    this.line = line;
    this.price = line.price;
    this.row = y;
    this.show({ ghost: this.ghost(line.price, false), notice: null });
    return true;
  }

  move(y: number): void {
    // the same row keeps the price the label shows, even if the pane rescaled meanwhile
    // (the replay trades on): a drop where the pointer stopped sends what the trader read
    if (!this.line || y === this.row) return;
    this.row = y;
    const price = snapPrice(this.ports.priceAt(y), this.ports.increment);
    if (!price || price === this.price) return;
    this.price = price;
    this.show({ ghost: this.ghost(price, false), notice: null });
  }

  /** Esc: nothing is sent, the line is where it was */
  cancel(): void {
    this.line = null;
    this.price = null;
    this.row = null;
    this.show({ ghost: null, notice: null });
  }

  /** what the drop asks for: nothing when the line did not move */
  action(): DragAction | null {
    const { line, price } = this;
    if (!line || !price || dec(price).eq(line.price)) return null;
    if (line.kind === 'order') return { kind: 'amend', id: line.name, price, field: line.amends ?? 'price' };
    const position = this.ports.position();
    const market = this.ports.market();
    if (!position || !market || sign(position.quantity) === 0) return null;
    const { role, ...params } = protectionAt(position, price, market);
    return { kind: 'protect', role, params, price };
  }

  /** the drop: sends what it asks and resolves once the engine answered (a refusal springs back) */
  async release(): Promise<void> {
    const act = this.action();
    const line = this.line;
    if (!act || !line) {
      this.cancel();
      return;
    }
    this.show({ ghost: this.ghost(act.price, true), notice: null });
    try {
      if (act.kind === 'amend') await this.ports.amend(act.id, act.price, act.field);
      else await this.ports.protect(act.params);
      // the engine's order update redraws the line where it now is
      this.line = null;
      this.show({ ghost: null, notice: null });
    } catch (err) {
      this.line = null;
      this.show({ ghost: null, notice: `${act.kind === 'amend' ? `Amend of ${act.id} refused` : `${act.role === 'take_profit' ? 'Take profit' : 'Stop loss'} refused`}: ${refusalText(err)}` });
    } finally {
      this.price = null;
    }
  }

  dismiss(): void {
    if (this.view.notice) this.show({ ...this.view, notice: null });
  }

  private ghost(price: string, sending: boolean): DragView['ghost'] {
    const line = this.line!;
    const at = formatFixed(price, this.ports.places);
    let text = at;
    if (line.kind === 'position') {
      const market = this.ports.market();
      const position = this.ports.position();
      const role = market && position && !dec(price).eq(line.price) ? protectionAt(position, price, market).role : null;
      text = role === 'take_profit' ? `TP ${at}` : role === 'stop_loss' ? `SL ${at}` : at;
    }
    return { line, price, y: this.ports.yOf(Number(price)), text: sending ? `${text} …` : text, sending };
  }

  private show(view: DragView): void {
    this.view = view;
    this.ports.render(view);
  }
}
