/**
 * The last line of defence of the engine's process: a promise rejection no
 * one handled, or an exception no one caught, is a bug in Tern or a library;
 * it is logged and counted (tern_unhandled_errors_total on /metrics), and the
 * process keeps running, because while it is down the risk checks, breakers
 * and the kill switch are down too. Causes are fixed where they arise (see
 * venues/ccxt/exchange-factory.ts); this only keeps one that slipped through
 * from taking the engine down.
 */
import { type Logger } from './engine/ports/logger.js';
import { redact } from './venues/ccxt/redact.js';

export type UnhandledKind = 'rejection' | 'exception';

const counts: Record<UnhandledKind, number> = { rejection: 0, exception: 0 };

/** how many of each the process has seen since it started */
export function unhandledErrorCounts(): Readonly<Record<UnhandledKind, number>> {
  return { ...counts };
}

/** Installs the handlers once per process; the returned function removes them (tests). */
export function installProcessGuard(log: Logger): () => void {
  const report = (kind: UnhandledKind, err: unknown) => {
    counts[kind] += 1;
    try {
      log.error({ kind, err: describe(err), count: counts[kind] }, `unhandled ${kind} (a bug); the engine keeps running`);
    } catch {
      // the log itself failing must not turn this handler into a second uncaught exception
    }
  };
  const onRejection = (reason: unknown) => report('rejection', reason);
  const onException = (err: unknown) => report('exception', err);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}

function describe(err: unknown): string {
  // an exchange's error may quote a signed URL: its signature and key are cut
  if (err instanceof Error) return `${err.name}: ${redact(err.message)}${err.stack ? `\n${err.stack.split('\n').slice(1, 6).join('\n')}` : ''}`;
  return redact(String(err));
}
