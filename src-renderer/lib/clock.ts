import type { Instrument } from '../../src-common/contract/schemas.js';

/**
 * Every time on screen — orders, fills, trades, candles — is this computer's clock: a paper
 * market replaying a file plays it on that clock (the engine's). The label says so, and which
 * data it is, so a chart of 2022's prices at today's times is not taken for today's market.
 */
export interface ClockLabel {
  badge: string;
  title: string;
}

const day = (iso: string) => iso.slice(0, 10);

export function clockLabel(instrument: Pick<Instrument, 'replay'> | undefined): ClockLabel | null {
  const replay = instrument?.replay;
  if (!replay) return null;
  const span = day(replay.data_from) === day(replay.data_to) ? day(replay.data_from) : `${day(replay.data_from)} – ${day(replay.data_to)}`;
  return { badge: 'REPLAY', title: `Replay of ${replay.name} · data from ${span}, shown on this computer's clock` };
}

export const LOCAL_CLOCK_TITLE = "This computer's clock (the chart, trades, orders and fills all use it)";
