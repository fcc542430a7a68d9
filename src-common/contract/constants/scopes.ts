// Plain values, no imports (see orders.ts). A new scope is added here, once, with its rank.

/** API key scopes, lowest first */
export const SCOPES = ['read', 'trade', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** read ⊂ trade ⊂ admin: a key holds the scopes it was given and every scope below them; 'none' is open to anyone. */
export const SCOPE_RANK: Readonly<Record<Scope | 'none', number>> = { none: 0, read: 1, trade: 2, admin: 3 };
