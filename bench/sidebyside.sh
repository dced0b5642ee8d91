#!/usr/bin/env bash
# Benchmark (issue 9, item 7): the host alone against a bare `opencode serve`, side by side in one run,
# alternating round by round:
#   (1) the host: the assembled distribution with its OpenCode runtime disabled (enabled = false), i.e.
#       what the host itself costs; launch to the first 200 on GET /v1/health (admin token);
#   (2) a bare `opencode serve --hostname 127.0.0.1 --port N` with its own HOME and XDG folders and the
#       OPENCODE_DISABLE_* switches the host's runtime sets (OpenCodeEnvironment); launch to the first
#       200 on GET /global/health (password set, as the host does).
# For each: time from launch to the first healthy answer (polled every 10 ms) and resident memory
# (VmRSS of the process and all its descendants) after an idle pause. Both are warm starts: one
# discarded start each fills the bundle cache / OpenCode's state folders first, as on a restart.
# Prints every round, medians with their spread (min-max), and the host-to-OpenCode ratios; the goal
# is the host at <= 1/3 of OpenCode on both.
#   bench/sidebyside.sh [rounds=5] [idle-seconds=5]
# Needs: a built distribution (mvn -B -DskipTests package), npm (installs opencode-ai at the version
# locked in itests/opencode-sdk/package-lock.json from the npm registry into target/sidebyside/, once),
# curl, python3. Everything listens on 127.0.0.1; every process started here is stopped by its PID.
set -euo pipefail
rounds="${1:-5}"
idle="${2:-5}"
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dist="$top/distribution/target/openwork-host"
scratch="$top/target/sidebyside"
[ -x "$dist/bin/openwork-host" ] || { echo "build first: mvn -B -DskipTests package" >&2; exit 1; }

version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["packages"]["node_modules/opencode-ai"]["version"])' \
  "$top/itests/opencode-sdk/package-lock.json")
opencode="$scratch/opencode/node_modules/.bin/opencode"
if [ ! -x "$opencode" ] || [ "$("$opencode" --version 2>/dev/null)" != "$version" ]; then
  echo "installing opencode-ai@$version from the npm registry into $scratch/opencode"
  rm -rf "$scratch/opencode"; mkdir -p "$scratch/opencode"
  echo '{"name":"openwork-bench-opencode","private":true}' >"$scratch/opencode/package.json"
  (cd "$scratch/opencode" && npm install --no-audit --no-fund --save-exact "opencode-ai@$version" >"$scratch/npm.txt" 2>&1) \
    || { cat "$scratch/npm.txt" >&2; exit 1; }
fi

# The host alone: a copy of the distribution whose OpenCode runtime is switched off, with its own
# class-data archive (an archive is only valid for the folder it was recorded in).
host="$scratch/host"
if [ ! -f "$host/lib/openwork-host.jsa" ] || [ "$dist/lib/openwork-host.jsa" -nt "$host/lib/openwork-host.jsa" ]; then
  rm -rf "$host" "$scratch/cds-training"; mkdir -p "$scratch"; cp -a "$dist" "$host"
  rm -rf "$host/data"
  printf '# bench/sidebyside.sh: the host alone\nenabled = false\n' >"$host/etc/dev.openwork.host.runtime.opencode.cfg"
  "$host/bin/openwork-host" --cds-training --data "$scratch/cds-training" >/dev/null 2>&1 \
    || { echo "the host copy did not start; see $scratch/cds-training/log/host.log" >&2; exit 1; }
fi

work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }

# Resident memory of a process and its descendants, in kB.
tree_rss_kb() {
  local pid="$1" total child
  total=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
  for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do
    total=$(( total + $(tree_rss_kb "$child") ))
  done
  echo "${total:-0}"
}

# Stops one process by PID: SIGTERM, then SIGKILL after 10 s.
stop_pid() {
  local pid="$1" i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pids=("${pids[@]/$pid}")
}

# Polls URL (with the curl options after it) every 10 ms until a 200; fails if PID dies or 60 s pass.
until_healthy() {
  local pid="$1" start="$2" url="$3"; shift 3
  until curl -fs -o /dev/null --max-time 2 "$@" "$url"; do
    kill -0 "$pid" 2>/dev/null || { echo "process $pid ended before $url answered" >&2; return 1; }
    [ $(( $(now_ms) - start )) -lt 60000 ] || { echo "$url did not answer within 60 s" >&2; return 1; }
    sleep 0.01
  done
}

