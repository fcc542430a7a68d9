/**
 * A refused or failed call, as every transport reports it: the protocol's
 * error code and message (never a stack trace), plus the transport's own codes
 * for a lost connection.
 */
export type CallErrorCode =
  | 'BAD_REQUEST'
  | 'INVALID_ORDER'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RISK_REJECTED'
  | 'RATE_LIMITED'
  | 'INTERNAL'
  | 'VENUE_UNAVAILABLE'
  | 'DISCONNECTED'
  | 'TIMEOUT';

export class CallError extends Error {
  constructor(
    readonly code: CallErrorCode | string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'CallError';
  }

  /** the field an INVALID_ORDER / BAD_REQUEST names, if any */
  get field(): string | undefined {
    const f = this.details?.['field'];
    return typeof f === 'string' ? f : undefined;
  }
}

/** Anything a transport may reject with, as a CallError with a message fit for the trader. */
export function asCallError(err: unknown): CallError {
  if (err instanceof CallError) return err;
  if (typeof err === 'object' && err !== null && 'code' in err && 'message' in err) {
    const e = err as { code: unknown; message: unknown; details?: unknown };
    const details = typeof e.details === 'object' && e.details !== null ? (e.details as Record<string, unknown>) : undefined;
    return new CallError(String(e.code), String(e.message), details);
  }
  // Unknown throwables keep no text: it could be a stack trace or internal detail.
  return new CallError('INTERNAL', 'something went wrong; the action may not have completed');
}

/** A one-line description for toasts and inline errors: "Refused by risk: max_order_notional …". */
export function describeError(err: unknown): string {
  const e = asCallError(err);
  switch (e.code) {
    case 'DISCONNECTED':
      return `Not connected: ${e.message}`;
    case 'RISK_REJECTED':
      return `Refused by risk: ${e.message}`;
    case 'RATE_LIMITED':
      return `Too many requests: ${e.message}`;
    case 'INTERNAL':
      return 'The engine hit an internal error; the action may not have completed. Check the blotters.';
    default:
      return e.message;
  }
}
