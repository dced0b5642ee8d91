#!/usr/bin/env bash
# Proof under load (issue 9): the security sweep, fuzzing (HTTP bodies of every route and the PAKE
# messages), first-time pairing, crash (kill -9), soak (cut connections) and hot swap under load,
# each printing its figures. Figures are appended to itests/host-itests/target/proof/figures.tsv
# (time, mode, suite, figure, value, target) and printed as a table at the end.
#   bench/proof.sh [short|long] [IT class ...]
# short (default): what mvn verify runs, a few minutes on 2 cores.
# long: 100,000 fuzz inputs over HTTP and 100,000 PAKE exchanges, 100 pairings, 5 kill -9 rounds,
#       10,000 soak cuts with 12 clients, 5 hot swap rounds; then bench/figures.sh (the host's
#       performance figures). Roughly an hour on 2 cores.
# Builds what it needs (mvn -o verify -am on the itests module; never install). Every server listens
# on 127.0.0.1 only and stops by itself.
set -uo pipefail
mode="${1:-short}"
[ $# -gt 0 ] && shift
case "$mode" in short|long) ;; *) echo "usage: bench/proof.sh [short|long] [IT class ...]" >&2; exit 2 ;; esac
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(SecuritySweepIT FuzzIT FirstPairingIT CrashIT SoakIT HotSwapIT)
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
figures="$top/itests/host-itests/target/proof/figures.tsv"
pake_inputs=1000
[ "$mode" = long ] && pake_inputs=100000
mkdir -p "$(dirname "$figures")"
: >"$figures"

echo "proof under load, $mode mode: ${suites[*]} (java: $(java -version 2>&1 | head -1); cores: $(nproc))"
started=$(date +%s)
its=$(IFS=,; echo "${suites[*]}")
status=0
mvn -B -o -q verify -f "$top/pom.xml" -pl itests/host-itests,bundles/dev.openwork.host.pairing -am \
  -Dit.test="$its" -Dtest=PairingFuzzTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dopenwork.proof.mode="$mode" -Dopenwork.fuzz.pake.inputs="$pake_inputs" || status=$?

echo
echo "== figures ($mode mode, $(( $(date +%s) - started )) s) =="
grep -ho 'FIGURE PAKE fuzzing.*' "$top"/bundles/dev.openwork.host.pairing/target/surefire-reports/*PairingFuzzTest*.txt \
  "$top"/bundles/dev.openwork.host.pairing/target/surefire-reports/*PairingFuzzTest*.xml 2>/dev/null | head -1 | sed 's/^FIGURE /fuzzing: /'
awk -F'\t' '{ printf "%-20s %-70s %s%s\n", $3 ":", $4, $5, ($6 == "" ? "" : "   (target " $6 ")") }' "$figures"
if [ "$status" -ne 0 ]; then
  echo
  echo "FAILED (mvn exit $status): see itests/host-itests/target/failsafe-reports/ and the lines above" >&2
  exit "$status"
fi

if [ "$mode" = long ]; then
  echo
  "$top/bench/figures.sh" || status=$?
fi
exit "$status"
