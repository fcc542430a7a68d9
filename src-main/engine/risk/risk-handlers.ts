import type { Handlers } from '../../../src-common/contract/methods.js';
import type { KillSwitchDeps } from './kill-switch.js';
import type { RiskEngine } from './risk-engine.js';

export type RiskMethod = 'risk.get' | 'risk.setLimits' | 'risk.setState' | 'risk.killSwitch';
export type RiskHandlers = Pick<Handlers, RiskMethod>;

export interface RiskHandlerDeps {
  /** the engine's journal: commands answer once what they changed is durable */
  journal: { durable(): Promise<void> };
  /** what the kill switch works with (the OMS and the positions), made when it is pulled */
  killSwitch(): KillSwitchDeps;
}

/** The Risk routes of API.md, for the engine's handler map: `{ ...riskHandlers(risk, deps), ... }`. */
export function riskHandlers(risk: RiskEngine, deps: RiskHandlerDeps): RiskHandlers {
  return {
    'risk.get': () => risk.snapshot(),
    'risk.setLimits': async (params) => {
      const result = risk.applyLimits(params);
      await deps.journal.durable();
      return result;
    },
    'risk.setState': async ({ state, reason }, ctx) => {
      const result = risk.setState(state, reason, ctx.actor);
      await deps.journal.durable();
      return result;
    },
    'risk.killSwitch': ({ reason, flatten }) => risk.killSwitch({ reason, flatten }, deps.killSwitch()),
  };
}
