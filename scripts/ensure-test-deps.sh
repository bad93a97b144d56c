#!/usr/bin/env bash
# Installs the real parts the test suite runs against, from Debian's packages, only when they are
# missing: etcd and etcdctl (conformance and wire-mode tests) and Chromium (the timeline's browser
# test). Called by the root `test` script, so the README's test command works on a fresh machine
# that has only Node 20 and npm. Needs root or sudo for apt-get when something is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

missing=()
command -v etcd >/dev/null 2>&1 || missing+=(etcd-server)
command -v etcdctl >/dev/null 2>&1 || missing+=(etcd-client)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ "${#missing[@]}" -eq 0 ]; then
  echo "test dependencies present: etcd, etcdctl, chromium"
  exit 0
fi

if [ "$(id -u)" -ne 0 ] && [ -z "$SUDO" ]; then
  echo "missing ${missing[*]} and this user cannot run apt-get (not root, no sudo)." >&2
  echo "Install the Debian packages ${missing[*]}, then re-run." >&2
  exit 1
fi

echo "installing missing test dependencies with apt-get: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! apt-cache show "${missing[@]}" >/dev/null 2>&1; then $SUDO apt-get update -qq; fi
$SUDO apt-get install -y -qq "${missing[@]}"
# Debian's etcd-server may enable a service on the default ports; the tests start their own
# members on free loopback ports, so stop it where a service manager runs.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet etcd 2>/dev/null; then
  $SUDO systemctl stop etcd || true
fi
bash "$here/etcd/ensure-etcd.sh"
