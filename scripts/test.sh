#!/usr/bin/env bash
# The project's test command (`pnpm test`): installs missing real dependencies, runs every
# package's vitest suite one package at a time (conformance talks to real etcd processes on real
# time, so it gets the machine to itself), then every default dsim suite at the CI seed, then the
# newcomer path (scripts/newcomer-path.sh: packed packages, docs/bring-your-own-client.md). Every
# step runs even when an earlier one failed, so one run reports everything; the exit code is
# non-zero if any step failed.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-test-deps.sh || exit 1

status=0
turbo run test --concurrency=1 --continue || status=1
tsx packages/scenarios/src/cli.ts run --out reports/dsim || status=1
# The newcomer path: packed packages in an empty directory, following docs/bring-your-own-client.md.
bash scripts/newcomer-path.sh || status=1
exit "$status"
