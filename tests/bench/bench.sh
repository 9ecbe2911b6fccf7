#!/usr/bin/env bash
# Relief benchmark (issue 7). Not a test: nothing here runs under ctest.
#
#   tests/bench/bench.sh [--repeat R] [--big] [--day] [SIZE...]
#
# SIZE is a claim count: 100k, 1m, or a plain number (default: 100k 1m).
# For each size it generates the data once (tests/bench/gen_data.py, seed 7,
# one feed per 5,000 claims), then R times (default 2) on a fresh database:
#   (a) bare_parse over the feeds   validating Xerces-C SAX2, empty handler
#   (b) relief ingest of all feeds
#   (c) relief run --date D+1
#   (a) again, right after (c)
# each under /usr/bin/time -v, and prints wall time, peak RSS, claims/s for
# b+c and the ratio (b+c)/a, a being the mean of the two parses (this
# machine's speed drifts within minutes). Registry imports are timed but not counted.
#   --big   ingest of one ~300 MB feed (issue 2: peak RSS < 100 MB)
#   --day   one Guangzhou day: 145k claims from 150 hospitals, `relief run --inbox`
#           end to end (registries imported beforehand)
# Environment: BUILD_DIR (default build-bench, relative to the repo),
# WORK (default /tmp/relief-bench; removed at the end unless KEEP=1).
# The machine's noise matters: report ranges over the repeats.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build="$repo/${BUILD_DIR:-build-bench}"
work=${WORK:-/tmp/relief-bench}
relief="$build/relief"
bare="$build/tests/bare_parse"
gen="$repo/tests/bench/gen_data.py"
date_created=2026-11-28
date_run=2026-11-29
repeat=2 big=0 day=0 sizes=()
while [ $# -gt 0 ]; do
  case "$1" in
    --repeat) repeat=$2; shift 2 ;;
    --big) big=1; shift ;;
    --day) day=1; shift ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) sizes+=("$1"); shift ;;
  esac
