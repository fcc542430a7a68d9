/** the folder of a current build of the backtest CLI, built first if needed (scripts/backtest-build.mjs) */
export function builtCliDir(): Promise<string>;
/** the built CLI module */
export function loadBuiltCli(): Promise<typeof import('../src-main/backtest/cli.js')>;
