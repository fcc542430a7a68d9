// Plain values, no imports (see orders.ts).

/** paper: simulated fills, no real money; live: a real exchange */
export const MODES = ['paper', 'live'] as const;
export type Mode = (typeof MODES)[number];

/** a live account's dead-man switch: whole seconds after Tern's last heartbeat at which the exchange cancels resting orders */
export const DEAD_MAN_MIN_S = 10;
export const DEAD_MAN_MAX_S = 600;
