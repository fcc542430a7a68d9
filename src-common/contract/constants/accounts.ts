// Plain values, no imports (see orders.ts).

/** paper: simulated fills, no real money; live: a real exchange */
export const MODES = ['paper', 'live'] as const;
export type Mode = (typeof MODES)[number];
