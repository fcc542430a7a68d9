import { ESLint } from 'eslint';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cycles, importGraph } from './import-graph.js';

const root = join(import.meta.dirname, '..', '..');
const RULE = '@typescript-eslint/no-restricted-imports';
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** Lints `code` as if it were a file at `path` (relative to the repo root); returns the import-rule messages. */
async function importProblems(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  expect(result, `no lint result for ${path}`).toBeDefined();
  const fatal = result!.messages.filter((m) => m.fatal);
  expect(fatal, 'the probe must parse').toEqual([]);
  return result!.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

describe('engine layers import no transport, server or UI library', () => {
  it.each([
    ['src-main/engine/probe.ts', "import { app } from 'electron';"],
    ['src-main/engine/oms/probe.ts', "import Fastify from 'fastify';"],
    ['src-main/venues/paper/probe.ts', "import websocket from '@fastify/websocket';"],
    ['src-main/feeds/probe.ts', "import { WebSocket } from 'ws';"],
    ['src-main/store/probe.ts', "import { createServer } from 'node:http';"],
    ['src-main/store/probe.ts', "import https from 'https';"],
    ['src-main/engine/probe.ts', "import { useState } from 'react';"],
    ['src-main/engine/probe.ts', "import { createRoot } from 'react-dom/client';"],
    ['src-main/venues/probe.ts', "import { create } from 'zustand';"],
    ['src-main/engine/oms/probe.ts', "import { serve } from '../../api/server.js';"],
    ['src-main/engine/probe.ts', "import { x } from '../electron/main.js';"],
  ])('%s: %s is reported', async (path, code) => {
    expect(await importProblems(path, `${code}\nexport {};\n`)).toHaveLength(1);
  });

  it('allows the engine its own modules, zod, decimal.js and Node builtins other than http', async () => {
    const code = [
      "import { z } from 'zod';",
      "import Decimal from 'decimal.js';",
      "import { randomUUID } from 'node:crypto';",
      "import { TernError } from '../../src-common/contract/errors.js';",
      'export const probe = [z, Decimal, randomUUID, TernError];',
    ].join('\n');
    expect(await importProblems('src-main/engine/probe.ts', code)).toEqual([]);
  });
});

describe('the contract imports nothing but zod', () => {
  it('reports an import of the engine from the contract', async () => {
    expect(await importProblems('src-common/contract/probe.ts', "import { Decimal } from '../../src-main/engine/model/decimal.js';\nexport { Decimal };")).toHaveLength(1);
  });
  it('reports a Node builtin in the contract', async () => {
    expect(await importProblems('src-common/contract/probe.ts', "import { readFileSync } from 'node:fs';\nexport { readFileSync };")).toHaveLength(1);
  });
  it('allows zod and sibling contract files', async () => {
    expect(await importProblems('src-common/contract/probe.ts', "import { z } from 'zod';\nimport { METHODS } from './methods.js';\nexport { z, METHODS };")).toEqual([]);
  });
});

describe('the contract constants import nothing (the page and preload import them as values)', () => {
  it.each([
    "import { z } from 'zod';",
    "import { Order } from '../schemas.js';",
    "import type { Order } from '../schemas.js';",
    "import { SIDES } from './orders.js';",
    "import { readFileSync } from 'node:fs';",
    "import { dec } from '../../../src-main/engine/model/decimal.js';",
  ])('src-common/contract/constants/probe.ts: %s is reported', async (code) => {
    expect(await importProblems('src-common/contract/constants/probe.ts', `${code}\nexport const probe = 1;\n`)).toHaveLength(1);
  });
  it('allows a module of plain values', async () => {
    expect(await importProblems('src-common/contract/constants/probe.ts', "export const THINGS = ['a', 'b'] as const;\nexport type Thing = (typeof THINGS)[number];\n")).toEqual([]);
  });
});

describe('the indicator library imports only its own files (strategies and the page run the same math)', () => {
  it.each([
    "import { z } from 'zod';",
    "import { badRequest } from '../contract/errors.js';",
    "import { SIDES } from '../contract/constants/orders.js';",
    "import { readFileSync } from 'node:fs';",
    "import { dec } from '../../src-main/engine/model/decimal.js';",
  ])('src-common/indicators/probe.ts: %s is reported', async (code) => {
    expect(await importProblems('src-common/indicators/probe.ts', `${code}\nexport const probe = 1;\n`)).toHaveLength(1);
  });
  it('allows its own files, and the page and strategies to import it as values', async () => {
    expect(await importProblems('src-common/indicators/probe.ts', "import { checkPeriod } from './check.js';\nexport { checkPeriod };\n")).toEqual([]);
    const code = (up: string) => `import { Sma, Rsi } from '${up}src-common/indicators/index.js';\nexport const probe = [Sma, Rsi];\n`;
    expect(await importProblems('src-renderer/features/market/indicators/probe.ts', code('../../../../'))).toEqual([]);
    expect(await importProblems('src-main/strategies/probe.ts', code('../../'))).toEqual([]);
  });
});

describe("only the Electron shell and the preload import 'electron'", () => {
  it('allows electron in src-main/electron', async () => {
    expect(await importProblems('src-main/electron/probe.ts', "import { app } from 'electron';\nexport { app };")).toEqual([]);
  });
  it.each(['src-main/api/probe.ts', 'src-main/probe.ts', 'scripts/probe.ts', 'src-renderer/probe.ts'])('reports electron in %s', async (path) => {
    expect(await importProblems(path, "import { app } from 'electron';\nexport { app };")).toHaveLength(1);
  });
});

describe('the renderer and preload see the engine only through contract types', () => {
  it.each([
    ['src-renderer/probe.tsx', "import { Decimal } from '../src-main/engine/model/decimal.js';"],
    ['src-renderer/panels/probe.tsx', "import { x } from '../../src-main/venues/paper/index.js';"],
    ['src-renderer/probe.tsx', "import { x } from '../src-main/store/index.js';"],
    ['src-renderer/probe.tsx', "import { x } from '../src-main/api/server.js';"],
    ['src-renderer/probe.tsx', "import { METHODS } from '../src-common/contract/methods.js';"],
    ['src-renderer/features/ticket/probe.tsx', "import { OrderType } from '../../../src-common/contract/schemas.js';"],
    ['src-renderer/probe.tsx', "import { ChannelName } from '../src-common/contract/events.js';"],
    ['src-renderer/probe.tsx', "import { readFile } from 'node:fs';"],
    ['src-renderer/probe.tsx', "import path from 'path';"],
    ['src-preload/probe.ts', "import { Decimal } from '../src-main/engine/model/decimal.js';"],
    ['src-preload/probe.ts', "import { METHODS } from '../src-common/contract/methods.js';"],
    ['src-preload/probe.ts', "import { Scope } from '../src-common/contract/schemas.js';"],
    ['src-preload/probe.ts', "import { readFileSync } from 'node:fs';"],
    ['src-preload/probe.ts', "import { z } from 'zod';"],
  ])('%s: %s is reported', async (path, code) => {
    expect(await importProblems(path, `${code}\nexport const probe = 1;\n`)).toHaveLength(1);
  });

  it('allows values from the contract constants in the renderer and the preload', async () => {
    expect(
      await importProblems(
        'src-renderer/features/ticket/probe.tsx',
        "import { ORDER_TYPES, type OrderType } from '../../../src-common/contract/constants/orders.js';\nimport { TIMEFRAME_MS } from '../../../src-common/contract/constants/timeframes.js';\nexport const probe: readonly OrderType[] = ORDER_TYPES;\nexport { TIMEFRAME_MS };",
      ),
    ).toEqual([]);
    expect(await importProblems('src-preload/probe.ts', "import { PRIVATE_CHANNELS } from '../src-common/contract/constants/channels.js';\nexport { PRIVATE_CHANNELS };")).toEqual([]);
  });

  it('allows type imports from the contract, react in the renderer and electron in the preload', async () => {
    expect(
      await importProblems(
        'src-renderer/probe.tsx',
        "import { useState } from 'react';\nimport type { ResultOf } from '../src-common/contract/methods.js';\nexport type H = ResultOf<'health'>;\nexport { useState };",
      ),
    ).toEqual([]);
    expect(
      await importProblems(
        'src-preload/probe.ts',
        "import { contextBridge } from 'electron';\nimport type { TernBridge } from '../src-common/contract/bridge.js';\nexport type B = TernBridge;\nexport { contextBridge };",
      ),
    ).toEqual([]);
  });
});

describe('the project itself', () => {
  it('has no layering violations', async () => {
    const results = await eslint.lintFiles(['src-common', 'src-main', 'src-preload', 'src-renderer']);
    const violations = results.flatMap((r) => r.messages.filter((m) => m.ruleId === RULE).map((m) => `${r.filePath}:${m.line} ${m.message}`));
    expect(violations).toEqual([]);
    // linting the whole tree takes ~40 s alone on 2 cores, longer beside the rest of the suite
  }, 240_000);
});

describe('the main process layers: a kernel that imports no feature, adapters that import engine ports', () => {
  it.each([
    ['src-main/engine/probe.ts', "import { strategyHandlers } from '../strategies/strategy-handlers.js';"],
    ['src-main/engine/accounts/probe.ts', "import { saveCredentials } from '../../secrets/secret-store.js';"],
    ['src-main/engine/oms/probe.ts', "import { runBacktest } from '../../backtest/runner.js';"],
    ['src-main/engine/probe.ts', "import { DownloadJobs } from '../downloads/download-jobs.js';"],
    ['src-main/downloads/probe.ts', "import { createRuntime } from '../runtime.js';"],
    ['src-main/engine/probe.ts', "import { MarketCache } from '../store/market-cache.js';"],
    ['src-main/engine/probe.ts', "import { PaperVenue } from '../venues/paper/paper-venue.js';"],
    ['src-main/engine/risk/rules/probe.ts', "import { ReplayFeed } from '../../../feeds/replay/replay-feed.js';"],
    ['src-main/venues/ccxt/probe.ts', "import type { MarketCache } from '../../store/market-cache.js';"],
    ['src-main/venues/ccxt/probe.ts', "import type { SecretStore } from '../../secrets/secret-store.js';"],
    ['src-main/venues/paper/probe.ts', "import { ReplayFeed } from '../../feeds/replay/replay-feed.js';"],
    ['src-main/venues/probe.ts', "import { FillModel } from '../backtest/fill-model.js';"],
    ['src-main/feeds/probe.ts', "import { PaperVenue } from '../venues/paper/paper-venue.js';"],
    ['src-main/store/probe.ts', "import { ReplayFeed } from '../feeds/replay/replay-feed.js';"],
    ['src-main/store/probe.ts', "import { Oms } from '../engine/oms/oms.js';"],
    ['src-main/venues/paper/probe.ts', "import { Engine } from '../../engine/engine.js';"],
    ['src-main/feeds/replay/probe.ts', "import { Journal } from '../../engine/journal.js';"],
    ['src-main/api/probe.ts', "import { createRuntime } from '../runtime.js';"],
    ['src-main/backtest/probe.ts', "import { createRuntime } from '../runtime.js';"],
    ['src-main/strategies/probe.ts', "import type { Runtime } from '../runtime.js';"],
    ['src-main/serve-keys.ts', "import { createRuntime } from './runtime.js';"],
  ])('%s: %s is reported', async (path, code) => {
    expect(await importProblems(path, `${code}\nexport const probe = 1;\n`)).toHaveLength(1);
  });

  it('allows the engine the contract and its own files, and adapters the engine ports, model and contract', async () => {
    const engine = [
      "import { TernError } from '../../../src-common/contract/errors.js';",
      "import type { SecretStore } from '../ports/secret-store.js';",
      "import { Journal } from '../journal.js';",
      "import { portfolioView } from '../risk/portfolio-view.js';",
      'export const probe = [TernError, Journal, portfolioView];',
      'export type P = SecretStore;',
    ].join('\n');
    expect(await importProblems('src-main/engine/oms/probe.ts', engine)).toEqual([]);
    const adapter = [
      "import type { CandleCache } from '../../engine/ports/candle-cache.js';",
      "import { dec } from '../../engine/model/decimal.js';",
      "import { TernError } from '../../../src-common/contract/errors.js';",
      "import { ReportStream } from '../paper/report-stream.js';",
      'export const probe = [dec, TernError, ReportStream];',
      'export type P = CandleCache;',
    ].join('\n');
    expect(await importProblems('src-main/venues/ccxt/probe.ts', adapter)).toEqual([]);
  });

  it('allows the entry points and the desktop shell to import the composition root', async () => {
    const code = "import { createRuntime } from './runtime.js';\nexport const probe = createRuntime;";
    expect(await importProblems('src-main/headless.ts', code)).toEqual([]);
    expect(await importProblems('src-main/electron/probe.ts', code.replace('./runtime', '../runtime'))).toEqual([]);
  });

  it('names no folder inside a layer like an entry of src-main (the rules match a relative import by the entry it climbs to)', () => {
    const entries = new Set(readdirSync(join(root, 'src-main')).map((n) => n.replace(/\.(ts|js)$/, '')));
    const folders = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? [d.name, ...folders(join(dir, d.name))] : []));
    const clashes = ['engine', 'venues', 'feeds', 'store'].flatMap((layer) => folders(join(root, 'src-main', layer)).filter((n) => entries.has(n)).map((n) => `${layer}: ${n}`));
    expect(clashes).toEqual([]);
  });
});

describe('the dependency map of src-main', () => {
  it('has no circle (type-only imports count: they are dependencies a reader follows)', () => {
    expect(cycles(importGraph(root, 'src-main'))).toEqual([]);
  });

  it('the walker finds a circle when there is one', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', []],
      ['e.ts', ['e.ts']],
    ]);
    expect(cycles(graph).map((c) => c.join(' → ')).sort()).toEqual(['a.ts → b.ts → c.ts → a.ts', 'e.ts → e.ts']);
  });
});