# host_run: writes "<ms to healthy> <rss kB>" to $work/last.txt (no subshell: the EXIT trap must see the PID)
host_run() {
  local data="$work/host-data" port start pid t rss
  port=$(free_port)
  start=$(now_ms)
  "$host/bin/openwork-host" --headless --data "$data" --port "$port" --lan-address 127.0.0.1 --lan-port 0 \
    </dev/null >"$work/host-out.txt" 2>&1 &
  pid=$!; pids+=("$pid")
  until [ -f "$data/admin/admin.token" ]; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/host-out.txt" >&2; return 1; }
    sleep 0.01
  done
  until_healthy "$pid" "$start" "http://127.0.0.1:$port/v1/health" -H "Authorization: Bearer $(cat "$data/admin/admin.token")"
  t=$(( $(now_ms) - start ))
  sleep "$idle"
  rss=$(tree_rss_kb "$pid")
  stop_pid "$pid"
  echo "$t $rss" >"$work/last.txt"
}

# opencode_run: writes "<ms to healthy> <rss kB>" to $work/last.txt
opencode_run() {
  local root="$work/opencode" port start pid t rss password d
  for d in home config data cache state workspace; do mkdir -p "$root/$d"; done
  port=$(free_port)
  password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')
  start=$(now_ms)
  (cd "$root/workspace" && exec env -i PATH="$PATH" HOME="$root/home" XDG_CONFIG_HOME="$root/config" \
    XDG_DATA_HOME="$root/data" XDG_CACHE_HOME="$root/cache" XDG_STATE_HOME="$root/state" \
    OPENCODE_DISABLE_AUTOUPDATE=1 OPENCODE_DISABLE_MODELS_FETCH=1 OPENCODE_DISABLE_LSP_DOWNLOAD=1 \
    OPENCODE_DISABLE_SHARE=1 OPENCODE_DISABLE_PROJECT_CONFIG=1 OPENCODE_SERVER_PASSWORD="$password" \
    "$opencode" serve --hostname 127.0.0.1 --port "$port") </dev/null >"$work/opencode-out.txt" 2>&1 &
  pid=$!; pids+=("$pid")
  until_healthy "$pid" "$start" "http://127.0.0.1:$port/global/health" -u "opencode:$password" \
    || { cat "$work/opencode-out.txt" >&2; return 1; }
  t=$(( $(now_ms) - start ))
  sleep "$idle"
  rss=$(tree_rss_kb "$pid")
  stop_pid "$pid"
  echo "$t $rss" >"$work/last.txt"
}

# stats FILE COLUMN DIVISOR -> "median (min-max)"
stats() {
  cut -d' ' -f"$2" "$1" | sort -n | awk -v d="$3" '{a[NR]=$1/d} END {
    m = NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2; printf "%.0f (%.0f-%.0f)", m, a[1], a[NR] }'
}
median_of() { cut -d' ' -f"$2" "$1" | sort -n | awk '{a[NR]=$1} END {print NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

echo "java: $(java -version 2>&1 | head -1); opencode-ai: $("$opencode" --version); cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)"
host_run
opencode_run
: >"$work/host.txt"; : >"$work/opencode.txt"
for i in $(seq 1 "$rounds"); do
  host_run; r=$(cat "$work/last.txt"); echo "$r" >>"$work/host.txt"
  echo "round $i host:          ${r% *} ms to healthy, $(( ${r#* } / 1024 )) MiB resident after ${idle}s idle"
  opencode_run; r=$(cat "$work/last.txt"); echo "$r" >>"$work/opencode.txt"
  echo "round $i opencode serve: ${r% *} ms to healthy, $(( ${r#* } / 1024 )) MiB resident after ${idle}s idle"
done
echo "median host alone:         $(stats "$work/host.txt" 1 1) ms to healthy, $(stats "$work/host.txt" 2 1024) MiB resident"
echo "median bare opencode serve: $(stats "$work/opencode.txt" 1 1) ms to healthy, $(stats "$work/opencode.txt" 2 1024) MiB resident"
awk -v ht="$(median_of "$work/host.txt" 1)" -v ot="$(median_of "$work/opencode.txt" 1)" \
    -v hm="$(median_of "$work/host.txt" 2)" -v om="$(median_of "$work/opencode.txt" 2)" 'BEGIN {
  rt = ht / ot; rm = hm / om
  printf "ratio host/opencode: start-up %.2f, memory %.2f (goal <= 0.33 on both): %s\n", rt, rm,
    (rt <= 1/3 && rm <= 1/3) ? "met" : (rt <= 1/3 ? "start-up met, memory not met" : (rm <= 1/3 ? "memory met, start-up not met" : "not met")) }'
