/**
 * What is wrong between a live account and its exchange right now, as the
 * account's status shows it: each problem has a source (its keys, the clock,
 * REST, a private stream) and a level ('error': it cannot trade; 'degraded':
 * it trades, with a handicap); a source's problem goes when that source
 * works again. Errors come first in the reason.
 */
import ccxt from 'ccxt';
import { classifyCcxtError, redact } from './errors.js';

export type HealthLevel = 'degraded' | 'error';
export type HealthSource = 'keys' | 'clock' | 'rest' | 'stream' | 'deadman';

export interface AccountHealth {
  status: 'active' | HealthLevel;
  reason: string | null;
}

interface Problem {
  level: HealthLevel;
  reason: string;
}

const ORDER: HealthSource[] = ['keys', 'clock', 'rest', 'stream', 'deadman'];

export class VenueHealth {
  private readonly problems = new Map<HealthSource, Problem>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly onListenerError: (err: unknown) => void = () => {}) {}

  set(source: HealthSource, level: HealthLevel, reason: string): void {
    const prev = this.problems.get(source);
    if (prev?.level === level && prev.reason === reason) return;
    this.problems.set(source, { level, reason });
    this.tell();
  }

  clear(...sources: HealthSource[]): void {
    let changed = false;
    for (const s of sources) changed = this.problems.delete(s) || changed;
    if (changed) this.tell();
  }

  has(source: HealthSource): boolean {
    return this.problems.has(source);
  }

  /** whether the exchange is refusing or failing requests (not only a stream) */
  get failingRequests(): boolean {
    return this.problems.has('keys') || this.problems.has('clock') || this.problems.has('rest');
  }

  get(): AccountHealth {
    const list = ORDER.flatMap((s) => {
      const p = this.problems.get(s);
      return p ? [p] : [];
    }).sort((a, b) => (a.level === b.level ? 0 : a.level === 'error' ? -1 : 1));
    if (list.length === 0) return { status: 'active', reason: null };
    return { status: list[0]!.level, reason: list.map((p) => p.reason).join('; ') };
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private tell(): void {
    for (const l of [...this.listeners]) {
      try {
        l();
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
}

/** What a failed exchange call says about the account: a refused key, a refused timestamp, or the exchange not serving. */
export type HealthVerdict = { source: 'keys'; reason: string } | { source: 'clock'; detail: string } | { source: 'rest'; reason: string } | null;

export function healthVerdict(err: unknown): HealthVerdict {
  const detail = redact(err instanceof Error ? err.message : String(err));
  if (err instanceof ccxt.AuthenticationError) return { source: 'keys', reason: `the exchange refused the API key: ${detail}` };
  if (err instanceof ccxt.InvalidNonce && !(err instanceof ccxt.ChecksumError)) return { source: 'clock', detail };
  const c = classifyCcxtError(err);
  // a refusal is an answer: the exchange is up, and (for a signed request) the key and the clock were accepted;
  // not so a gateway's 4xx (a WAF ban, a wrong base_url), which refuses before the exchange sees anything
  if (c.kind === 'refused' && c.about !== 'venue') return null;
  return { source: 'rest', reason: c.reason };
}

/** "clock ahead of the exchange by 20 s" from local minus exchange time, ms */
export function clockReason(skewMs: number, detail: string): string {
  const s = Math.round(Math.abs(skewMs) / 1000);
  if (s === 0) return `the exchange refused the request's timestamp though the clock is within a second of it (${detail})`;
  return `clock ${skewMs > 0 ? 'ahead of' : 'behind'} the exchange by ${s} s; set the computer's clock to synchronize automatically`;
}
