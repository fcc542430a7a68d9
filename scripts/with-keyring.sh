#!/bin/sh
# Runs a command with a real, unlocked Secret Service (gnome-keyring) on a
# private D-Bus session bus, HOME and the XDG folders in a fresh temp folder,
# so the OS-keychain code (@napi-rs/keyring) runs for real and touches nothing
# of the user's. CI wraps the test run in it:
#   scripts/with-keyring.sh npm test
# Needs: apt-get install -y gnome-keyring dbus
set -eu

for bin in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$bin" >/dev/null 2>&1; then
    echo "with-keyring: $bin is missing. Install it: apt-get install -y gnome-keyring dbus" >&2
    exit 1
  fi
done
if [ "$#" -eq 0 ]; then
  echo "usage: scripts/with-keyring.sh COMMAND [ARGS...]" >&2
  exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tern-keyring.XXXXXX")
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM
mkdir -p "$tmp/home" "$tmp/data" "$tmp/config" "$tmp/cache" "$tmp/runtime"
chmod 700 "$tmp/runtime"

# npm and node keep their caches where they were (HOME moves for the keyring only).
export npm_config_cache="${npm_config_cache:-${HOME:-$tmp/home}/.npm}"
export HOME="$tmp/home"
export XDG_DATA_HOME="$tmp/data"
export XDG_CONFIG_HOME="$tmp/config"
export XDG_CACHE_HOME="$tmp/cache"
export XDG_RUNTIME_DIR="$tmp/runtime"
export TERN_KEYRING_SESSION=1

status=0
dbus-run-session -- sh -c 'echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$@"' with-keyring "$@" || status=$?
exit "$status"
