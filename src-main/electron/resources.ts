/**
 * Files the shell needs at run time (the bundled replay CSV, the icon), in a
 * checkout and in a packaged app. Pure: main passes in `app.isPackaged`,
 * `process.resourcesPath` and `app.getAppPath()`.
 *
 * Packaged, electron-builder copies them out of the asar as extraResources
 * (electron-builder.yml): `<resourcesPath>/replay/…` and `<resourcesPath>/icon.png`,
 * real files that the feed reader, the tray (which on Linux hands the icon's
 * path to the desktop) and a curious trader can all open. In a checkout
 * (`electron-vite dev`/`preview`) the app path is the project root, holding
 * `resources/`. runtime.ts's own `bundledSampleFeed()` looks beside its source
 * file, which inside a bundle is out/, so the shell always passes the path.
 */
import { join } from 'node:path';

export const SAMPLE_FEED_FILE = 'BTC-USDT_1m_sample.csv';
export const ICON_FILE = 'icon.png';

export interface ResourceLocation {
  isPackaged: boolean;
  /** process.resourcesPath: the folder holding app.asar */
  resourcesPath: string;
  /** app.getAppPath(): the project root in a checkout, …/app.asar when packaged */
  appPath: string;
}

export interface ResourcePaths {
  dir: string;
  sampleFeed: string;
  icon: string;
}

export function resourcePaths(loc: ResourceLocation): ResourcePaths {
  const dir = loc.isPackaged ? loc.resourcesPath : join(loc.appPath, 'resources');
  return { dir, sampleFeed: join(dir, 'replay', SAMPLE_FEED_FILE), icon: join(dir, ICON_FILE) };
}
