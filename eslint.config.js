// ESLint flat config: typescript-eslint's recommended rules (not type-aware, to
// stay fast) plus import rules that keep the layers apart. Each folder gets ONE
// complete no-restricted-imports setting (flat config replaces, never merges,
// a rule's options), built from the lists below; test/lint/ proves they fire.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import { readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const RULE = '@typescript-eslint/no-restricted-imports';
const TS_AND_JS = ['**/*.{ts,tsx,mts,cts,js,mjs,cjs}'];

/** Only the Electron shell (and the preload) may touch Electron. */
const NO_ELECTRON = { regex: '^electron(/.*)?$', message: "Only src-main/electron/ (and src-preload/) may import 'electron'." };

/** Engine code runs headless and is transport-agnostic: no Electron, server, network or UI libraries. */
const NO_TRANSPORT_OR_UI = [
  NO_ELECTRON,
  {
    regex: '^(fastify|@fastify/.*|ws|http|https|node:http|node:https|http2|node:http2|react|react-dom|zustand)(/.*)?$',
    message: 'Engine layers (engine, contract, venues, feeds, store) must not import transports or UI libraries; expose a port instead.',
  },
  {
    regex: '^(\\.\\./)+(api|electron)(/|$)',
    message: 'Engine layers must not import the transports (src-main/api, src-main/electron); those depend on the engine, not the reverse.',
  },
];

/**
 * The main process's own layers. A relative import is matched by the src-main
 * entry it climbs to (`../../store/x.js` from any depth): the entries are read
 * from the folder, and test/lint/ checks no folder inside the engine, venues,
 * feeds or store shares a name with one, so a climb inside a layer never matches.
 */
const SRC_MAIN_ENTRIES = readdirSync(new URL('./src-main/', import.meta.url)).map((name) => name.replace(/\.(ts|js)$/, ''));
const climbTo = (names) => `^(\\.\\./)+(${names.join('|')})(/|\\.js$|$)`;
// api and electron are left to NO_TRANSPORT_OR_UI (one message per import)
const others = (...own) => SRC_MAIN_ENTRIES.filter((n) => ![...own, 'contract', 'api', 'electron'].includes(n));

/** The kernel imports only the contract and itself: features, adapters and the composition root are plugged in (runtime.ts). */
const ENGINE_ONLY_CONTRACT = {
  regex: climbTo(others('engine')),
  message: 'src-main/engine/ imports only the contract (src-common/) and its own files; give the engine a port (engine/ports/) or plug the feature in from runtime.ts.',
};

/** Adapters (venues, feeds, store) implement engine ports: they never import each other, the kernel or the features. */
const adapter = (own) => [
  {
    regex: climbTo(others(own, 'engine')),
    message: `src-main/${own}/ imports only engine ports and model, the contract and its own files; venues, feeds and store never import each other (wire them in runtime.ts).`,
  },
  {
    regex: '^(\\.\\./)+engine/(?!ports/|model/|data/candles\\.js$|accounts/venue-config\\.js$)',
    message: `src-main/${own}/ may import from the engine only its ports (engine/ports/), model (engine/model/) and candle arithmetic, never the kernel.`,
  },
];

/** The composition root is imported by the entry points only (headless.ts, electron/, tests). */
const NO_RUNTIME = {
  regex: '^(\\./|(\\.\\./)+)runtime(\\.js)?$',
  message: 'Only the entry points (src-main/headless.ts, src-main/electron/) and tests import src-main/runtime.ts: it is the composition root.',
};

/** The contract is the protocol itself: plain constants, zod schemas built from them and types, importing nothing else. */
const CONTRACT_ONLY_ZOD = [
  { regex: '^(?!zod$|\\./)', message: 'src-common/contract/ may import only zod and its own files.' },
];

/** The constants are what the page and preload may import as values: plain data, importing nothing (not even zod or a sibling schema). */
const IMPORTS_NOTHING = [
  { regex: '.*', message: 'src-common/contract/constants/ holds plain values both sides import: it imports nothing (no zod, no schemas, no sibling modules); build schemas from it in the contract instead.' },
];

/** The indicator library is plain math that strategies and the page's chart both run (one implementation): it imports only its own files. */
const OWN_FILES_ONLY = [
  { regex: '^(?!\\./)', message: 'src-common/indicators/ is plain math the page bundles too: it imports only its own files (no zod, no contract, no Node, no engine).' },
];

