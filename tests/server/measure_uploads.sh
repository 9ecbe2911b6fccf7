#!/usr/bin/env bash
# Uploads/s and latency of POST /api/v1/feeds with ~1 MB feeds, 8 concurrent
# clients (8 hospitals), with wrk on loopback. Not a test: a measurement.
# Usage: measure_uploads.sh RELIEF_BINARY [SECONDS]
set -euo pipefail
relief=$1
seconds=${2:-30}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
pid=
trap '[[ -n $pid ]] && kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
{
  echo "code,name,designated,account,bank_code,bank_name"
  for i in 1 2 3 4 5 6 7 8; do echo "H0$i,Hospital $i,true,62220000000000$i,102581000013,ICBC"; done
} >"$work/hospitals.csv"
db=$work/relief.db
"$relief" --db "$db" hospitals import "$work/hospitals.csv" >/dev/null
for i in 1 2 3 4 5 6 7 8; do export "TOKEN_H0$i=$("$relief" --db "$db" tokens create --role "hospital:H0$i" 2>/dev/null)"; done
"$relief" --db "$db" serve --listen 127.0.0.1:0 >"$work/out" 2>/dev/null &
pid=$!
for _ in $(seq 1 100); do grep -q serving "$work/out" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/out")
RUN_ID=W wrk -t 8 -c 8 -d "${seconds}s" --timeout 60s -s "$here/wrk_upload.lua" "$url"
echo "feeds accepted: $(sqlite3 "$db" "SELECT count(*) FROM feeds WHERE verdict='accepted'" 2>/dev/null || echo '?')," \
     "bytes each: $(sqlite3 "$db" "SELECT max(bytes) FROM feeds" 2>/dev/null || echo '?')"
