import type { OrderCheck } from '../../../src-common/contract/methods.js';
import type { Instrument } from '../../../src-common/contract/schemas.js';
import { useReference } from '../../state/reference.js';
import { useRisk } from '../../state/risk.js';
import { formatFigure } from '../risk/risk-figures.js';
import { LIMIT_TEXT, isLimitName, scopeLabel } from '../risk/RiskView.js';

type Refusal = OrderCheck['refusals'][number];
const RESUME = 'To resume, set the state back to ACTIVE on the Risk screen.';

/** what to do about a trading state that is not ACTIVE, in the trader's words */
function stateLine(state: string, reason: string, refused: boolean): string {
  if (state === 'HALTED') return `Trading is HALTED (${reason}): no order is sent. ${RESUME}`;
  const what = refused ? 'this order would grow or flip the position, so it would be refused' : 'this order shrinks the position and may be sent';
  return `Trading is REDUCING (${reason}): only orders that shrink a position pass; ${what}. ${RESUME}`;
}

/** a risk limit's refusal as the Risk screen names it, its numbers at the instrument's precision */
function limitLine(r: Refusal, instrument: Instrument | undefined, instruments: readonly Instrument[]): string {
  const d = r.details ?? {};
  const rule = String(d['rule'] ?? '');
  if (!isLimitName(rule)) return r.message;
  const text = LIMIT_TEXT[rule];
  const raw = (d['scope'] ?? {}) as { account?: string | null; symbol?: string | null; strategy?: string };
  const scope = { account: raw.account ?? null, symbol: raw.symbol ?? null, ...(raw.strategy !== undefined ? { strategy: raw.strategy } : {}) };
  // the order's own market sets the precision, whatever scope set the limit
  const at = { account: instrument?.account ?? scope.account, symbol: instrument?.symbol ?? scope.symbol };
  const fmt = (v: unknown) => (typeof v === 'string' ? formatFigure(text.figure, v, at, instruments) : '—');
  const unit = text.unit === 'quote' ? (instrument?.quote ?? '') : text.unit === 'base' ? (instrument?.base ?? '') : text.unit;
  const value = d['value'] === null || d['value'] === undefined ? 'cannot be valued' : `${fmt(d['value'])} ${unit}`.trim();
  return `${text.label} (${scopeLabel(scope)}): this order ${value === 'cannot be valued' ? value : `is ${value}`}, over the limit ${`${fmt(d['limit'])} ${unit}`.trim()}`;
}

/**
 * Before sending: what the engine says would refuse the order now
 * (orders.check) — each broken risk limit named as the Risk screen names it,
 * and a trading state other than ACTIVE with why and how to resume.
 */
export function RiskWarnings({ check, instrument }: { check: OrderCheck | null; instrument: Instrument | undefined }) {
  const risk = useRisk((s) => s.risk);
  const instruments = useReference((s) => s.instruments);
  const refusals = check?.refusals ?? [];
  const stateRefusal = refusals.find((r) => r.details?.['rule'] === 'trading_state');
  const lines: Array<{ key: string; text: string; tone: 'bad' | 'warn' }> = [];
  if (risk && risk.state !== 'ACTIVE') {
    const reason = String(stateRefusal?.details?.['reason'] ?? risk.reason);
    lines.push({ key: 'state', text: stateLine(risk.state, reason, stateRefusal !== undefined), tone: risk.state === 'HALTED' || stateRefusal ? 'bad' : 'warn' });
  }
  refusals.forEach((r, i) => {
    if (r === stateRefusal) return;
    if (r.code === 'RISK_REJECTED') lines.push({ key: `risk-${i}`, text: limitLine(r, instrument, instruments), tone: 'bad' });
    else lines.push({ key: `other-${i}`, text: r.message, tone: 'bad' });
  });
  if (lines.length === 0) return null;
  return (
    <ul className="risk-warnings" data-testid="risk-warnings" aria-label="Before sending">
      {lines.map((l) => (
        <li key={l.key} className={`risk-warning risk-warning-${l.tone}`} role="alert">
          {l.text}
        </li>
      ))}
    </ul>
  );
}