/** The page and the preload see the engine only through contract types. */
const CONTRACT_TYPES_ONLY = {
  regex: 'src-common/contract/(?!constants(/|\\.js$))',
  allowTypeImports: true,
  message: 'Import only types from the zod contract here (`import type`); values come from src-common/contract/constants/ (plain constants, no zod): the schemas must not be bundled into the page or preload.',
};
const ONLY_CONTRACT_FROM_MAIN = {
  regex: '(^|/)src-main/',
  message: 'The renderer and preload may import only the contract (src-common/) — not engine, venues, feeds, store, api or electron.',
};

const NODE_BUILTINS = [...new Set([...builtinModules, ...builtinModules.map((m) => (m.startsWith('node:') ? m : `node:${m}`))])];

const RENDERER = {
  paths: NODE_BUILTINS.map((name) => ({ name, message: 'The renderer is a sandboxed web page: no Node builtins; ask the engine through window.tern.' })),
  patterns: [
    { regex: '^(electron|fastify|@fastify/.*|ws|better-sqlite3|pino|prom-client)(/.*)?$', message: 'The renderer is a sandboxed web page: no Electron, Node or server libraries.' },
    ONLY_CONTRACT_FROM_MAIN,
    CONTRACT_TYPES_ONLY,
    { regex: '(^|/)src-preload(/|$)', message: 'The renderer reaches the preload only through window.tern.' },
  ],
};

const PRELOAD = {
  patterns: [
    {
      regex: '^(?!electron$|\\./|(\\.\\./)+src-common/contract/)',
      message: "The sandboxed preload may import only 'electron', its own files and contract types (it is bundled into one file with no module loader).",
    },
    CONTRACT_TYPES_ONLY,
  ],
};

const restrict = (options) => ({ [RULE]: ['error', options] });
const layer = (dirs, options) => ({ files: dirs.map((d) => `${d}/**/*.{ts,tsx,mts,cts,js,mjs,cjs}`), rules: restrict(options) });

export default defineConfig(
  { ignores: ['out/**', 'dist/**', 'coverage/**', 'node_modules/**', '.bench/**', 'test-artifacts/**', '.tern-data/**'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: TS_AND_JS,
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module', globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'warn' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      ...restrict({ patterns: [NO_ELECTRON] }),
    },
  },
  // Tests and benchmarks poke at untyped JSON replies; `any` there is not worth a fight.
  { files: ['test/**', 'bench/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  { files: ['src-renderer/**'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['src-preload/**'], languageOptions: { globals: { ...globals.browser, ...globals.node } } },

  // Layers. Order matters only where globs overlap; these do not.
  layer(['src-main/engine'], { patterns: [...NO_TRANSPORT_OR_UI, ENGINE_ONLY_CONTRACT, NO_RUNTIME] }),
  ...['venues', 'feeds', 'store'].map((own) => layer([`src-main/${own}`], { patterns: [...NO_TRANSPORT_OR_UI, ...adapter(own), NO_RUNTIME] })),
  layer(['src-common/contract'], { patterns: CONTRACT_ONLY_ZOD }),
  // after the contract's rule: a later setting replaces it for the folder inside
  layer(['src-common/contract/constants'], { patterns: IMPORTS_NOTHING }),
  layer(['src-common/indicators'], { patterns: OWN_FILES_ONLY }),
  layer(['src-main/api'], { patterns: [NO_ELECTRON, NO_RUNTIME, { regex: '^(react|react-dom|zustand)(/.*)?$', message: 'The API server has no UI.' }] }),
  layer(['src-main/backtest', 'src-main/strategies', 'src-main/downloads', 'src-main/secrets'], { patterns: [NO_ELECTRON, NO_RUNTIME] }),
  { files: ['src-main/*.{ts,mts,js,mjs}'], ignores: ['src-main/headless.ts'], rules: restrict({ patterns: [NO_ELECTRON, NO_RUNTIME] }) },
  layer(['src-main/electron'], { patterns: [{ regex: '^(react|react-dom|zustand)(/.*)?$', message: 'The main process has no UI; the page is in src-renderer/.' }] }),
  layer(['src-preload'], PRELOAD),
  layer(['src-renderer'], RENDERER),
  // Shell tests may mock 'electron' (there is no Electron binary in CI).
  layer(['test/electron'], { patterns: [] }),
);
