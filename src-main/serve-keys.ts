import type { EngineApi } from '../src-common/contract/engine-api.js';

/**
 * What `serve` says about API keys at start. A new admin key is made only on
 * request (--new-key): one per start would pile up permanent admin keys.
 */
export async function serveKeyLines(api: EngineApi, opts: { newKey: boolean; envKey: boolean }): Promise<string[]> {
  const lines: string[] = [];
  if (opts.envKey) lines.push('  API key: TERN_API_KEY (admin)');
  if (opts.newKey) {
    const created = await api.call('keys.create', { name: `serve --new-key ${new Date().toISOString()}`, scopes: ['admin'] }, { actor: 'cli' });
    lines.push(`  new admin API key ${created.id} (shown once; revoke it with DELETE /api/v1/keys/${created.id}): ${created.key}`);
  }
  if (!opts.envKey && !opts.newKey) {
    lines.push('  API key: none printed. For bots, restart with --new-key (prints a new admin key once), set TERN_API_KEY, or make one in the web UI under Settings');
  }
  return lines;
}
