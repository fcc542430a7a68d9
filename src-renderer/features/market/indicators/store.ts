import { create } from 'zustand';
import { readPref, writePref } from '../../../lib/storage.js';
import { DEFAULT_PARAMS, type IndicatorKind, type IndicatorSpec, MAX_OVERLAYS, MAX_PANES, PANE_KINDS, isPane, parseSpecs, specProblem } from './specs.js';

/**
 * The candle chart's indicators, one list for the chart whatever symbol or timeframe it shows
 * (a trader's "SMA 20 + RSI 14" follows them from market to market, as on exchange charts),
 * kept in localStorage like the other screen preferences.
 */
export const INDICATORS_PREF = 'tern.chart.indicators';

export interface IndicatorsState {
  list: IndicatorSpec[];
  /** adds one with its default parameters; false when the chart has no room for another */
  add(kind: IndicatorKind): boolean;
  /** changes parameters; a refused change is not applied and says why */
  update(id: string, params: Record<string, number>): { field: string; message: string } | null;
  remove(id: string): void;
  /** reads the saved list again (tests, a second window) */
  reload(): void;
}

export function canAdd(list: readonly IndicatorSpec[], kind: IndicatorKind): boolean {
  return PANE_KINDS.has(kind) ? list.filter(isPane).length < MAX_PANES : list.filter((s) => !isPane(s)).length < MAX_OVERLAYS;
}

const save = (list: IndicatorSpec[]) => writePref(INDICATORS_PREF, list);

export const useIndicators = create<IndicatorsState>()((set, get) => ({
  list: parseSpecs(readPref(INDICATORS_PREF)),
  add: (kind) => {
    const list = get().list;
    if (!canAdd(list, kind)) return false;
    let n = list.length + 1;
    while (list.some((s) => s.id === `${kind}${n}`)) n++;
    const next = [...list, { id: `${kind}${n}`, kind, ...DEFAULT_PARAMS[kind] } as IndicatorSpec];
    set({ list: next });
    save(next);
    return true;
  },
  update: (id, params) => {
    const list = get().list;
    const at = list.findIndex((s) => s.id === id);
    if (at < 0) return { field: 'id', message: `no indicator ${id}` };
    const spec = { ...list[at]!, ...params, id, kind: list[at]!.kind } as IndicatorSpec;
    const problem = specProblem(spec);
    if (problem) return problem;
    const next = list.map((s, i) => (i === at ? spec : s));
    set({ list: next });
    save(next);
    return null;
  },
  remove: (id) => {
    const next = get().list.filter((s) => s.id !== id);
    set({ list: next });
    save(next);
  },
  reload: () => set({ list: parseSpecs(readPref(INDICATORS_PREF)) }),
}));
