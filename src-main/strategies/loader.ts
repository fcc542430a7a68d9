import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { badRequest } from '../../src-common/contract/errors.js';
import type { AnyStrategyDefinition, ParamSpec } from './api.js';
import { BUILTIN_STRATEGIES } from './builtin/index.js';

const NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;
const PARAM_TYPES = new Set(['number', 'integer', 'boolean', 'string']);

/**
 * A strategy by built-in name, or by the path of a module file (.ts under
 * tsx, as the CLI and `npm run serve` run; .js/.mjs anywhere) whose default
 * export (or export `strategy`) is a definition. Relative paths are from
 * `cwd`. The module is checked: a name, parameter specs, a create function.
 */
export async function loadStrategy(nameOrPath: string, cwd = process.cwd()): Promise<{ definition: AnyStrategyDefinition; source: string }> {
  const builtin = BUILTIN_STRATEGIES.get(nameOrPath);
  if (builtin) return { definition: builtin, source: `builtin:${nameOrPath}` };
  const looksLikePath = /[/\\]|\.(m?[jt]s|cjs)$/.test(nameOrPath);
  if (!looksLikePath) {
    throw badRequest(`strategy "${nameOrPath}" is neither a built-in strategy (${[...BUILTIN_STRATEGIES.keys()].join(', ')}) nor a path to a module file`, { field: 'strategy' });
  }
  const file = isAbsolute(nameOrPath) ? nameOrPath : resolve(cwd, nameOrPath);
  if (!existsSync(file) || !statSync(file).isFile()) throw badRequest(`strategy file not found: ${file}`, { field: 'strategy' });
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    // The engine's message quotes the file (V8: "myhost is not defined"), and the
    // file may not be what the caller says it is: name the kind of failure only.
    // The full error stays on `cause` for a local user (the CLI prints it).
    const e = err as { name?: unknown; code?: unknown } | null;
    const kind = typeof e?.code === 'string' ? e.code : typeof e?.name === 'string' ? e.name : 'an error';
    const refusal = badRequest(
      `strategy file ${file} could not be loaded (${kind}): it must be a JavaScript or TypeScript module whose default export is a strategy definition; run it with npm run backtest to see the full error`,
      { field: 'strategy' },
    );
    (refusal as Error).cause = err;
    throw refusal;
  }
  const definition = (mod.default ?? mod.strategy) as unknown;
  checkDefinition(definition, file);
  return { definition, source: file };
}

/** Refuses a module export that is not a strategy definition, saying what is wrong. */
export function checkDefinition(value: unknown, where: string): asserts value is AnyStrategyDefinition {
  const fail = (what: string) => badRequest(`strategy ${where}: ${what}`, { field: 'strategy' });
  if (typeof value !== 'object' || value === null) throw fail('the module must export a strategy definition as default (defineStrategy({...}))');
  const d = value as Partial<AnyStrategyDefinition>;
  if (typeof d.name !== 'string' || !NAME.test(d.name)) throw fail('name must be lowercase letters, digits and "-" (at most 32)');
  if (typeof d.create !== 'function') throw fail('create(params, ctx) must be a function');
  if (typeof d.params !== 'object' || d.params === null) throw fail('params must be an object of parameter specs');
  for (const [name, spec] of Object.entries(d.params as Record<string, ParamSpec>)) {
    if (!spec || !PARAM_TYPES.has(spec.type)) throw fail(`parameter ${name} needs a type: number, integer, boolean or string`);
    const ok = spec.type === 'boolean' ? typeof spec.default === 'boolean' : spec.type === 'string' ? typeof spec.default === 'string' : Number.isFinite(spec.default);
    if (!ok) throw fail(`parameter ${name} needs a default of its type`);
  }
}
