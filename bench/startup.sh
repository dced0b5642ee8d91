#!/usr/bin/env bash
# Benchmark: time from launch to the first healthy GET /v1/health, and idle resident memory, of the
# assembled distribution. Prints each run and the medians.
#   bench/startup.sh [runs=5] [idle-seconds=5]
# Runs warm starts (the bundle cache kept from a first, discarded start, as on every restart of an
# installed host) and cold starts (a fresh data directory each time).
# Needs: a built distribution (mvn -DskipTests install), curl. Listens on 127.0.0.1 only.
set -euo pipefail
runs="${1:-5}"
idle="${2:-5}"
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dist="$top/distribution/target/openwork-host"
[ -x "$dist/bin/openwork-host" ] || { echo "build first: mvn -B -DskipTests install" >&2; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

now_ms() { date +%s%3N; }

# one_run DATA_DIR -> prints "<ms-to-healthy> <rss-kb>"
one_run() {
  local data="$1" start pid t rss
  start=$(now_ms)
  "$dist/bin/openwork-host" --headless --data "$data" --port "$port" --lan-address 127.0.0.1 --lan-port 0 </dev/null >"$work/out.txt" 2>&1 &
  pid=$!
  until [ -f "$data/admin/admin.token" ] && curl -fs -o /dev/null -H "Authorization: Bearer $(cat "$data/admin/admin.token")" "http://127.0.0.1:$port/v1/health"; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/out.txt" >&2; exit 1; }
    [ $(( $(now_ms) - start )) -lt 60000 ] || { echo "no healthy answer in 60 s" >&2; kill "$pid"; exit 1; }
    sleep 0.01
  done
  t=$(( $(now_ms) - start ))
  sleep "$idle"
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  kill -TERM "$pid"; wait "$pid" || true
  echo "$t $rss"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "java: $(java -version 2>&1 | head -1); cores: $(nproc)"
one_run "$work/warm" >/dev/null   # fills the bundle cache
: >"$work/warm.txt"; : >"$work/cold.txt"
for i in $(seq 1 "$runs"); do
  r=$(one_run "$work/warm"); echo "warm run $i: ${r% *} ms to healthy, ${r#* } kB resident after ${idle}s idle"; echo "$r" >>"$work/warm.txt"
  r=$(one_run "$work/cold-$i"); echo "cold run $i: ${r% *} ms to healthy, ${r#* } kB resident after ${idle}s idle"; echo "$r" >>"$work/cold.txt"
done
echo "median warm: $(cut -d' ' -f1 "$work/warm.txt" | median) ms to healthy, $(( $(cut -d' ' -f2 "$work/warm.txt" | median | cut -d. -f1) / 1024 )) MB resident"
echo "median cold: $(cut -d' ' -f1 "$work/cold.txt" | median) ms to healthy, $(( $(cut -d' ' -f2 "$work/cold.txt" | median | cut -d. -f1) / 1024 )) MB resident"
