/**
 * Names the packaged app and the OS know it by. electron-builder.yml repeats
 * them (a test keeps the two equal): the appId is also Windows' AppUserModelID,
 * without which desktop notifications show no app name or do not show at all.
 */
import { join } from 'node:path';

export const APP_ID = 'com.tern.terminal';
export const PRODUCT_NAME = 'Tern';

/** userData: `<appData>/Tern`, the folder paths.ts's defaultDataDir names, so `npm run serve` and the app share data. */
export function userDataDir(appData: string): string {
  return join(appData, PRODUCT_NAME);
}
