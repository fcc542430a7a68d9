// Plain values, no imports (see orders.ts). A new scope is added here, once, with its rank.

/** API key scopes, lowest first */
export const SCOPES = ['read', 'trade', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** read ⊂ trade ⊂ admin: a key holds the scopes it was given and every scope below them; 'none' is open to anyone. */
export const SCOPE_RANK: Readonly<Record<Scope | 'none', number>> = { none: 0, read: 1, trade: 2, admin: 3 };

/**
 * A key's own request rate (POST /api/v1/keys rate_limit): the default is the
 * server's; the most a key may be given is what the machine sustains (the
 * gateway bench holds 200 orders/s with room to spare; more than this only
 * queues behind the event loop).
 */
export const KEY_RATE_LIMIT_MAX = { per_second: 1000, burst: 2000 } as const;