done
[ ${#sizes[@]} -gt 0 ] || [ $big = 1 ] || [ $day = 1 ] || sizes=(100k 1m)
for t in "$relief" "$bare" /usr/bin/time; do
  [ -x "$t" ] || { echo "bench.sh: $t missing (build with: BUILD_DIR=${BUILD_DIR:-build-bench} .ci/build)" >&2; exit 1; }
done
mkdir -p "$work"
cleanup() { [ "${KEEP:-0}" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT

claims_of() {
  case "$1" in
    *k|*K) echo $(( ${1%?} * 1000 )) ;;
    *m|*M) echo $(( ${1%?} * 1000000 )) ;;
    *) echo "$1" ;;
  esac
}

# timed NAME CMD...: runs CMD under /usr/bin/time -v; sets SECS (wall), CPU
# (user + system seconds) and RSS_MB (peak resident set).
# CMD's stdout goes to $work/NAME.out; its exit status must be 0 or 2.
timed() {
  local name=$1; shift
  local tv="$work/$name.time" rc=0
  /usr/bin/time -v -o "$tv" "$@" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
  if [ $rc -ne 0 ] && [ $rc -ne 2 ]; then
    echo "bench.sh: $name failed (exit $rc):" >&2; tail -n 5 "$work/$name.err" >&2; exit 1
  fi
  SECS=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$tv")
  CPU=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$tv")
  RSS_MB=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$tv")
}

warm() { cat "$@" >/dev/null; }

results=()
bench_size() {
  local label=$1 n; n=$(claims_of "$1")
  local data="$work/data-$label"
  echo "== $label: generating $n claims" >&2
  python3 "$gen" --claims "$n" --date "$date_created" --out "$data"
  local feeds=("$data"/feeds/*.xml)
  local mb; mb=$(du -sm "$data/feeds" | cut -f1)
  for r in $(seq 1 "$repeat"); do
    local db="$work/$label-$r.db" out="$work/$label-$r-out"
    rm -f "$db"* && rm -rf "$out"
    "$relief" --db "$db" hospitals import "$data/hospitals.csv" >/dev/null
    timed "$label-$r-registry" "$relief" --db "$db" registry import "$data/registry.csv"
    local reg_s=$SECS
    warm "${feeds[@]}"
    timed "$label-$r-bare" "$bare" "${feeds[@]}"; local a_s=$SECS a_cpu=$CPU a_rss=$RSS_MB
    warm "${feeds[@]}"
    timed "$label-$r-ingest" "$relief" --db "$db" ingest "${feeds[@]}"; local b_s=$SECS b_cpu=$CPU b_rss=$RSS_MB
    if grep -q REFUSED "$work/$label-$r-ingest.out"; then
      echo "bench.sh: a feed was refused:" >&2; grep REFUSED "$work/$label-$r-ingest.out" | head -n 3 >&2; exit 1
    fi
    timed "$label-$r-run" "$relief" --db "$db" run --date "$date_run" --out "$out" --quiet; local c_s=$SECS c_cpu=$CPU c_rss=$RSS_MB
    # (a) again right after (c): this machine's speed drifts by 10-30% within
    # minutes, so the ratio takes the mean of the parse before (b) and after (c).
    warm "${feeds[@]}"
    timed "$label-$r-bare2" "$bare" "${feeds[@]}"; local a2_s=$SECS a2_cpu=$CPU
    local row
    row=$(awk -v l="$label" -v r="$r" -v n="$n" -v mb="$mb" -v a1="$a_s" -v a2="$a2_s" -v ar="$a_rss" -v b="$b_s" \
              -v br="$b_rss" -v c="$c_s" -v cr="$c_rss" -v g="$reg_s" -v ac1="$a_cpu" -v ac2="$a2_cpu" -v bcpu="$b_cpu" \
              -v cc="$c_cpu" 'BEGIN {
      a = (a1 + a2) / 2; ac = (ac1 + ac2) / 2
      bc = b + c; cps = bc > 0 ? n / bc : 0; ratio = a > 0 ? bc / a : 0; cratio = ac > 0 ? (bcpu + cc) / ac : 0
      printf "| %s #%s | %d | %d | %.2f, %.2f s (%.2f, %.2f) / %d MB | %.2f s (%.2f) / %d MB | %.2f s (%.2f) / %d MB | %.0f | %.2f (%.2f) | %.2f s |", \
             l, r, n, mb, a1, a2, ac1, ac2, ar, b, bcpu, br, c, cc, cr, cps, ratio, cratio, g }')
    results+=("$row")
    echo "$row" >&2
    grep -h '^batch ' "$work/$label-$r-run.out" >&2 || true
    rm -rf "$db"* "$out"
  done
  rm -rf "$data"
}

bench_big() {
  local data="$work/data-big"
  echo "== big: generating one ~300 MB feed" >&2
  python3 "$gen" --claims 480000 --feeds 1 --hospitals 1 --gb18030-every 0 --date "$date_created" --out "$data"
  local feed=("$data"/feeds/*.xml)
  local mb; mb=$(du -m "${feed[0]}" | cut -f1)
  for r in $(seq 1 "$repeat"); do
    local db="$work/big-$r.db"
    rm -f "$db"*
    "$relief" --db "$db" hospitals import "$data/hospitals.csv" >/dev/null
    "$relief" --db "$db" registry import "$data/registry.csv" >/dev/null
    warm "${feed[@]}"
    timed "big-$r-bare" "$bare" "${feed[@]}"; local a_s=$SECS a_cpu=$CPU a_rss=$RSS_MB
    warm "${feed[@]}"
    timed "big-$r-ingest" "$relief" --db "$db" ingest --feed-bytes-max 1073741824 "${feed[@]}"
    local row="| 300 MB feed #$r | 480000 | $mb | $a_s s ($a_cpu) / $a_rss MB | $SECS s ($CPU) / $RSS_MB MB | - | - | - | - |"
    results+=("$row"); echo "$row" >&2
    rm -f "$db"*
  done
  rm -rf "$data"
}

bench_day() {
  local data="$work/data-day"
  echo "== day: generating 145k claims from 150 hospitals" >&2
  python3 "$gen" --claims 145000 --feeds 150 --hospitals 150 --date "$date_created" --out "$data"
  for r in $(seq 1 "$repeat"); do
    local db="$work/day-$r.db" inbox="$work/day-$r-inbox" out="$work/day-$r-out"
    rm -rf "$db"* "$inbox" "$out" && mkdir -p "$inbox"
    "$relief" --db "$db" hospitals import "$data/hospitals.csv" >/dev/null
    "$relief" --db "$db" registry import "$data/registry.csv" >/dev/null
    cp "$data"/feeds/*.xml "$inbox"/
    warm "$inbox"/*.xml
    timed "day-$r" "$relief" --db "$db" run --date "$date_run" --inbox "$inbox" --out "$out" --quiet
    local row="| Guangzhou day #$r | 145000 | - | - | - | \`run --inbox\` $SECS s ($CPU) / $RSS_MB MB | $(awk -v s="$SECS" 'BEGIN { printf "%.0f", (s > 0 ? 145000 / s : 0) }') | - | - |"
    results+=("$row"); echo "$row" >&2
    grep -h '^batch ' "$work/day-$r.out" >&2 || true
    rm -rf "$db"* "$inbox" "$out"
  done
  rm -rf "$data"
}

for s in "${sizes[@]}"; do bench_size "$s"; done
[ $big = 0 ] || bench_big
[ $day = 0 ] || bench_day

echo
echo "Relief benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, commit $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "Each step: wall time (user+system CPU seconds) / peak RSS. (a) runs before (b) and again after (c);"
echo "the ratio divides by their mean. Ratio: wall (CPU)."
echo "| run | claims | feeds MB | (a) bare_parse, before and after | (b) ingest | (c) run | claims/s (b+c, wall) | (b+c)/(a) | registry import |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${results[@]}"
