#!/usr/bin/env bash
# The host's own performance figures from the earlier issues, in one run: start-up time and idle
# memory (bench/startup.sh), task output over TLS SSE: event latency p50/p99, lines/s, 1,000
# subscribers' heap (bench/tasks.sh), pairing wall time (bench/pairing.sh), the web page (bench/web.sh,
# needs chromium and chromium-driver) and discovery over mDNS (bench/discovery.sh, needs root and
# iproute2). A benchmark whose prerequisites are missing is skipped, and says so. Each one's full
# output goes to target/figures/<name>.txt; its summary lines are printed.
#   bench/figures.sh [startup-runs=5]
# Needs a build (mvn -B -DskipTests install). Everything listens on 127.0.0.1 (discovery: in network
# namespaces of its own).
#
# TODO (issue 9, item 7, not done here): the side-by-side part, installing opencode-ai from npm into a
# scratch folder and measuring a bare `opencode serve` alternately with the host (launch to first
# healthy answer, idle resident memory; goal: the host at <= 1/3 of OpenCode on both), belongs with
# the OpenCode runtime (issue 7) and is not written yet.
set -uo pipefail
runs="${1:-5}"
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$top/target/figures"
mkdir -p "$out"
failed=0

run() {
  local name="$1" summary="$2"; shift 2
  echo "== $name: $* =="
  if "$@" >"$out/$name.txt" 2>&1; then
    grep -E "$summary" "$out/$name.txt" || tail -5 "$out/$name.txt"
  else
    echo "$name FAILED (exit $?); see $out/$name.txt"; tail -5 "$out/$name.txt"; failed=1
  fi
}

run startup 'median|java:' "$top/bench/startup.sh" "$runs" 5
run tasks 'p50|p99|lines/s|heap|subscriber|MB' "$top/bench/tasks.sh"
run pairing 'pairings:' "$top/bench/pairing.sh" 20 50
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  run web 'p50|p90|first load|line' "$top/bench/web.sh" 20 200
else
  echo "== web: skipped (needs chromium and chromium-driver) =="
fi
if [ "$(id -u)" -eq 0 ] && command -v ip >/dev/null 2>&1; then
  run discovery 'median|resolved|round' "$top/bench/discovery.sh" 3
else
  echo "== discovery: skipped (needs root and iproute2 for its network namespaces) =="
fi
echo "== side by side with opencode serve: not measured (TODO, see the header of bench/figures.sh) =="
exit "$failed"
