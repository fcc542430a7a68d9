import type { z } from 'zod';
import type { Scope } from './schemas.js';

/** read ⊂ trade ⊂ admin: a key holds the scopes it was given and every scope below them; 'none' is open to anyone. */
const RANK: Record<z.infer<typeof Scope> | 'none', number> = { none: 0, read: 1, trade: 2, admin: 3 };

/** whether a key with `scopes` may call what needs `needed` (the one scope rule, for every transport) */
export function grants(scopes: ReadonlyArray<string>, needed: z.infer<typeof Scope> | 'none'): boolean {
  const need = RANK[needed];
  return need === 0 || scopes.some((s) => (RANK[s as keyof typeof RANK] ?? 0) >= need);
}
