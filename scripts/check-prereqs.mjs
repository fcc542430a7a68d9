#!/usr/bin/env node
// Checks what `npm test` needs before any test runs, and says exactly how to
// fix what is missing. Exits non-zero on any problem: never a silent skip.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MIN_NODE_MAJOR = 22;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const problems = [];

const major = Number(process.versions.node.split('.')[0]);
if (!(major >= MIN_NODE_MAJOR)) {
  const pkg = `node-${process.platform}-${process.arch}@${MIN_NODE_MAJOR}`;
  const prefix = '"$HOME/.cache/tern-node22"';
  problems.push(
    [
      `Node ${MIN_NODE_MAJOR} or newer is required; this is Node ${process.versions.node} (${process.execPath}).`,
      'Fix (installs Node from the npm registry into a cache folder and puts it first on PATH):',
      `  npm i --prefix ${prefix} ${pkg} && export PATH=${prefix}/node_modules/node-${process.platform}-${process.arch}/bin:"$PATH"`,
      'or run the whole CI sequence: bash .ci/run',
    ].join('\n'),
  );
}

for (const dep of ['vitest', 'typescript', 'zod']) {
  if (!existsSync(join(root, 'node_modules', dep, 'package.json'))) {
    problems.push(`Dependency "${dep}" is not installed.\nFix:\n  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci`);
    break;
  }
}

// System programs the tests drive for real: Chromium (UI end to end) and a
// Secret Service (the OS keychain). On Debian, as root or with sudo, they are
// installed here; otherwise the exact command is printed and the run stops.
const SYSTEM = [
  { bin: '/usr/bin/chromium', pkg: 'chromium', why: 'the UI end-to-end tests' },
  { bin: 'gnome-keyring-daemon', pkg: 'gnome-keyring', why: 'the keychain tests' },
  { bin: 'dbus-run-session', pkg: 'dbus', why: 'the keychain tests' },
];
const has = (bin) => (bin.startsWith('/') ? existsSync(bin) : spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0);
let missing = SYSTEM.filter((s) => !has(s.bin));
if (missing.length > 0 && process.platform === 'linux' && existsSync('/usr/bin/apt-get')) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = !root && spawnSync('sh', ['-c', 'command -v sudo && sudo -n true']).status === 0;
  if (root || sudo) {
    const pkgs = [...new Set(missing.map((s) => s.pkg))];
    console.log(`check-prereqs: installing ${pkgs.join(' ')} with apt-get`);
    const prefix = root ? [] : ['sudo', '-n'];
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync(prefix[0] ?? 'apt-get', [...prefix.slice(1), ...(root ? [] : ['apt-get']), 'update', '-qq'], { stdio: 'inherit', env });
    spawnSync(prefix[0] ?? 'apt-get', [...prefix.slice(1), ...(root ? [] : ['apt-get']), 'install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env });
    missing = SYSTEM.filter((s) => !has(s.bin));
  }
}
if (missing.length > 0) {
  const pkgs = [...new Set(missing.map((s) => s.pkg))];
  problems.push(
    [
      `Missing system packages: ${missing.map((s) => `${s.bin} (${s.why})`).join(', ')}.`,
      'Fix (Debian/Ubuntu):',
      `  sudo apt-get install -y ${pkgs.join(' ')}`,
    ].join('\n'),
  );
}

if (problems.length > 0) {
  console.error(`check-prereqs: ${problems.length} problem(s)\n\n${problems.join('\n\n')}\n`);
  process.exit(1);
}
console.log(`check-prereqs: ok (Node ${process.versions.node})`);
