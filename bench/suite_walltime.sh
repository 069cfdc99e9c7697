#!/usr/bin/env bash
# Benchmark: wall time of the whole Gherkin suite (features/) with 1 and with 2 pytest-xdist workers, against
# the running bench stack. Alternates -n 1 and -n 2 for ROUNDS rounds (default 1) so that the machine's other
# load weighs on both alike; prints each run, its pass/fail line and the load average, then the medians.
#
#   export FAMHP_UAT_...=... FAMHP_UAT_STACK_DIR=/tmp/stackbench   (see bench/README.md)
#   bench/suite_walltime.sh [ROUNDS] [extra pytest args...]
#   e.g. bench/suite_walltime.sh 1 -p no:fixtures.reporting
#
# Each run is bounded by `timeout` (RUN_TIMEOUT_S, default 900 s). The slowest tests of each run are listed
# (--durations=10) to show where the time goes.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-1}"
shift || true
RUN_TIMEOUT_S="${RUN_TIMEOUT_S:-900}"
if [[ -z "${FAMHP_UAT_STACK_DIR:-}" ]]; then
  echo "set FAMHP_UAT_STACK_DIR and the FAMHP_UAT_*_PORT variables of the bench stack first (bench/README.md)" >&2
  exit 2
fi
if ! .venv/bin/uat stack status >/dev/null; then
  echo "the bench stack is not healthy: .venv/bin/uat stack up" >&2
  exit 2
fi
echo "# whole-suite wall time, -n 1 vs -n 2"
echo "date     $(date '+%Y-%m-%d %H:%M:%S %Z')"
echo "command  $(env | grep '^FAMHP_UAT_' | sort | tr '\n' ' ')bench/suite_walltime.sh ${ROUNDS} $*"
echo "machine  $(nproc) cores; load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
echo
declare -A times
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 == 1 )); then order="1 2"; else order="2 1"; fi
  for n in $order; do
    load="$(cut -d' ' -f1-3 /proc/loadavg)"
    out="$(mktemp)"
    start=$(date +%s.%N)
    set +e
    timeout "$RUN_TIMEOUT_S" .venv/bin/python -m pytest features -q -n "$n" --durations=10 "$@" >"$out" 2>&1
    rc=$?
    set -e
    end=$(date +%s.%N)
    secs=$(echo "$end - $start" | bc)
    times[$n]="${times[$n]:-} $secs"
    summary="$(grep -E '^(=+ )?[0-9]+ (passed|failed)|passed|failed|error' "$out" | tail -1)"
    printf 'round %d  -n %d  %7.1f s  exit %d  load before %s\n         %s\n' "$round" "$n" "$secs" "$rc" "$load" "$summary"
    echo "         slowest (--durations=10):"
    sed -n '/slowest 10 durations/,/^$/p' "$out" | grep -E '^[0-9.]+s' | sed 's/^/           /'
    if [[ $rc -ne 0 ]]; then
      echo "         failures:"; grep -E '^(FAILED|ERROR) ' "$out" | sed 's/^/           /' || true
    fi
    cp "$out" "/tmp/suite_walltime_n${n}_round${round}.log"
    rm -f "$out"
  done
done
echo
for n in 1 2; do
  med=$(printf '%s\n' ${times[$n]} | sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}')
  printf -- '-n %d: median %.1f s over %d run(s)\n' "$n" "$med" "$(printf '%s\n' ${times[$n]} | wc -l)"
done
echo "load average at end $(cut -d' ' -f1-3 /proc/loadavg); full logs in /tmp/suite_walltime_n*_round*.log"
