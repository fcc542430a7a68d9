import ccxt from 'ccxt';
import { TernError } from '../../contract/errors.js';
import { VenueRejection } from '../../engine/ports/venue.js';

/**
 * What a ccxt error means for a request:
 * - `refused`: the exchange answered no (funds, filters, auth, unknown order): nothing happened;
 * - `rate_limited`: the exchange's rate limit (HTTP 429/418): not processed;
 * - `unavailable`: the exchange said it cannot serve now (5xx, maintenance);
 * - `no_answer`: timeout or a dropped connection: the request may or may not have been carried out.
 */
export type ErrorKind = 'refused' | 'rate_limited' | 'unavailable' | 'no_answer';

export interface ClassifiedError {
  kind: ErrorKind;
  /** a sentence for a trader */
  reason: string;
}

export function classifyCcxtError(err: unknown): ClassifiedError {
  const detail = redact(err instanceof Error ? err.message : String(err));
  // ccxt raises DDoSProtection for 429/418 before it reads the body; RateLimitExceeded where an exchange says so.
  if (err instanceof ccxt.DDoSProtection || err instanceof ccxt.RateLimitExceeded) return { kind: 'rate_limited', reason: `the exchange's rate limit was hit (${detail})` };
  if (err instanceof ccxt.OnMaintenance) return { kind: 'unavailable', reason: `the exchange is under maintenance (${detail})` };
  if (err instanceof ccxt.ExchangeNotAvailable) return { kind: 'unavailable', reason: `the exchange is not available (${detail})` };
  // A bad timestamp is refused before anything is done.
  if (err instanceof ccxt.InvalidNonce && !(err instanceof ccxt.ChecksumError)) return { kind: 'refused', reason: `the request's timestamp was refused; is the clock in sync? (${detail})` };
  if (err instanceof ccxt.RequestTimeout) return { kind: 'no_answer', reason: `the exchange did not answer in time (${detail})` };
  if (err instanceof ccxt.NetworkError) return { kind: 'no_answer', reason: `the connection to the exchange failed (${detail})` };
  if (err instanceof ccxt.InsufficientFunds) return { kind: 'refused', reason: `insufficient funds: ${detail}` };
  if (err instanceof ccxt.OrderNotFound) return { kind: 'refused', reason: `the exchange has no such open order: ${detail}` };
  if (err instanceof ccxt.OrderImmediatelyFillable) return { kind: 'refused', reason: `post_only order would take liquidity: ${detail}` };
  if (err instanceof ccxt.InvalidOrder) return { kind: 'refused', reason: `invalid order: ${detail}` };
  if (err instanceof ccxt.BadSymbol) return { kind: 'refused', reason: `unknown symbol: ${detail}` };
  // Binance's NOTIONAL filter comes out as BadRequest; for an order it is an invalid order.
  if (err instanceof ccxt.BadRequest) return { kind: 'refused', reason: `invalid order: ${detail}` };
  if (err instanceof ccxt.AuthenticationError) return { kind: 'refused', reason: `the exchange refused the API key: ${detail}` };
  if (err instanceof ccxt.NotSupported) return { kind: 'refused', reason: `not supported by the exchange: ${detail}` };
  if (err instanceof ccxt.ExchangeError) return { kind: 'refused', reason: `the exchange refused the request: ${detail}` };
  if (err instanceof ccxt.BadResponse) return { kind: 'no_answer', reason: `the exchange's answer could not be read (${detail})` };
  return { kind: 'no_answer', reason: `the request failed (${detail})` };
}

/**
 * The error a venue method throws for a failed ccxt call: a VenueRejection
 * when the exchange refused (the OMS rejects the order), otherwise a
 * TernError whose message says the outcome is unknown and reconciliation
 * settles it (the OMS keeps the order pending).
 */
export function venueError(err: unknown, action: string): Error {
  if (err instanceof VenueRejection || err instanceof TernError) return err;
  const c = classifyCcxtError(err);
  if (isDuplicateClientId(err)) {
    // We never re-send an id, so a duplicate means the first request reached the exchange: reconciliation finds it.
    return new TernError('VENUE_UNAVAILABLE', `${action}: the exchange already has an order with this client id; reconciliation resolves it (${c.reason})`);
  }
  switch (c.kind) {
    case 'refused':
      return new VenueRejection(c.reason);
    case 'rate_limited':
      return new TernError('RATE_LIMITED', `${action}: ${c.reason}; the order stays pending until reconciliation confirms what the exchange did`, { retry_after_s: 1 });
    case 'unavailable':
      return new TernError('VENUE_UNAVAILABLE', `${action}: ${c.reason}; the order stays pending until reconciliation confirms what the exchange did`);
    case 'no_answer':
      return new TernError('VENUE_UNAVAILABLE', `${action}: ${c.reason}; the order stays pending until reconciliation confirms what the exchange did`);
  }
}

function isDuplicateClientId(err: unknown): boolean {
  return err instanceof ccxt.DuplicateOrderId || (err instanceof ccxt.InvalidOrder && /duplicate order/i.test(err.message));
}

const SECRETISH = /([?&](?:signature|apiKey|api_key|passphrase|password|secret|timestamp|recvWindow)=)[^&\s"']*/gi;

/** An error text fit for a log line or a response: query strings' signatures and keys are cut. */
export function redact(text: string): string {
  return text.replace(SECRETISH, '$1…').slice(0, 500);
}
