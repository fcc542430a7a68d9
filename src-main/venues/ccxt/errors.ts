import ccxt from 'ccxt';
import { TernError } from '../../../src-common/contract/errors.js';
import { type RejectionKind, VenueRejection } from '../../engine/ports/venue.js';
import { redact } from './redact.js';

export { redact };

/**
 * What a ccxt error means for a request:
 * - `refused`: the exchange answered no (funds, filters, auth, clock, a 4xx): nothing happened;
 * - `rate_limited`: the exchange's rate limit (HTTP 429/418): not processed;
 * - `unavailable`: the exchange said it cannot serve now (5xx, maintenance): it may have been processed;
 * - `no_answer`: timeout or a dropped connection: the request may or may not have been carried out.
 */
export type ErrorKind = 'refused' | 'rate_limited' | 'unavailable' | 'no_answer';

/** What the exchange said, for an error's `details` (names as in the API's JSON). */
export interface VenueDetails {
  /** ccxt's class of the error, e.g. "InvalidNonce" */
  venue_error: string;
  /** the exchange's own error code, when its answer had one (Binance: -1021…) */
  venue_code?: number;
  /** the exchange's own message, when its answer had one */
  venue_message?: string;
  http_status?: number;
  retry_after_s?: number;
}

export interface ClassifiedError {
  kind: ErrorKind;
  /** a sentence for a trader */
  reason: string;
  /** a refusal about the request itself (`order`) or about the account, the clock, a gateway (`venue`) */
  about: 'order' | 'venue' | 'symbol';
  details: VenueDetails;
}

export function classifyCcxtError(err: unknown): ClassifiedError {
  const text = redact(err instanceof Error ? err.message : String(err));
  const details = detailsOf(err, text);
  const code = details.venue_code !== undefined ? ` ${details.venue_code}` : '';
  const is = (kind: ErrorKind, reason: string, about: ClassifiedError['about'] = 'order'): ClassifiedError => ({ kind, reason, about, details });
  // ccxt raises DDoSProtection for 429/418 before it reads the body; RateLimitExceeded where an exchange says so.
  if (err instanceof ccxt.DDoSProtection || err instanceof ccxt.RateLimitExceeded) {
    details.retry_after_s = retryAfterOf(text, details.http_status);
    return is('rate_limited', `the exchange's rate limit was hit, nothing was done (${text})`, 'venue');
  }
  if (err instanceof ccxt.OnMaintenance) return is('unavailable', `the exchange is under maintenance (${text})`, 'venue');
  if (err instanceof ccxt.ExchangeNotAvailable) {
    // A 4xx is the exchange (or its gateway) refusing the request before acting on it; a 409 on Binance's
    // cancelReplace is a partial success, so it stays ambiguous like a 5xx.
    const status = details.http_status;
    if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 409) {
      return is('refused', `the exchange refused the request with HTTP ${status}, nothing was done (${text})`, 'venue');
    }
    return is('unavailable', `the exchange is not available (${text})`, 'venue');
  }
  // A bad timestamp is refused before anything is done.
  if (err instanceof ccxt.InvalidNonce && !(err instanceof ccxt.ChecksumError)) {
    return is('refused', `the exchange refused the request's timestamp${code}: this computer's clock is off from the exchange's by more than the request's window; sync the clock (${text})`, 'venue');
  }
  if (err instanceof ccxt.RequestTimeout) return is('no_answer', `the exchange did not answer in time (${text})`, 'venue');
  if (err instanceof ccxt.NetworkError) return is('no_answer', `the connection to the exchange failed (${text})`, 'venue');
  if (err instanceof ccxt.InsufficientFunds) return is('refused', `insufficient funds: ${text}`);
  if (err instanceof ccxt.OrderNotFound) return is('refused', `the exchange has no such open order: ${text}`);
  if (err instanceof ccxt.OrderImmediatelyFillable) return is('refused', `post_only order would take liquidity: ${text}`);
  if (err instanceof ccxt.InvalidOrder) return is('refused', `invalid order: ${text}`);
  if (err instanceof ccxt.BadSymbol) return is('refused', `unknown symbol: ${text}`, 'symbol');
  // Binance's NOTIONAL filter comes out as BadRequest; for an order it is an invalid order.
  if (err instanceof ccxt.BadRequest) return is('refused', `invalid order: ${text}`);
  if (err instanceof ccxt.AuthenticationError) return is('refused', `the exchange refused the API key: ${text}`, 'venue');
  if (err instanceof ccxt.NotSupported) return is('refused', `not supported by the exchange: ${text}`);
  if (err instanceof ccxt.ExchangeError) return is('refused', `the exchange refused the request: ${text}`);
  if (err instanceof ccxt.BadResponse) return is('no_answer', `the exchange's answer could not be read (${text})`, 'venue');
  return is('no_answer', `the request failed (${text})`, 'venue');
}

