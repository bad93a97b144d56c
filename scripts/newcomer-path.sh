#!/usr/bin/env bash
# The newcomer path of issue 11, end to end, as CI runs it: pack @dsim/core, @dsim/sim-server and
# @dsim/scenarios (no workspace links), `npm install` the tarballs into an empty directory outside
# the repository, write the walkthrough's files FROM docs/bring-your-own-client.md (so the page
# is tested), then follow the page: `npx dsim run --suites ./my.suite.ts` must fail with a
# replay command that repeats --suites, that command must reproduce the digest and write the
# HTML timeline, and the page's fixed client must pass under --check-determinism.
#
# Needs Node 20 and npm; dependencies of the tarballs come from the npm cache when it has them
# (--prefer-offline), else from the registry. Writes reports/newcomer/report.json in the shape
# .ci/count-tests.mjs sums (one test per check). Exit status: 0 when every check passed.
# DSIM_NEWCOMER_KEEP=1 keeps the temporary directory for inspection.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PNPM="npx -y pnpm@10.34.8"
DOC="$ROOT/docs/bring-your-own-client.md"
REPORT_DIR="$ROOT/reports/newcomer"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/dsim-newcomer.XXXXXX")"
APP="$WORK/config-app"
PACKS="$WORK/packs"
if [ "${DSIM_NEWCOMER_KEEP:-}" = "1" ]; then
  echo "newcomer: keeping $WORK"
else
  trap 'rm -rf "$WORK"' EXIT
fi
# The user's shell: no seed override, no loader flags inherited from a tsx-run parent.
unset DSIM_SEED NODE_OPTIONS

CHECKS=(build-and-pack install-tarballs write-files-from-doc failing-run replay-same-digest fixed-client-passes)
declare -A RESULT
for name in "${CHECKS[@]}"; do RESULT[$name]=failed; done

write_report() {
  mkdir -p "$REPORT_DIR"
  local passed=0 failed=0 list=""
  for name in "${CHECKS[@]}"; do
    if [ "${RESULT[$name]}" = passed ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
    list="$list{\"name\":\"newcomer-path: $name\",\"status\":\"${RESULT[$name]}\"},"
  done
  printf '{"numTotalTests":%d,"numPassedTests":%d,"numFailedTests":%d,"testResults":[%s]}\n' \
    "$((passed + failed))" "$passed" "$failed" "${list%,}" >"$REPORT_DIR/report.json"
  echo "newcomer: $passed passed, $failed failed (reports/newcomer/report.json)"
  [ "$failed" -eq 0 ]
}

pass() { RESULT[$1]=passed; echo "newcomer: ok   $1"; }
fail() { echo "newcomer: FAIL $1: $2" >&2; write_report; exit 1; }

# 1. Build and pack the three packages as they would be published.
(cd "$ROOT" && $PNPM --filter @dsim/core --filter @dsim/sim-server --filter @dsim/scenarios run build) >"$WORK/build.log" 2>&1 ||
  fail build-and-pack "build failed: $(tail -5 "$WORK/build.log")"
mkdir -p "$PACKS"
for pkg in core sim-server scenarios; do
  (cd "$ROOT/packages/$pkg" && $PNPM pack --pack-destination "$PACKS") >>"$WORK/build.log" 2>&1 ||
    fail build-and-pack "pnpm pack of $pkg failed"
done
pass build-and-pack

# 2. An empty project outside the repository, installing the tarballs with npm.
mkdir -p "$APP" && cd "$APP" || fail install-tarballs "cannot create $APP"
npm init -y >/dev/null 2>&1 || fail install-tarballs "npm init failed"
npm install -D --prefer-offline --no-audit --no-fund \
  "$PACKS/dsim-core-0.1.0.tgz" "$PACKS/dsim-sim-server-0.1.0.tgz" "$PACKS/dsim-scenarios-0.1.0.tgz" \
  >"$WORK/install.log" 2>&1 || fail install-tarballs "npm install failed: $(tail -5 "$WORK/install.log")"
for pkg in core sim-server scenarios; do
  [ -d "node_modules/@dsim/$pkg/dist" ] && [ ! -L "node_modules/@dsim/$pkg" ] ||
    fail install-tarballs "node_modules/@dsim/$pkg is not an installed copy with dist/"
done
pass install-tarballs

# 3. The walkthrough's files, exactly as the page shows them (```ts file=NAME [variant=V]).
extract() {
  node - "$DOC" "$1" "${2:-}" <<'JS'
const [doc, file, variant] = process.argv.slice(2);
const text = require("node:fs").readFileSync(doc, "utf8");
const fence = /^```ts file=(\S+)(?: variant=(\S+))?\n([\s\S]*?)^```$/gm;
for (const [, name, tag = "", body] of text.matchAll(fence)) {
  if (name === file && tag === variant) {
    process.stdout.write(body);
    process.exit(0);
  }
}
console.error(`no \`\`\`ts file=${file}${variant ? ` variant=${variant}` : ""} block in ${doc}`);
process.exit(1);
JS
}
extract config-client.ts >config-client.ts && extract my.suite.ts >my.suite.ts ||
  fail write-files-from-doc "the page lost a code block"
pass write-files-from-doc

# 4. The broken client fails, with a replay command that repeats --suites.
npx dsim run --suites ./my.suite.ts >"$WORK/run.out" 2>"$WORK/run.err"
status=$?
[ "$status" -eq 1 ] || fail failing-run "expected exit 1, got $status: $(tail -20 "$WORK/run.err" "$WORK/run.out")"
grep -q "invariant: conn.backoff-spacing" "$WORK/run.out" ||
  fail failing-run "the failure is not conn.backoff-spacing: $(cat "$WORK/run.out")"
replay="$(sed -n 's/^ *replay: *//p' "$WORK/run.out" | head -1)"
digest="$(sed -n 's/^ *digest: *//p' "$WORK/run.out" | head -1)"
[[ "$replay" =~ ^npx\ dsim\ replay\ --suites\ \./my\.suite\.ts\ config-retry\ --seed\ 42\ --path\ \"[0-9:]+\"$ ]] ||
  fail failing-run "unexpected replay command: $replay"
[ -n "$digest" ] || fail failing-run "no digest printed"
pass failing-run
echo "newcomer: $replay"

# 5. The printed command, run as printed (plus --html), reproduces the same digest.
bash -c "$replay --html timeline.html" >"$WORK/replay.out" 2>"$WORK/replay.err"
status=$?
[ "$status" -eq 1 ] || fail replay-same-digest "replay: expected exit 1, got $status: $(cat "$WORK/replay.err")"
grep -q "FAILED invariant: conn.backoff-spacing" "$WORK/replay.out" ||
  fail replay-same-digest "replay did not fail the same way: $(cat "$WORK/replay.out")"
replayed="$(sed -n 's/^ *digest: *//p' "$WORK/replay.out" | head -1)"
[ "$replayed" = "$digest" ] || fail replay-same-digest "digest $replayed differs from the run's $digest"
grep -q "config-retry" timeline.html 2>/dev/null || fail replay-same-digest "no HTML timeline written"
pass replay-same-digest

# 6. The page's fix passes, deterministically.
extract config-client.ts fixed >config-client.ts || fail fixed-client-passes "no fixed client block"
npx dsim run --suites ./my.suite.ts --check-determinism >"$WORK/fixed.out" 2>"$WORK/fixed.err" ||
  fail fixed-client-passes "the fixed client failed: $(cat "$WORK/fixed.out" "$WORK/fixed.err" | tail -30)"
pass fixed-client-passes

write_report
