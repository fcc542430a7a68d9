import { type HeldBy, needsStopPrice } from '../../../src-common/contract/constants/orders.js';
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
          <div className="protection-row">
            <PriceInput field="takeProfit" name="take_profit" label="Take profit" hint={quote} value={t.takeProfit} onChange={(v) => set({ takeProfit: v })} {...common} />
            <PriceInput field="stopLoss" name="stop_loss" label="Stop loss" hint="trigger" value={t.stopLoss} onChange={(v) => set({ stopLoss: v })} {...common} />
          </div>
          <PriceInput field="stopLossLimit" name="stop_loss_limit" label="Stop-loss limit" hint="optional; empty: market" value={t.stopLossLimit} onChange={(v) => set({ stopLossLimit: v })} {...common} />
          <HeldByBadge heldBy={heldBy} />
        </>
      )}
    </div>
  );
}
