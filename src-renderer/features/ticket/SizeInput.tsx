import { useEffect, useMemo, useState } from 'react';
import { useClient } from '../../client/context.js';
import { formatFixed, formatPlain, wire } from '../../lib/decimal.js';
import { useMarket } from '../../state/market.js';
import { usePortfolio } from '../../state/portfolio.js';
import { placesFor, useSelectedInstrument, useSelectedTicker } from '../../state/selectors.js';
import { type SizeMode, useTicket } from '../../state/ticket.js';
import { useTrading } from '../../state/trading.js';
import { PERCENT_PRESETS, type Sizing, amountUnit, sizeTicket } from './sizing.js';

/**
 * The account's equity, for risk sized as a percent of it: asked for only while
 * that mode is on, again whenever the header's valuation moves.
 */
function useAccountEquity(account: string, enabled: boolean): { value: string; asset: string } | null {
  const client = useClient();
  const moved = usePortfolio((s) => s.current);
  const [equity, setEquity] = useState<{ value: string; asset: string } | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    client.call('portfolio.get', { account }).then(
      (p) => live && setEquity({ value: p.equity, asset: p.quote_asset }),
      () => live && setEquity(null),
    );
    return () => {
      live = false;
    };
  }, [client, account, enabled, moved]);
  return enabled ? equity : null;
}

function useFree(account: string, asset: string | undefined): string | null {
  return useTrading((s) => (asset ? (s.balances.rows.get(`${account}|${asset}`)?.free ?? null) : null));
}

/**
 * The ticket's size: a base quantity typed as is, or worked out from a quote
 * amount, a share of the free balance (preset buttons and a slider) or the
 * amount at risk to a stop-loss. A worked-out quantity is written to the
 * ticket's quantity (what is sent) and shown, with its value, before sending.
 */
