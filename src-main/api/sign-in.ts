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
  private readonly live = new Map<string, number>();

  constructor(
    private readonly ttlMs: number = SIGN_IN_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  mint(): { token: string; expiresAt: number } {
    this.sweep();
    const token = randomBytes(32).toString('base64url');
    const expiresAt = this.now() + this.ttlMs;
    this.live.set(digest(token), expiresAt);
    return { token, expiresAt };
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
