#!/usr/bin/env bash
# The upload API with a real client: curl against `relief serve` on
# 127.0.0.1 at a free port. Usage: curl_test.sh RELIEF_BINARY SOURCE_DIR
set -euo pipefail
relief=$1
src=$2
work=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

db=$work/relief.db
"$relief" --db "$db" hospitals import "$src/demo/hospitals.csv" >/dev/null
gz001=$("$relief" --db "$db" tokens create --role hospital:GZ001 2>/dev/null)
gz002=$("$relief" --db "$db" tokens create --role hospital:GZ002 2>/dev/null)
civil=$("$relief" --db "$db" tokens create --role civil-affairs 2>/dev/null)
[[ $gz001 == relief_* ]] || fail "tokens create printed '$gz001'"
"$relief" --db "$db" tokens list | grep -q "hospital:GZ001" || fail "tokens list"
"$relief" --db "$db" tokens list | grep -q "$gz001" && fail "tokens list shows a secret"
"$relief" --db "$db" tokens create --role hospital:NOPE >/dev/null 2>&1 && fail "a token for an unknown hospital"

# Plain HTTP on a non-loopback address is refused at start.
"$relief" --db "$db" serve --listen 0.0.0.0:0 >/dev/null 2>&1 && fail "plain HTTP on 0.0.0.0"

"$relief" --db "$db" serve --listen 127.0.0.1:0 >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
for _ in $(seq 1 100); do
  grep -q "serving" "$work/serve.out" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || fail "serve exited: $(cat "$work/serve.err")"
  sleep 0.1
done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.out") || fail "no URL in: $(cat "$work/serve.out")"

code() {  # code EXPECTED ARGS... : runs curl, checks the status
  local expected=$1; shift
  local got
  got=$(curl -s -o "$work/body" -w '%{http_code}' "$@")
  [[ $got == "$expected" ]] || fail "curl $* gave $got, expected $expected: $(cat "$work/body")"
}
feed=$src/demo/feeds/gz001-20261128.xml
code 200 "$url/healthz"
code 401 -X POST --data-binary "@$feed" "$url/api/v1/feeds"
code 403 -X POST -H "Authorization: Bearer $gz002" --data-binary "@$feed" "$url/api/v1/feeds"
code 201 -X POST -H "Authorization: Bearer $gz001" -H 'Content-Type: application/xml' --data-binary "@$feed" "$url/api/v1/feeds"
grep -q '"outcome": "accepted"' "$work/body" || fail "no accepted outcome"
code 200 -X POST -H "Authorization: Bearer $gz001" --data-binary "@$feed" "$url/api/v1/feeds"
grep -q '"outcome": "same_bytes"' "$work/body" || fail "no same_bytes outcome"
code 422 -X POST -H "Authorization: Bearer $gz001" --data-binary 'not xml' "$url/api/v1/feeds"
code 200 -H "Authorization: Bearer $gz001" "$url/api/v1/feeds/GZ001-20261128-01"
code 404 -H "Authorization: Bearer $gz002" "$url/api/v1/feeds/GZ001-20261128-01"
code 200 -H "Authorization: Bearer $civil" "$url/api/v1/claims/GZ001/A1006"
grep -q '"status": "queued"' "$work/body" || fail "claim not queued"
code 403 -H "Authorization: Bearer $gz002" "$url/api/v1/claims/GZ001/A1006"
code 422 -X POST -H "Authorization: Bearer $civil" --data-binary 'x' "$url/api/v1/statements?channel=lottery"
# chunked upload of an oversized body: 413 (curl -T - sends chunked)
head -c $((70 * 1024 * 1024)) /dev/zero | tr '\0' ' ' | \
  code 413 -X POST -H "Authorization: Bearer $gz001" -H 'Transfer-Encoding: chunked' -T - "$url/api/v1/feeds" || true
grep -q TOO_LARGE "$work/body" || fail "no TOO_LARGE for a chunked 70 MiB body"
# revoked tokens stop working at once
id=$("$relief" --db "$db" tokens list | awk '/hospital:GZ002/ {print $1}')
"$relief" --db "$db" tokens revoke "$id" >/dev/null
code 401 -H "Authorization: Bearer $gz002" "$url/api/v1/feeds/GZ001-20261128-01"
# the log names no full identity number
grep -Eq '[0-9]{17}[0-9X]' "$work/serve.err" && fail "an identity number in the server log"
echo "curl test: ok"