export function SizeInput({ error, touched, onEdit, onBlur }: { error?: string; touched: boolean; onEdit: () => void; onBlur: () => void }) {
  const t = useTicket();
  const instrument = useSelectedInstrument();
  const ticker = useSelectedTicker();
  const account = useMarket((s) => s.account);
  const freeBase = useFree(account, instrument?.base);
  const freeQuote = useFree(account, instrument?.quote);
  const equity = useAccountEquity(account, t.sizeMode === 'risk' && t.riskUnit === 'equity');
  const places = placesFor(instrument);

  // the stop risk is measured to is the ticket's stop loss: while its field is on screen, that field is the one to type in
  const slShown = t.type === 'oco' || (t.protect && (t.type === 'market' || t.type === 'limit'));
  // an OCO or a trailing stop closes a position: there is no entry to measure a risk from
  const noRisk = t.sizeMode === 'risk' && (t.type === 'oco' || t.type === 'trailing_stop');

  const sizing: Sizing | null = useMemo(
    () =>
      noRisk
        ? { quantity: null, error: `Risk sizing is for entries: size ${t.type === 'oco' ? 'an OCO' : 'a trailing stop'} in the base asset or as a %`, entry: null, notional: null, basis: null, risk: null, lossAtStop: null }
        : instrument
        ? sizeTicket({
            mode: t.sizeMode,
            side: t.side,
            // an OCO is sized like a limit at its take profit
            type: t.type === 'oco' ? 'limit' : t.type,
            amount: t.sizeAmount,
            amountTypedIn: t.sizeAmountUnit,
            pct: t.sizePct,
            riskUnit: t.riskUnit,
            stopLoss: t.stopLoss,
            limitPrice: t.type === 'oco' ? t.takeProfit : t.price,
            stopPrice: t.stopPrice,
            touch: ticker ?? undefined,
            instrument,
            free: { base: freeBase, quote: freeQuote },
            equity,
          })
        : null,
    [noRisk, t.sizeMode, t.side, t.type, t.sizeAmount, t.sizeAmountUnit, t.sizePct, t.riskUnit, t.stopLoss, t.price, t.takeProfit, t.stopPrice, ticker, instrument, freeBase, freeQuote, equity],
  );

  // the quantity sent follows the sizing (and the market price it was sized at) until the trader types one
  const sized = t.sizeMode === 'base' || !sizing ? null : sizing.quantity ? wire(sizing.quantity) : '';
  const setTicket = t.set;
  useEffect(() => {
    if (sized !== null && sized !== useTicket.getState().quantity) setTicket({ quantity: sized });
  }, [sized, setTicket]);

  const base = instrument?.base ?? '';
  const quote = instrument?.quote ?? '';
  const modes: Array<{ mode: SizeMode; label: string; title: string }> = [
    { mode: 'base', label: base || 'Qty', title: `Quantity in ${base || 'the base asset'}` },
    { mode: 'quote', label: quote || 'Value', title: `Amount of ${quote || 'the quote asset'} to spend or receive` },
    { mode: 'percent', label: '%', title: `Share of the free ${t.side === 'buy' ? quote : base} balance` },
    { mode: 'risk', label: 'Risk', title: 'Size from the amount lost if the stop-loss is hit, fees included' },
  ];
  const edit = (patch: Parameters<typeof t.set>[0]) => {
    t.set(patch);
    onEdit();
  };
  const pickPct = (pct: number) => edit({ sizeMode: 'percent', sizePct: pct });
  // in a sized mode, the sizing's own reason comes first: "Enter a quantity" would not say what to fix
  const ownInput = t.sizeMode === 'percent' ? t.sizePct > 0 : t.sizeMode === 'risk' ? t.sizeAmount !== '' || t.stopLoss !== '' : t.sizeAmount !== '';
  const message = t.sizeMode !== 'base' && sizing?.error && (touched || ownInput) ? sizing.error : error;

  const input = (field: 'quantity' | 'sizeAmount' | 'stopLoss', placeholder: string, label: string) => (
    <input
      type="text"
      inputMode="decimal"
      autoComplete="off"
      data-ticket-field={field}
      name={field === 'quantity' ? 'quantity' : field === 'stopLoss' ? 'stop_loss' : 'size_amount'}
      aria-label={label}
      value={t[field]}
      aria-invalid={Boolean(message) && field !== 'stopLoss'}
      aria-describedby="err-quantity"
      placeholder={placeholder}
      onChange={(e) => edit(field === 'sizeAmount' ? { sizeAmount: e.target.value, sizeAmountUnit: amountUnit(t.sizeMode, t.riskUnit, quote) } : { [field]: e.target.value })}
      onBlur={onBlur}
    />
  );

  return (
    <div className="size-input">
      <div className="size-head">
        <span className="size-label">{t.sizeMode === 'risk' ? 'Risk' : 'Size'}</span>
        <div className="seg seg-small" role="radiogroup" aria-label="Size in">
          {modes.map((m) => (
            <button key={m.mode} type="button" role="radio" aria-checked={t.sizeMode === m.mode} className={`seg-btn ${t.sizeMode === m.mode ? 'seg-active' : ''}`} title={m.title} data-size-mode={m.mode} onClick={() => edit(m.mode === t.sizeMode ? {} : { sizeMode: m.mode, sizeAmount: '' })}>
              {m.label}
            </button>
          ))}
        </div>
      </div>

      {t.sizeMode === 'base' && <label className="field">{input('quantity', instrument ? `min ${formatPlain(instrument.min_quantity)}` : '', `Quantity in ${base}`)}</label>}
      {t.sizeMode === 'quote' && <label className="field field-unit" data-unit={quote}>{input('sizeAmount', instrument ? `min ${formatPlain(instrument.min_notional)}` : '', `Amount in ${quote}`)}</label>}
      {t.sizeMode === 'percent' && (
        <label className="field field-unit" data-unit="%">
          <input
            type="text"
            inputMode="numeric"
            autoComplete="off"
            data-ticket-field="sizePct"
            name="size_pct"
            aria-label={`Percent of free ${t.side === 'buy' ? quote : base}`}
            value={t.sizePct > 0 ? String(t.sizePct) : ''}
            aria-invalid={Boolean(message)}
            aria-describedby="err-quantity"
            placeholder="1–100"
            onChange={(e) => {
              const n = Number(e.target.value.replace('%', '').trim());
              edit({ sizePct: Number.isFinite(n) ? Math.max(0, Math.min(100, Math.floor(n))) : 0 });
            }}
            onBlur={onBlur}
          />
        </label>
      )}
      {t.sizeMode === 'risk' && (
        <div className="size-risk">
          <label className="field field-unit" data-unit={t.riskUnit === 'quote' ? quote : '%'}>
            {input('sizeAmount', t.riskUnit === 'quote' ? `amount of ${quote}` : '% of equity', t.riskUnit === 'quote' ? `Risk in ${quote}` : 'Risk in % of equity')}
          </label>
          <div className="seg seg-small" role="radiogroup" aria-label="Risk in">
            <button type="button" role="radio" aria-checked={t.riskUnit === 'quote'} className={`seg-btn ${t.riskUnit === 'quote' ? 'seg-active' : ''}`} onClick={() => edit(t.riskUnit === 'quote' ? {} : { riskUnit: 'quote', sizeAmount: '' })}>
              {quote || 'Quote'}
            </button>
            <button type="button" role="radio" aria-checked={t.riskUnit === 'equity'} className={`seg-btn ${t.riskUnit === 'equity' ? 'seg-active' : ''}`} onClick={() => edit(t.riskUnit === 'equity' ? {} : { riskUnit: 'equity', sizeAmount: '' })} title="Percent of the account's equity">
              % eq.
            </button>
          </div>
          {slShown ? (
            <div className="size-stop size-stop-note muted" data-testid="risk-stop-note">
              to the stop loss below{t.stopLoss.trim() ? ` (${formatPlain(t.stopLoss.trim())})` : ''}
            </div>
          ) : (
            <label className="field field-inline size-stop">
              <span>Stop at</span>
              {input('stopLoss', 'stop-loss price', 'Stop-loss price')}
              {(t.type === 'market' || t.type === 'limit') && (
                <button type="button" className="btn btn-small" data-testid="risk-stop-attach" title="Send this stop with the order as its stop loss" onClick={() => edit({ protect: true })}>
                  Attach
                </button>
              )}
            </label>
          )}
        </div>
      )}

      {t.sizeMode !== 'risk' && (
        <div className="size-pct" role="group" aria-label={`Share of the free ${t.side === 'buy' ? quote : base}`}>
          {PERCENT_PRESETS.map((p) => (
            <button key={p} type="button" className={`pct-btn ${t.sizeMode === 'percent' && t.sizePct === p ? 'pct-active' : ''}`} data-testid={`size-pct-${p}`} onClick={() => pickPct(p)}>
              {p}%
            </button>
          ))}
          <input type="range" min={0} max={100} step={1} className="size-slider" aria-label="Share of the free balance" data-testid="size-slider" value={t.sizeMode === 'percent' ? t.sizePct : 0} onChange={(e) => pickPct(Number(e.target.value))} />
        </div>
      )}

      {t.sizeMode !== 'base' && (
        <div className="size-result num" data-testid="size-result">
          {sizing?.quantity ? (
            <>
              = <b data-testid="size-quantity">{formatFixed(sizing.quantity, places.size)}</b> {base}
              {sizing.notional ? ` · ${formatFixed(sizing.notional, places.price)} ${quote}` : ''}
              {sizing.lossAtStop && sizing.risk ? (
                <span className="muted">
                  {' '}
                  · loses {formatFixed(sizing.lossAtStop, places.price)} of {formatFixed(sizing.risk, places.price)} at the stop
                </span>
              ) : null}
              {sizing.basis ? <span className="muted"> · of {formatFixed(sizing.basis.amount, sizing.basis.asset === base ? places.size : places.price)} {sizing.basis.asset}</span> : null}
            </>
          ) : (
            <span className="muted">= — {base}</span>
          )}
        </div>
      )}
      {message ? (
        <div className="field-error" id="err-quantity" role="alert">
          {message}
        </div>
      ) : null}
    </div>
  );
}