/**
 * The error a venue method throws for a failed order request (create, amend,
 * cancel): a VenueRejection when the exchange refused for certain (the OMS
 * rejects the order, or keeps it as it was), otherwise a TernError whose
 * message says the outcome is unknown and reconciliation settles it (the OMS
 * keeps the order pending).
 */
export function venueError(err: unknown, action: string): Error {
  if (err instanceof VenueRejection || err instanceof TernError) return err;
  const c = classifyCcxtError(err);
  if (isDuplicateClientId(err)) {
    // We never re-send an id, so a duplicate means the first request reached the exchange: reconciliation finds it.
    return new TernError('VENUE_UNAVAILABLE', `${action}: the exchange already has an order with this client id; reconciliation resolves it (${c.reason})`, { ...c.details });
  }
  switch (c.kind) {
    case 'refused':
    case 'rate_limited': {
      const kind: RejectionKind = c.kind === 'rate_limited' ? 'rate_limited' : c.about === 'venue' ? 'venue' : 'order';
      return new VenueRejection(c.reason, { kind, ...(c.details.retry_after_s !== undefined ? { retryAfterS: c.details.retry_after_s } : {}), details: { ...c.details } });
    }
    case 'unavailable':
    case 'no_answer':
      return new TernError('VENUE_UNAVAILABLE', `${action}: ${c.reason}; the order stays pending until reconciliation confirms what the exchange did`, { ...c.details });
  }
}

/**
 * The error a venue query (open orders, an order, trades, balances) throws:
 * always a TernError carrying what the exchange said. Its rate limit is
 * RATE_LIMITED, an unknown symbol BAD_REQUEST, anything else (the clock, the
 * key, an outage) VENUE_UNAVAILABLE.
 */
export function venueQueryError(err: unknown, action: string): TernError {
  if (err instanceof TernError) return err;
  if (err instanceof VenueRejection) return new TernError('VENUE_UNAVAILABLE', `${action}: ${err.reason}`, err.details);
  const c = classifyCcxtError(err);
  const details = { ...c.details };
  if (c.kind === 'rate_limited') return new TernError('RATE_LIMITED', `${action}: ${c.reason}`, details);
  if (c.kind === 'refused' && c.about === 'symbol') return new TernError('BAD_REQUEST', `${action}: ${c.reason}`, { field: 'symbol', ...details });
  return new TernError('VENUE_UNAVAILABLE', `${action}: ${c.reason}`, details);
}

function isDuplicateClientId(err: unknown): boolean {
  return err instanceof ccxt.DuplicateOrderId || (err instanceof ccxt.InvalidOrder && /duplicate order/i.test(err.message));
}

/**
 * The exchange's code, message and HTTP status as ccxt's texts carry them:
 * `binance {"code":-1021,"msg":"…"}` (an exchange's JSON answer) and
 * `binance POST https://… 400 Bad Request <body>` (an HTTP status alone).
 */
function detailsOf(err: unknown, text: string): VenueDetails {
  const out: VenueDetails = { venue_error: err instanceof Error ? err.constructor.name : typeof err };
  const code = /"code"\s*:\s*"?(-?\d+)/.exec(text);
  if (code) out.venue_code = Number(code[1]);
  const msg = /"msg"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(text);
  if (msg) out.venue_message = msg[1]!.replace(/\\(.)/g, '$1');
  const status = /^\S+ (?:(?:GET|POST|PUT|DELETE|PATCH) \S+ )?([1-5]\d\d) /.exec(text);
  if (status) out.http_status = Number(status[1]);
  return out;
}

/** Seconds until the exchange takes requests again: a ban's end when it names one, else one second. */
function retryAfterOf(text: string, status: number | undefined): number {
  const until = /until (\d{13})/.exec(text);
  if (until) return Math.max(1, Math.ceil((Number(until[1]) - Date.now()) / 1000));
  return status === 418 ? 60 : 1;
}
