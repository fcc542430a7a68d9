import type { z } from 'zod';
import { ERROR_STATUS, TernError, type ErrorBody } from '../contract/errors.js';

/** At most this many validation issues are echoed back. */
const MAX_ISSUES = 20;

type Issue = z.core.$ZodIssue;

function pathOf(issue: Issue): string {
  const path = issue.path.map(String);
  // An unknown field is reported at its parent; name the field itself.
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) path.push(issue.keys[0]!);
  return path.join('.');
}

/** A zod failure as BAD_REQUEST naming the first failing field (`details.field`) and listing `details.issues`. */
export function validationError(issues: readonly Issue[], what = 'request'): TernError {
  const listed = issues.slice(0, MAX_ISSUES).map((issue) => {
    const path = pathOf(issue);
    const message = issue.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}` : issue.message;
    return { path, code: issue.code, message };
  });
  const first = listed[0];
  const field = first?.path ?? '';
  const message = first ? `invalid ${what}: ${field ? `${field}: ` : ''}${first.message}` : `invalid ${what}`;
  return new TernError('BAD_REQUEST', message, { field, issues: listed });
}

function isZodError(err: unknown): err is { issues: Issue[] } {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'ZodError' && Array.isArray((err as { issues?: unknown }).issues);
}

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  /** true for an unexpected failure that deserves a log line (the client only sees "internal error") */
  unexpected: boolean;
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
    return { status: fst.statusCode, body: badRequestBody(frameworkMessage(fst.code, bodyLimit) ?? String((err as Error).message)), unexpected: false };
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
