import { z } from 'zod';

/** Error codes of the protocol (API.md), with their HTTP statuses. */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  INVALID_ORDER: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RISK_REJECTED: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  VENUE_UNAVAILABLE: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

/** The protocol's error object (the `error` of every refusal, and each failure inside a result that lists them). */
export const ErrorObjectSchema = z.object({
  code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

/** A refusal with a code: the only kind of error that crosses a boundary. */
export class TernError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'TernError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

export const badRequest = (message: string, details?: Record<string, unknown>) => new TernError('BAD_REQUEST', message, details);
export const invalidOrder = (field: string, message: string, details?: Record<string, unknown>) =>
  new TernError('INVALID_ORDER', message, { field, ...details });
export const notFound = (what: string, id: string) => new TernError('NOT_FOUND', `${what} not found: ${id}`, { id });
export const conflict = (message: string, details?: Record<string, unknown>) => new TernError('CONFLICT', message, details);

/** Any thrown value as a TernError; unknown errors become INTERNAL without leaking their text. */
export function asTernError(err: unknown): TernError {
  if (err instanceof TernError) return err;
  return new TernError('INTERNAL', 'internal error');
}
