import { createHmac, timingSafeEqual } from 'node:crypto';
import { binanceErrors as errors } from './errors.js';

/** Drops the `signature=` pair from a raw query string or form body, keeping everything else byte for byte. */
export function withoutSignature(raw: string): string {
  if (raw === '') return raw;
  return raw
    .split('&')
    .filter((pair) => !pair.startsWith('signature='))
    .join('&');
}

export function hmacHex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a.toLowerCase());
  const y = Buffer.from(b.toLowerCase());
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Binance's SIGNED check: HMAC-SHA256 (hex) of the query string concatenated with the body,
 * without the signature itself; then the timestamp must be within recvWindow (default 5000 ms,
 * at most 60000) and no more than 1000 ms ahead of the server. Throws Binance's error.
 */
export function verifySigned(secret: string, params: Record<string, string>, signedPayload: string, now: number): void {
  const signature = params['signature'];
  if (!signature) throw errors.mandatory('signature');
  const tsRaw = params['timestamp'];
  if (!tsRaw) throw errors.mandatory('timestamp');
  if (!/^\d+$/.test(tsRaw)) throw errors.illegalChars('timestamp');
  if (!sameHex(signature, hmacHex(secret, signedPayload))) throw errors.badSignature();
  const recvWindow = params['recvWindow'] !== undefined ? Number(params['recvWindow']) : 5000;
  if (!Number.isFinite(recvWindow) || recvWindow <= 0 || recvWindow > 60_000) throw errors.invalidParam('recvWindow');
  const ts = Number(tsRaw);
  if (ts > now + 1000) throw errors.timestampAhead();
  if (now - ts > recvWindow) throw errors.timestampOutside();
}

/** The WebSocket API's signed payload: its params (but `signature`) sorted by key, as `k=v` joined by `&`. */
export function wsApiPayload(params: Record<string, unknown>): string {
  return Object.keys(params)
    .filter((k) => k !== 'signature')
    .sort()
    .map((k) => `${k}=${String(params[k])}`)
    .join('&');
}
