import { z } from 'zod';
import { ParamValues } from '../../src-common/contract/strategy-schemas.js';
import type { FeatureSettings } from '../engine/features.js';
import type { Logger } from '../engine/ports/logger.js';

/**
 * What Tern keeps of its paper and live strategies so that a restart (or a
 * crash) can resume them: journal `setting` entries, like the risk engine's
 * (the journal holds every version; the settings table the newest, read at
 * start). Orders and positions are not here: they are the OMS's and the
 * ledger's, found again by the strategy's id.
 */
export const STRATEGY_SETTINGS = {
  /** every strategy of the data folder: the running ones and the newest stopped or failed ones */
  instances: 'strategies.instances',
  /** resume strategies on start (absent: yes) */
  resume: 'strategies.resume',
} as const;

/** stopped and failed strategies kept for the list after a restart; the oldest go first */
export const ENDED_KEPT = 50;

export const StoredInstance = z.object({
  id: z.string(),
  /** the strategy's name (its definition's) */
  name: z.string(),
  /** what to load it from again: a built-in name or a module file (null: defined in code, cannot be resumed) */
  spec: z.string().nullable(),
  source: z.string(),
  account: z.string(),
  symbol: z.string(),
  mode: z.enum(['paper', 'live']),
  params: ParamValues,
  status: z.enum(['running', 'stopped', 'failed', 'halted']),
  error: z.string().nullable(),
  error_stack: z.string().nullable(),
  started_at: z.number().int(),
  stopped_at: z.number().int().nullable(),
  orders_placed: z.number().int(),
});
export type StoredInstance = z.infer<typeof StoredInstance>;

export class InstanceStore {
  /** without settings (tests, a fake engine) the store keeps nothing across engines */
  private memory: { instances: unknown; resume: unknown } = { instances: [], resume: undefined };
  /** the list as last loaded or saved: an unchanged list is not journaled again (a read-only store must still stop cleanly) */
  private lastSaved: string | undefined;

  constructor(
    private readonly settings: FeatureSettings | undefined,
    private readonly log: Logger,
  ) {}

  /** what was saved; an entry this build cannot read is logged and skipped, never the end of the start */
  load(): StoredInstance[] {
    const raw = this.settings ? this.settings.load(STRATEGY_SETTINGS.instances) : this.memory.instances;
    this.lastSaved = JSON.stringify(Array.isArray(raw) ? raw : []);
    if (!Array.isArray(raw)) return [];
    const out: StoredInstance[] = [];
    for (const entry of raw) {
      const parsed = StoredInstance.safeParse(entry);
      if (parsed.success) out.push(parsed.data);
      else this.log.error({ entry, issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }, 'a stored strategy cannot be read; it is left out');
    }
    return out;
  }

  save(instances: readonly StoredInstance[]): void {
    const running = instances.filter((i) => i.status === 'running');
    const ended = instances
      .filter((i) => i.status !== 'running')
      .sort((a, b) => (b.stopped_at ?? b.started_at) - (a.stopped_at ?? a.started_at))
      .slice(0, ENDED_KEPT);
    const value = [...running, ...ended];
    const json = JSON.stringify(value);
    if (json === this.lastSaved) return;
    this.lastSaved = json;
    if (this.settings) this.settings.save(STRATEGY_SETTINGS.instances, value);
    else this.memory.instances = value;
  }

  resumeOnStart(): boolean {
    // what was set in this session first: the settings table shows a save only once its batch is committed
    const raw = this.memory.resume !== undefined || !this.settings ? this.memory.resume : this.settings.load(STRATEGY_SETTINGS.resume);
    return raw !== false;
  }

  setResumeOnStart(resume: boolean): void {
    this.settings?.save(STRATEGY_SETTINGS.resume, resume);
    this.memory.resume = resume;
  }
}
