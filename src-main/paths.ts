import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The OS's per-user app-data folder for Tern — the same folder Electron's
 * app.getPath('userData') gives the desktop app, so `serve` and the app
 * share one data folder.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Tern');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Tern');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'Tern');
}
