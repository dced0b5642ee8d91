#!/usr/bin/env bash
# Benchmark: the web page in headless Chromium (390x844) against the assembled host on loopback:
# first load (navigation to everything shown) and the time from a task printing a line to the line
# showing in the page's live log.   bench/web.sh [RELOADS] [LINES]
# Needs a build (mvn -B -DskipTests install), chromium and chromium-driver (apt-get install -y
# chromium chromium-driver). Listens on 127.0.0.1 only; stops the host at the end.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dist="$top/distribution/target/openwork-host"
reloads="${1:-20}"; lines="${2:-200}"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
http_port=$(free_port); lan_port=$(free_port)
data="$(mktemp -d)"; ws="$(mktemp -d)"
"$dist/bin/openwork-host" --headless --data "$data" --port "$http_port" --lan-address 127.0.0.1 --lan-port "$lan_port" \
  </dev/null >"$data/stdout.txt" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data" "$ws"' EXIT
until [ -f "$data/admin/admin.token" ] && curl -fs -o /dev/null -H "Authorization: Bearer $(cat "$data/admin/admin.token")" \
  "http://127.0.0.1:$http_port/v1/health"; do sleep 0.1; done
mvn -q -o -B -f "$top/itests/host-itests/pom.xml" org.codehaus.mojo:exec-maven-plugin:3.5.0:java \
  -Dexec.mainClass=dev.openwork.host.itests.WebPageBenchmark -Dexec.classpathScope=test \
  -Dexec.args="$http_port $data $ws $reloads $lines"
