#!/usr/bin/env bash
# Benchmark: the host with its OpenCode runtime against a bare `opencode serve`, side by side in one run:
#   - time from launch to the first healthy answer (host: GET /opencode/global/health through the
#     host; bare: GET /global/health),
#   - resident memory after an idle pause (host: the JVM plus its OpenCode; bare: OpenCode),
#   - SSE event latency: from sending POST /session to receiving its session.created event on an
#     open event stream, through the host (/opencode/event on the loopback API) and direct.
#   bench/opencode.sh [runs=3] [events=50] [idle-seconds=5]
# Needs: a built distribution (mvn -B -DskipTests install), node, and the locked OpenCode of
# itests/opencode-sdk (npm ci there). Everything listens on 127.0.0.1 and stops by itself.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dist="$top/distribution/target/openwork-host"
sdk="$top/itests/opencode-sdk"
[ -x "$dist/bin/openwork-host" ] || { echo "build first: mvn -B -DskipTests install" >&2; exit 1; }
[ -x "$sdk/node_modules/.bin/opencode" ] || { echo "install OpenCode first: (cd itests/opencode-sdk && npm ci)" >&2; exit 1; }
echo "java: $(java -version 2>&1 | head -1); node: $(node --version); opencode: $("$sdk/node_modules/.bin/opencode" --version); cores: $(nproc)"
exec node "$top/bench/opencode-bench.mjs" "$dist" "$sdk/node_modules/.bin" "${1:-3}" "${2:-50}" "${3:-5}"
