import type { FastifyReply } from 'fastify';
import type { TernError } from '../../src-common/contract/errors.js';
import { errorHeaders } from './error-response.js';
import type { RateDecision } from './rate-limit.js';

/** a refusal in the protocol's error shape; a 429 says when to come back (API.md) */
export function sendError(reply: FastifyReply, err: TernError): FastifyReply {
  return reply.code(err.status).headers(errorHeaders(err.toBody())).send(err.toBody());
}

export function setRateHeaders(reply: FastifyReply, rate: RateDecision): void {
  reply.header('x-ratelimit-limit', rate.limit);
  reply.header('x-ratelimit-remaining', rate.remaining);
  reply.header('x-ratelimit-reset', rate.resetSeconds);
  if (!rate.allowed) reply.header('retry-after', rate.retryAfterSeconds);
}
