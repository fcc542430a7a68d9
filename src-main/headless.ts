/**
 * `npm run serve`: the engine, the local API and (once built) the web UI,
 * without Electron, on a loopback address. See README and API.md.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { assertLoopbackHost, createApiServer, DEFAULT_PORT } from './api/server.js';
import { isWebRoot } from './api/web-ui.js';
import { TernError } from '../src-common/contract/errors.js';
import type { EngineApi } from '../src-common/contract/engine-api.js';
import { fileLogger } from './log-file.js';
import { defaultDataDir } from './paths.js';
import { installProcessGuard } from './process-guard.js';
import { serveKeyLines } from './serve-keys.js';
import { bundledMarkets, createRuntime, DEFAULT_PAPER_BALANCE, DEFAULT_SYMBOL, VERSION } from './runtime.js';
import { type Market, marketsFrom } from './serve-markets.js';
import { DataFolderLocked } from './store/data-folder-lock.js';
import { prepareDataFolder } from './store/data-folder.js';
import { StoreDamaged, StoreNotWritable } from './store/open-store.js';
import { StoreUnwritable } from './engine/ports/store.js';

const USAGE = `usage: npm run serve -- [--data-dir DIR] [--host 127.0.0.1] [--port ${DEFAULT_PORT}]
                     [--feed replay:FILE.csv[@SPEED]] [--symbol ${DEFAULT_SYMBOL}] [--paper-balance ${DEFAULT_PAPER_BALANCE}]
                     [--repair] [--new-key] [--no-resume]

  --feed/--symbol  may be given more than once, in pairs: the n-th --symbol names the
              n-th --feed's market. Without --feed: the bundled samples, BTC/USDT and
              ETH/BTC (with one --symbol: the BTC/USDT sample replayed as that symbol)

  --new-key   make a new admin API key and print it once (without it, serve prints
              no key: use TERN_API_KEY, the one-time web sign-in link, or Settings)
  --no-resume start the strategies that were running when Tern stopped as stopped
              (default: the setting "resume strategies on start", itself on)`;

/** the API's drain (5 s) plus the engine's own stop, with room to spare */
const STOP_TIMEOUT_MS = 30_000;

