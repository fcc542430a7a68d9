import { createHash, randomBytes } from 'node:crypto';

/** How long a printed sign-in link stays usable. */
export const SIGN_IN_TTL_MS = 10 * 60_000;

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * One-time sign-in tokens for the web UI. `serve` prints a link holding one in
 * its URL fragment (never sent in a request line, so never in a log); the page
 * posts it once and gets a fresh session key. Tokens live in memory only, are
 * kept as hashes, expire, and are gone after their first use, right or wrong.
 */
export class SignInTokens {
  /** token digest → when it expires, on `now` */
  private readonly live = new Map<string, number>();

  constructor(
    private readonly ttlMs: number = SIGN_IN_TTL_MS,
    /** a clock that only moves forward: a wall clock set back must not extend a link's life */
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** `expiresAt` is epoch ms, for telling the user */
  mint(): { token: string; expiresAt: number } {
    this.sweep();
    const token = randomBytes(32).toString('base64url');
    this.live.set(digest(token), this.now() + this.ttlMs);
    return { token, expiresAt: Date.now() + this.ttlMs };
  }

  /** true once for a minted, unexpired token; false ever after */
  redeem(token: string): boolean {
    const key = digest(token);
    const expiresAt = this.live.get(key);
    this.live.delete(key);
    return expiresAt !== undefined && this.now() <= expiresAt;
  }

  get size(): number {
    this.sweep();
    return this.live.size;
  }

  private sweep(): void {
    const t = this.now();
    for (const [k, exp] of this.live) if (exp < t) this.live.delete(k);
  }
}
