#!/usr/bin/env bash
# Runs the nightly job on the bundled demo data in demo/run/ (a fresh
# database and inbox each time) and shows where the files are.
set -euo pipefail
cd "$(dirname "$0")"
RELIEF=../build/relief
rm -rf run && mkdir -p run/inbox
cp feeds/*.xml run/inbox/
$RELIEF --db run/relief.db hospitals import hospitals.csv
$RELIEF --db run/relief.db registry import registry.csv
rc=0
$RELIEF --db run/relief.db run --date 2026-11-29 --inbox run/inbox --out run/out || rc=$?
[ "$rc" -le 2 ] || exit "$rc"
batch=$(ls run/out | head -n 1)
echo
echo "payment files and report of batch $batch:"
ls -l "run/out/$batch"
echo
echo "summary:"; cat "run/out/$batch/summary.json"
echo
echo "why did claim A1003 get what it got?"
$RELIEF --db run/relief.db explain GZ001 A1003
echo
echo "open demo/run/out/$batch/report.html in a browser for the full report."