function fail(message: string): never {
  process.stderr.write(`tern serve: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        'data-dir': { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: String(DEFAULT_PORT) },
        feed: { type: 'string', multiple: true },
        symbol: { type: 'string', multiple: true },
        'paper-balance': { type: 'string', default: DEFAULT_PAPER_BALANCE },
        repair: { type: 'boolean', default: false },
        'new-key': { type: 'boolean', default: false },
        'no-resume': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (err) {
    fail((err as Error).message);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let host: string;
  try {
    host = assertLoopbackHost(args.host!);
  } catch (err) {
    fail((err as Error).message);
  }
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port ${args.port} is not a port number (0-65535)`);
  if (!/^(0|[1-9]\d*)(\.\d+)?$/.test(args['paper-balance']!)) fail(`--paper-balance ${args['paper-balance']} is not a decimal number`);
  for (const s of args.symbol ?? []) if (!/^[A-Z0-9]{1,20}\/[A-Z0-9]{1,20}$/.test(s)) fail(`--symbol ${s} is not a symbol such as BTC/USDT`);
  let markets: Market[];
  try {
    markets = marketsFrom(args.feed ?? [], args.symbol ?? [], { bundled: bundledMarkets(), symbol: DEFAULT_SYMBOL });
  } catch (err) {
    fail((err as Error).message);
  }

  const dataDir = args['data-dir'] ?? defaultDataDir();
  try {
    prepareDataFolder(dataDir);
  } catch (err) {
    process.stderr.write(`tern serve: cannot use the data folder ${dataDir}: ${(err as Error).message}\n`);
    process.exit(1);
  }
  // a log file that cannot be written (disk full) drops lines and says so later; it never stops or hangs the server
  const { logger } = fileLogger(join(dataDir, 'logs', 'tern.log'));
  // an unhandled rejection or exception is logged and counted, never the end of the engine
  installProcessGuard(logger);

  let runtime;
  try {
    runtime = await createRuntime({
      dataDir,
      markets,
      paperBalance: args['paper-balance'],
      apiKey: process.env.TERN_API_KEY || undefined,
      log: logger,
      repair: args.repair,
      ...(args['no-resume'] ? { resumeStrategies: false } : {}),
    });
  } catch (err) {
    if (err instanceof StoreDamaged || err instanceof StoreNotWritable || err instanceof StoreUnwritable) {
      // the file, not the command line: no usage text
      process.stderr.write(`tern serve: ${err.message}\n`);
      process.exit(1);
    }
    if (err instanceof DataFolderLocked) {
      // not a usage mistake: no usage text, and a status a supervisor can tell from bad arguments (2)
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    fail(err instanceof TernError || err instanceof Error ? err.message : String(err));
  }

  // the web UI: the renderer as `npm run build` leaves it (TERN_WEB_ROOT points elsewhere, e.g. a test's own build)
  const webRoot = process.env.TERN_WEB_ROOT || resolve(dirname(fileURLToPath(import.meta.url)), '..', 'out', 'renderer');
  const web = isWebRoot(webRoot) ? { root: webRoot } : undefined;
  const server = createApiServer({ engine: runtime.api, host, port, version: VERSION, logger, web });
  let address;
  try {
    address = await server.listen();
  } catch (err) {
    await runtime.close();
    fail(`cannot listen on ${host}:${port}: ${(err as Error).message}`);
  }

  if (runtime.repaired) {
    const r = runtime.repaired;
    process.stdout.write(`repair: the damaged store is kept as ${r.damagedCopy}\n`);
    process.stdout.write(`repair: journal entries kept: ${r.kept} (seq ${r.keptRanges}); lost: ${r.lostCount > 0 || r.lost !== 'none' ? `seq ${r.lost}` : 'none'}\n`);
    for (const note of r.notes) process.stdout.write(`repair: ${note}\n`);
  }
  // before "serving on": a SIGTERM right after it (a supervisor, a test) must stop cleanly, not kill the process mid-start
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      // a second signal changes nothing: the calls in flight still get their answers (or the drain's 503)
      process.stdout.write(`${signal}: already stopping\n`);
      return;
    }
    stopping = true;
    process.stdout.write(`\n${signal}: stopping\n`);
    // a stop that hangs (an engine waiting on something that never answers) must still end the process
    setTimeout(() => {
      process.stderr.write(`tern serve: did not stop within ${STOP_TIMEOUT_MS / 1000} s; exiting\n`);
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    try {
      // stop accepting and answer every call in flight, then flush the journal
      await server.close();
      await runtime.close();
      logger.flush();
      process.exit(0);
    } catch (err) {
      process.stderr.write(`error while stopping: ${(err as Error).message}\n`);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.stdout.write(`Tern ${VERSION} serving on ${address.url} (paper mode)\n`);
  process.stdout.write(`  data folder: ${dataDir}\n`);
  const unwritable = runtime.engine.journal.unwritable;
  if (unwritable) process.stdout.write(`  trading: HALTED: ${unwritable.message} (${unwritable.path})\n`);
  process.stdout.write(
    `  market data: ${args.feed?.length ? markets.map((m) => `${m.symbol} ← ${m.feed}`).join(', ') : `bundled samples (${markets.map((m) => m.symbol).join(', ')} replays at 10 bars/s)`}\n`,
  );
  try {
    for (const line of await restartLines(runtime.api)) process.stdout.write(`${line}\n`);
    for (const line of await serveKeyLines(runtime.api, { newKey: args['new-key'] === true, envKey: Boolean(process.env.TERN_API_KEY) })) process.stdout.write(`${line}\n`);
  } catch (err) {
    // stopped while these lines were being read: the stop says what happens
    if (!stopping) throw err;
    return;
  }
  if (web) {
    const link = server.createSignInLink();
    const minutes = Math.round((link.expiresAt - Date.now()) / 60_000);
    process.stdout.write(`  web UI: ${address.url}/ (sign in with an API key)\n`);
    process.stdout.write(`  one-time sign-in link (one use, ${minutes} min): ${link.url}\n`);
  } else {
    process.stdout.write(`  web UI: not built (${webRoot} is missing); run \`npm run build\` and restart\n`);
  }

}

/** what the restart did to the strategies that were running when Tern last stopped */
async function restartLines(api: EngineApi): Promise<string[]> {
  const { running } = await api.call('strategies.list', {}, { actor: 'cli' });
  const words = { resumed: 'resumed after the restart', stopped: 'stopped by the restart (resuming is off)', failed: 'not resumed' };
  return running.flatMap((r) => (r.restart ? [`  strategy ${r.id} (${r.strategy}): ${words[r.restart.action]}${r.error ? `: ${r.error}` : ''}`] : []));
}

void main();
