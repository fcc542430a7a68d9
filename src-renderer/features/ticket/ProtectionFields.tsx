import { type HeldBy, OCO_TAKE_PROFIT_TYPES, type OcoTakeProfitType, needsStopPrice } from '../../../src-common/contract/constants/orders.js';
import type { Instrument } from '../../../src-common/contract/schemas.js';
import { type TicketFields, type TrailingUnit, useTicket } from '../../state/ticket.js';
import type { TicketField } from './validate.js';

/** who holds the protective part, in the trader's words: what happens if Tern is closed is the point */
const HELD_TEXT: Record<HeldBy, { label: string; title: string }> = {
  venue: { label: 'Held by exchange', title: 'The exchange holds the trigger: it works with Tern closed' },
  tern: { label: 'Held by Tern', title: 'Tern holds the trigger: works only while Tern runs' },
};

/**
 * Who will hold the trigger (or the OCO link) of what the ticket would send,
 * as the engine decides it for this account's venue (orders.check). Shown
 * before sending; nothing while the engine has not answered.
 */
export function HeldByBadge({ heldBy }: { heldBy: HeldBy | null | undefined }) {
  if (!heldBy) return null;
  const text = HELD_TEXT[heldBy];
  return (
    <div className={`held-by held-by-${heldBy}`} data-testid="held-by" title={text.title}>
      <span className="held-by-label">{text.label}</span>
      {heldBy === 'tern' && <span className="muted"> · works only while Tern runs</span>}
    </div>
  );
}

/** an OCO's take-profit leg, as the ticket names it (Binance: LIMIT_MAKER, TAKE_PROFIT, TAKE_PROFIT_LIMIT) */
const TP_KIND_TEXT: Record<OcoTakeProfitType, { label: string; title: string }> = {
  limit: { label: 'Limit order', title: 'The take profit rests as a limit order at its price' },
  take_profit_market: { label: 'Trigger, market', title: 'The take profit waits for the market to reach its trigger, then sells (buys) at market' },
  take_profit_limit: { label: 'Trigger, limit', title: 'The take profit waits for the market to reach its trigger, then places a limit at its limit price' },
};

interface Props {
  instrument: Instrument | undefined;
  /** the message to show under a field, if any */
  shown: (f: TicketField) => string | undefined;
  touch: (f: TicketField) => void;
  /** any field typed: a refusal from the engine about the previous values is stale */
  edited: () => void;
  heldBy: HeldBy | null | undefined;
}

function PriceInput({ field, name, label, hint, value, onChange, shown, touch }: { field: TicketField; name: string; label: string; hint?: string | undefined; value: string; onChange: (v: string) => void } & Pick<Props, 'shown' | 'touch'>) {
  const err = shown(field);
  return (
    <div className="protection-field">
      <label className="field">
        <span>
          {label} {hint && <span className="muted">{hint}</span>}
        </span>
        <input
          type="text"
          inputMode="decimal"
          autoComplete="off"
          data-ticket-field={field}
          name={name}
          value={value}
          aria-invalid={Boolean(err)}
          aria-describedby={`err-${field}`}
          onChange={(e) => onChange(e.target.value)}
          onBlur={() => touch(field)}
        />
      </label>
      {err && (
        <div className="field-error" id={`err-${field}`} role="alert">
          {err}
        </div>
      )}
    </div>
  );
}

/**
 * The ticket's protective fields: an entry's take profit and stop loss
 * (market and limit), an OCO pair's two legs, a trailing stop's distance and
 * activation, each with who holds it.
 */
export function ProtectionFields({ instrument, shown, touch, edited, heldBy }: Props) {
  const t = useTicket();
  const set = (patch: Partial<TicketFields>) => {
    t.set(patch);
    edited();
  };
  const quote = instrument?.quote;
  const common = { shown, touch };

  if (t.type === 'trailing_stop') {
    return (
      <div className="protection" data-testid="protection">
        <div className="protection-row">
          <PriceInput field="trailingOffset" name="trailing_offset" label="Trailing distance" value={t.trailingOffset} onChange={(v) => set({ trailingOffset: v })} {...common} />
          <div className="seg trailing-unit" role="radiogroup" aria-label="Trailing unit">
            {(['percent', 'price'] as const satisfies readonly TrailingUnit[]).map((u) => (
              <button key={u} type="button" role="radio" aria-checked={t.trailingUnit === u} className={`seg-btn ${t.trailingUnit === u ? 'seg-active' : ''}`} onClick={() => set({ trailingUnit: u })}>
                {u === 'percent' ? '%' : (quote ?? 'price')}
              </button>
            ))}
          </div>
        </div>
        <PriceInput field="activationPrice" name="activation_price" label="Activation price" hint="optional" value={t.activationPrice} onChange={(v) => set({ activationPrice: v })} {...common} />
        <HeldByBadge heldBy={heldBy} />
      </div>
    );
  }

  const isOco = t.type === 'oco';
  // a stop or take profit: the venue holds its trigger, or Tern does (and fires it only while it runs)
  if (t.type !== 'oco' && needsStopPrice(t.type)) {
    return heldBy ? (
      <div className="protection" data-testid="protection">
        <HeldByBadge heldBy={heldBy} />
      </div>
    ) : null;
  }
  if (!isOco && t.type !== 'market' && t.type !== 'limit') return null;
  return (
    <div className="protection" data-testid="protection">
      {!isOco && (
        <label className="check" title="Attach a take profit and/or a stop loss: placed for what fills, reduce-only">
          <input type="checkbox" name="protect" checked={t.protect} onChange={(e) => set({ protect: e.target.checked })} /> TP/SL
        </label>
      )}
      {(isOco || t.protect) && (
        <>
          {isOco && (
            <div className="seg tp-kind" role="radiogroup" aria-label="Take profit as">
              {OCO_TAKE_PROFIT_TYPES.map((k) => (
                <button key={k} type="button" role="radio" aria-checked={t.takeProfitKind === k} title={TP_KIND_TEXT[k].title} className={`seg-btn ${t.takeProfitKind === k ? 'seg-active' : ''}`} onClick={() => set({ takeProfitKind: k })}>
                  {TP_KIND_TEXT[k].label}
                </button>
              ))}
            </div>
          )}
          <div className="protection-row">
            <PriceInput field="takeProfit" name="take_profit" label="Take profit" hint={isOco && t.takeProfitKind !== 'limit' ? 'trigger' : quote} value={t.takeProfit} onChange={(v) => set({ takeProfit: v })} {...common} />
            <PriceInput field="stopLoss" name="stop_loss" label="Stop loss" hint="trigger" value={t.stopLoss} onChange={(v) => set({ stopLoss: v })} {...common} />
          </div>
          {isOco && t.takeProfitKind === 'take_profit_limit' && (
            <PriceInput field="takeProfitLimit" name="take_profit_limit" label="Take-profit limit" hint={quote} value={t.takeProfitLimit} onChange={(v) => set({ takeProfitLimit: v })} {...common} />
          )}
          <PriceInput field="stopLossLimit" name="stop_loss_limit" label="Stop-loss limit" hint="optional; empty: market" value={t.stopLossLimit} onChange={(v) => set({ stopLossLimit: v })} {...common} />
          <HeldByBadge heldBy={heldBy} />
        </>
      )}
    </div>
  );
}
