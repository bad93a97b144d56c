#!/usr/bin/env bash
# Makes sure the `etcd` server binary is available for the conformance tests
# (packages/conformance). Installs Debian's etcd-server and etcd-client only when `etcd` is
# missing; does nothing otherwise. Needs root (or sudo) for apt-get.
set -euo pipefail

if command -v etcd >/dev/null 2>&1; then
  echo "etcd present: $(etcd --version 2>/dev/null | head -n 1)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "etcd is missing and this user cannot run apt-get (not root, no sudo)." >&2
    echo "Install the Debian packages etcd-server and etcd-client, then re-run." >&2
    exit 1
  fi
fi

echo "etcd missing: installing etcd-server and etcd-client with apt-get"
export DEBIAN_FRONTEND=noninteractive
# An index from an earlier `apt-get update` may already know the packages; refresh only if not.
if ! apt-cache show etcd-server >/dev/null 2>&1; then
  $SUDO apt-get update
fi
$SUDO apt-get install -y etcd-server etcd-client
# Debian's package enables a system service on the default ports; the tests start their own
# members on free loopback ports, so stop it where a service manager runs.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet etcd 2>/dev/null; then
  $SUDO systemctl stop etcd || true
fi
etcd --version | head -n 1
