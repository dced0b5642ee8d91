#!/usr/bin/env bash
# Benchmark: how fast a client finds the host over mDNS, in two network namespaces joined by a veth
# pair that the run creates and removes (needs root and iproute2; nothing is sent on the machine's
# real interfaces). Per round: host launch -> resolved with TXT, mDNS responder start -> resolved,
# and a new client's browse start -> resolved while the host runs.
#   sudo bench/discovery.sh [rounds=5]
# Needs a build (mvn -B -DskipTests install).
set -euo pipefail
rounds="${1:-5}"
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mvn -q -o -B -f "$top/itests/host-itests/pom.xml" org.codehaus.mojo:exec-maven-plugin:3.5.0:java \
  -Dexec.mainClass=dev.openwork.host.itests.DiscoveryBenchmark -Dexec.classpathScope=test \
  -Dexec.args="$rounds" -Dopenwork.dist.dir="$top/distribution/target/openwork-host"
