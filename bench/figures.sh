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
# Last, the side by side with a bare `opencode serve` (bench/sidebyside.sh: installs opencode-ai from
# npm into target/sidebyside/ once; the host alone against OpenCode, launch to healthy and idle
# memory, alternating; goal: the host at <= 1/3 of OpenCode on both). Skipped without npm.
# A summary at the end names each figure. The resume figures (hot swap, kill -9) come from
# bench/proof.sh (part of mvn verify), not from here: see docs/reliability.md.
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
if command -v npm >/dev/null 2>&1; then
  run sidebyside 'median|ratio|java:' "$top/bench/sidebyside.sh" 5 5
else
  echo "== sidebyside: skipped (needs npm to install opencode-ai) =="
fi

# The summary: each figure by name, from the outputs kept above.
pick() { [ -f "$out/$1.txt" ] && grep -E "$2" "$out/$1.txt" | head -${3:-1} | sed 's/^ *//' || echo "(not measured in this run)"; }
echo "== summary =="
echo "start-up, launch to first healthy /v1/health and idle memory: $(pick startup 'median warm')"
echo "                                                               $(pick startup 'median cold')"
echo "event latency (task line to client over TLS SSE, p50/p99):     $(pick tasks 'line to client' 2 | tr '\n' ' ')"
echo "throughput (lines/s of one chatty task to one client):         $(pick tasks 'lines/s')"
echo "memory of 1,000 idle subscribers (heap after full GC):         $(pick tasks 'idle subscribers')"
echo "pairing wall time (warm):                                      $(pick pairing 'pairings:')"
echo "resume time (every client back after a hot swap / kill -9):    bench/proof.sh short|long, see docs/reliability.md"
echo "host alone vs bare opencode serve:                             $(pick sidebyside 'median host')"
echo "                                                               $(pick sidebyside 'median bare')"
echo "                                                               $(pick sidebyside 'ratio')"
exit "$failed"
