import type { z } from 'zod';
import { validationError } from '../../src-common/contract/validation.js';

type Issue = z.core.$ZodIssue;
import { ERROR_STATUS, TernError, type ErrorBody } from '../../src-common/contract/errors.js';

function isZodError(err: unknown): err is { issues: Issue[] } {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'ZodError' && Array.isArray((err as { issues?: unknown }).issues);
}

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  /** true for an unexpected failure that deserves a log line (the client only sees "internal error") */
  unexpected: boolean;
}

/** Headers an error answer carries: Retry-After for RATE_LIMITED (API.md), from `details.retry_after_s`. */
export function errorHeaders(body: ErrorBody): Record<string, string> {
  const wait = body.error.details?.['retry_after_s'];
  if (body.error.code === 'RATE_LIMITED' && typeof wait === 'number' && Number.isFinite(wait)) return { 'retry-after': String(Math.max(0, Math.ceil(wait))) };
  return {};
}

/**
 * Any thrown value as an HTTP status and the protocol's error body. Refusals
 * (TernError) pass through; fastify's own 4xx (body parsing, content type,
 * size) become BAD_REQUEST with their HTTP status; everything else is INTERNAL
 * without its text or stack.
 */
export function errorResponse(err: unknown, bodyLimit: number): ErrorResponse {
  if (err instanceof TernError) return { status: ERROR_STATUS[err.code] ?? 500, body: err.toBody(), unexpected: err.code === 'INTERNAL' };
  if (isZodError(err)) return fromTern(validationError(err.issues));
  const fst = err as { code?: unknown; statusCode?: unknown };
  if (typeof fst?.code === 'string' && fst.code.startsWith('FST_') && typeof fst.statusCode === 'number' && fst.statusCode >= 400 && fst.statusCode < 500) {
    // 413 and 415 keep their HTTP status (clients and proxies know them); any other client error is a plain 400
    const status = fst.statusCode === 413 || fst.statusCode === 415 ? fst.statusCode : 400;
    return { status, body: badRequestBody(frameworkMessage(fst.code, bodyLimit) ?? String((err as Error).message)), unexpected: false };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } }, unexpected: true };
}

function fromTern(err: TernError): ErrorResponse {
  return { status: err.status, body: err.toBody(), unexpected: false };
}

function badRequestBody(message: string): ErrorBody {
  return { error: { code: 'BAD_REQUEST', message } };
}

function frameworkMessage(code: string, bodyLimit: number): string | undefined {
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `request body is larger than the limit of ${bodyLimit} bytes`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported Content-Type: send JSON with Content-Type: application/json';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'request body is not valid JSON (or contains a forbidden "__proto__" or "constructor.prototype" key)';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'request body is empty';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'Content-Length does not match the body';
    case 'FST_ERR_BAD_URL':
      return 'the URL is not valid (bad percent-encoding?)';
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return 'a path segment is too long';
    default:
      return undefined;
  }
}
