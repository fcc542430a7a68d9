import { badRequest } from '../../src-common/contract/errors.js';
import type { ParamValue } from '../strategies/api.js';

/** One parameter's values in a sweep: a list, or a numeric range from..to (inclusive) by step. */
export type GridAxis = readonly ParamValue[] | { from: number; to: number; step: number };

/** the most runs one sweep may ask for */
export const MAX_SWEEP_RUNS = 10_000;

/** The values of one axis; a range's values are rounded to 12 decimals so 0.1 steps stay 0.1, 0.2... */
export function axisValues(name: string, axis: GridAxis): ParamValue[] {
  if (Array.isArray(axis)) {
    if (axis.length === 0) throw badRequest(`grid ${name} has no values`, { field: `grid.${name}` });
    return [...axis];
  }
  const { from, to, step } = axis as { from: number; to: number; step: number };
  if (![from, to, step].every(Number.isFinite) || step <= 0 || to < from) {
    throw badRequest(`grid ${name} must be from ≤ to with a step > 0`, { field: `grid.${name}` });
  }
  const count = Math.floor((to - from) / step + 1e-9) + 1;
  if (count > MAX_SWEEP_RUNS) throw badRequest(`grid ${name} has ${count} values; at most ${MAX_SWEEP_RUNS}`, { field: `grid.${name}` });
  return Array.from({ length: count }, (_, i) => Number((from + i * step).toFixed(12)));
}

/** Every combination of the axes, the first axis varying slowest; a deterministic order. */
export function expandGrid(grid: Record<string, GridAxis>): Array<Record<string, ParamValue>> {
  const names = Object.keys(grid);
  if (names.length === 0) return [{}];
  const axes = names.map((n) => axisValues(n, grid[n]!));
  const total = axes.reduce((p, a) => p * a.length, 1);
  if (total > MAX_SWEEP_RUNS) throw badRequest(`the grid makes ${total} runs; at most ${MAX_SWEEP_RUNS}`, { field: 'grid' });
  const out: Array<Record<string, ParamValue>> = [];
  const idx = new Array<number>(names.length).fill(0);
  for (let k = 0; k < total; k++) {
    const combo: Record<string, ParamValue> = {};
    names.forEach((n, i) => (combo[n] = axes[i]![idx[i]!]!));
    out.push(combo);
    for (let i = names.length - 1; i >= 0; i--) {
      if (++idx[i]! < axes[i]!.length) break;
      idx[i] = 0;
    }
  }
  return out;
}

/**
 * Parses `name=a,b,c` or `name=from:to:step` (the CLI's --grid) into an axis.
 * Values that look like numbers become numbers.
 */
export function parseGridFlag(text: string): [string, GridAxis] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw badRequest(`--grid expects NAME=a,b,c or NAME=from:to:step, got "${text}"`, { field: '--grid' });
  const name = text.slice(0, eq).trim();
  const spec = text.slice(eq + 1).trim();
  const range = /^(-?[\d.]+):(-?[\d.]+):([\d.]+)$/.exec(spec);
  if (range) return [name, { from: Number(range[1]), to: Number(range[2]), step: Number(range[3]) }];
  const values = spec.split(',').map((v) => v.trim()).filter((v) => v !== '');
  return [name, values.map((v) => (v === 'true' ? true : v === 'false' ? false : /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v))];
}
