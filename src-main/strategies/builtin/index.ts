import type { AnyStrategyDefinition } from '../api.js';
import grid from './grid.js';
import rsiReversion from './rsi-reversion.js';
import smaCross from './sma-cross.js';

/** The strategies that ship with Tern, by name. */
export const BUILTIN_STRATEGIES: ReadonlyMap<string, AnyStrategyDefinition> = new Map<string, AnyStrategyDefinition>([
  [smaCross.name, smaCross],
  [rsiReversion.name, rsiReversion],
  [grid.name, grid],
]);
