/**
 * A real Secret Service for tests. Under `scripts/with-keyring.sh` (CI wraps
 * `npm test` in it) the session is already there; otherwise the test starts
 * its own with the same script, points this process at its bus, and ends it
 * afterwards. Missing tools fail the test with the command that installs them:
 * a keychain test never skips silently.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
export const INSTALL = 'apt-get install -y gnome-keyring dbus';

export function requireKeyringTools(): void {
  const missing = ['dbus-run-session', 'gnome-keyring-daemon'].filter((bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0);
  if (missing.length) throw new Error(`the keychain tests need a real Secret Service: ${missing.join(' and ')} missing. Install: ${INSTALL}`);
}

export interface KeyringSession {
  /** the bus address the keyring listens on */
  address: string;
  close(): Promise<void>;
}

/** Makes the OS keychain of this process a real, unlocked gnome-keyring. */
export async function keyringSession(): Promise<KeyringSession> {
  requireKeyringTools();
  if (process.env['TERN_KEYRING_SESSION'] === '1' && process.env['DBUS_SESSION_BUS_ADDRESS']) {
    return { address: process.env['DBUS_SESSION_BUS_ADDRESS'], close: async () => {} };
  }
  // A holder process inside the session prints the bus address and lives until its stdin closes.
  const child: ChildProcess = spawn(join(ROOT, 'scripts', 'with-keyring.sh'), ['sh', '-c', 'printf "%s\\n" "$DBUS_SESSION_BUS_ADDRESS"; cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`scripts/with-keyring.sh exited with ${code} before the keyring was up`)));
  });
  const previous = process.env['DBUS_SESSION_BUS_ADDRESS'];
  process.env['DBUS_SESSION_BUS_ADDRESS'] = address;
  return {
    address,
    close: () =>
      new Promise<void>((resolve) => {
        if (previous === undefined) delete process.env['DBUS_SESSION_BUS_ADDRESS'];
        else process.env['DBUS_SESSION_BUS_ADDRESS'] = previous;
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin!.end();
      }),
  };
}
