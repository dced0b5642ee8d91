#!/usr/bin/env bash
# Benchmark: wall time of a full pairing with the real client library (TLS handshake, two PAKE round
# trips, the admin's approval call, the result) against the assembled host on loopback.
#   bench/pairing.sh [warm-up=20] [runs=50]
# Needs a build (mvn -B -DskipTests install). Listens on 127.0.0.1 only; stops the host at the end.
set -euo pipefail
warmup="${1:-20}"
runs="${2:-50}"
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dist="$top/distribution/target/openwork-host"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
http_port=$(free_port); lan_port=$(free_port)
data="$(mktemp -d)"
"$dist/bin/openwork-host" --headless --data "$data" --port "$http_port" --lan-address 127.0.0.1 --lan-port "$lan_port" \
  </dev/null >"$data/stdout.txt" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
mvn -q -o -B -f "$top/itests/host-itests/pom.xml" org.codehaus.mojo:exec-maven-plugin:3.5.0:java \
  -Dexec.mainClass=dev.openwork.host.itests.PairingBenchmark -Dexec.classpathScope=test \
  -Dexec.args="$http_port $lan_port $data $warmup $runs"
