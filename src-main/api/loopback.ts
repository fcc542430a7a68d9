import { TernError } from '../../src-common/contract/errors.js';

/** The only addresses the API may bind to: it serves one trader on this machine. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * Refuses any bind address but a loopback one (`--host 0.0.0.0` included) and
 * returns it normalized ("[::1]" → "::1").
 */
export function assertLoopbackHost(host: string): string {
  const name = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (!LOOPBACK_HOSTS.has(name)) {
    throw new TernError(
      'BAD_REQUEST',
      `refusing to listen on "${host}": the Tern API binds only to a loopback address (127.0.0.1, localhost or ::1), ` +
        'since anyone who can reach it can trade with your keys',
      { field: 'host', allowed: [...LOOPBACK_HOSTS] },
    );
  }
  return name;
}

/**
 * DNS-rebinding and cross-site guard: a request must name this server by a
 * loopback name and its port in `Host`, and may carry an `Origin` only when it
 * is this server's own. Browsers omit a default port, so the bare names pass
 * only when the server listens on port 80.
 */
export class LoopbackGuard {
  private hosts = new Set<string>();
  private origins = new Set<string>();
  private port = 0;

  constructor(port: number) {
    this.setPort(port);
  }

  setPort(port: number): void {
    this.port = port;
    const names = ['127.0.0.1', 'localhost', '[::1]'];
    this.hosts = new Set(names.map((n) => `${n}:${port}`));
    this.origins = new Set(names.map((n) => `http://${n}:${port}`));
    if (port === 80) {
      for (const n of names) {
        this.hosts.add(n);
        this.origins.add(`http://${n}`);
      }
    }
  }

  /** null when the request may proceed, else the 403 to answer with */
  refusal(host: string | undefined, origin: string | undefined): TernError | null {
    if (host === undefined || !this.hosts.has(host.toLowerCase())) {
      return new TernError('FORBIDDEN', `Host header ${JSON.stringify(host ?? '')} is refused: use 127.0.0.1:${this.port}, localhost:${this.port} or [::1]:${this.port}`, {
        rule: 'host',
      });
    }
    if (origin !== undefined && !this.origins.has(origin.toLowerCase())) {
      return new TernError('FORBIDDEN', `cross-origin requests are refused (Origin ${JSON.stringify(origin)} is not this server's own)`, { rule: 'origin' });
    }
    return null;
  }
}
