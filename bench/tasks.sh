#!/usr/bin/env bash
# Benchmark: task output over TLS SSE against the assembled host on loopback: request-to-process-start
# overhead, line-to-client latency with 1 and 100 subscribers, throughput of one chatty task to one
# client, and the extra heap of 1,000 idle subscribers.
#   bench/tasks.sh [client=socket|jdk] [parts=start,latency1,latency100,throughput,idle]
# client: socket (default) reads the streams with a lean TLS socket client that parses SSE from bytes;
# jdk reads them with java.net.http and a line reader (the first version's client, slower than the host).
# OPENWORK_HOST_JAVA_OPTS passes extra JVM flags to the host (to measure a flag, not to ship one);
# OPENWORK_HOST_DIST runs another build of the distribution (for A/B runs against a baseline).
# Needs a build (mvn -B -DskipTests install), jcmd. Listens on 127.0.0.1 only; stops the host at the end.
set -euo pipefail
client="${1:-socket}"
parts="${2:-start,latency1,latency100,throughput,idle}"
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dist="${OPENWORK_HOST_DIST:-$top/distribution/target/openwork-host}"
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
  -Dexec.mainClass=dev.openwork.host.itests.TaskStreamBenchmark -Dexec.classpathScope=test \
  -Dexec.args="$http_port $lan_port $data $pid $ws $client $parts"
