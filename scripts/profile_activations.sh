#!/usr/bin/env bash
# Instructions per activation of nodelock-server, by part, under callgrind:
# a count that does not depend on what else the machine is doing, so a change
# can be measured on a busy machine where wall-clock benchmarks are noise.
#   scripts/profile_activations.sh [--build DIR] [--requests N] [--clients C] [--save FILE]
# DIR is a configured build (default build/bench, as bench.sh makes it) with
# nodelock-server and activation_load built. The server runs under
# valgrind --tool=callgrind; 300 activations warm it up, the counters are
# zeroed, then N activations (default 2000) from C clients (default 16) are
# counted. Callgrind serialises the server's threads, so groups commit fewer
# writes than on real cores; compare runs made with the same C. --save keeps
# the profile for callgrind_annotate.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build/bench"
requests=2000
clients=16
save=
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$(cd "$2" && pwd); shift 2 ;;
    --requests) requests="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --save) save="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "profile_activations.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
server="$build/server-stub/nodelock-server"
load="$build/tests/bench/activation_load"
for binary in "$server" "$load"; do
  [ -x "$binary" ] || { echo "profile_activations.sh: $binary is not built" >&2; exit 2; }
done
command -v valgrind >/dev/null || { echo "profile_activations.sh: needs valgrind" >&2; exit 2; }

work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

token=$("$server" init --data "$work/data" --json |
  sed -n 's/.*"admin_token": *"\([^"]*\)".*/\1/p')
valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.%p" \
  "$server" serve --data "$work/data" --listen 127.0.0.1:0 >"$work/server.txt" 2>"$work/valgrind.txt" &
server_pid=$!
for _ in $(seq 1 120); do
  grep -q '^listening on ' "$work/server.txt" 2>/dev/null && break
  sleep 1
done
url=$(sed -n 's/^listening on //p' "$work/server.txt")
[ -n "$url" ] || { echo "profile_activations.sh: the server did not start" >&2; exit 1; }

"$load" --url "$url" --token "$token" --requests 300 --levels "$clients" >/dev/null
callgrind_control --zero "$server_pid" >/dev/null
"$load" --url "$url" --token "$token" --requests "$requests" --levels "$clients"
callgrind_control --dump "$server_pid" >/dev/null
kill -TERM "$server_pid"
wait "$server_pid" || true
server_pid=
profile=$(ls "$work"/callgrind.*.1)
[ -z "$save" ] || cp "$profile" "$save"

# Inclusive instructions of the functions that mark each part, per activation.
callgrind_annotate --inclusive=yes --threshold=100 "$profile" >"$work/inclusive.txt" 2>/dev/null
inclusive() {  # PATTERN: the largest inclusive count of a function matching it (0: none)
  pattern="$1" awk '$0 ~ ENVIRON["pattern"] { gsub(",", "", $1); print $1; found = 1; exit }
    END { if (!found) print 0 }' "$work/inclusive.txt"
}
total=$(grep -m1 'PROGRAM TOTALS' "$work/inclusive.txt" | awk '{ gsub(",", "", $1); print $1 }')
http=$(inclusive 'httplib::ThreadPool::worker::operator\(\)')
# The client routes' handlers, almost all of it POST /v1/activations; the
# compiler may inline the handler function into its route, not the route.
handler=$(inclusive 'nodelock::server::route<nodelock::server::register_client_routes')
service=$(inclusive 'nodelock::server::ActivationService::activate\(')
verify=$(inclusive 'nodelock::crypto::verify\(')
sign=$(inclusive 'nodelock::crypto::SigningKey::sign\(')
read_request=$(inclusive 'nodelock::parse_document\(')
request_fields=$(inclusive 'nodelock::activation_request_from_payload\(')
issue=$(inclusive 'nodelock::server::\(anonymous namespace\)::issue\(')
writer=$(inclusive 'GroupCommit::writer_loop\(\)')
claim=$(inclusive 'SqliteStore::claim_seat\(nodelock::server::SeatClaim const&\)::\{lambda')
audit=$(inclusive 'nodelock::server::sqlite::record_change\(')
awk -v n="$requests" -v total="$total" -v http="$http" -v handler="$handler" \
  -v service="$service" -v verify="$verify" -v sign="$sign" -v read_request="$read_request" \
  -v request_fields="$request_fields" -v issue="$issue" -v writer="$writer" -v claim="$claim" \
  -v audit="$audit" 'BEGIN {
  row("all threads of the server", total)
  row("  HTTP workers (cpp-httplib and handlers)", http)
  row("    cpp-httplib outside the handler", http - handler)
  row("    handler outside the service: body JSON, reply JSON", handler - service)
  row("    verify the request (Ed25519)", verify)
  row("    read the request: armor, base64, canonical JSON", read_request)
  row("    request fields", request_fields)
  row("    sign the LICENSE (Ed25519)", sign)
  row("    make the LICENSE: payload, canonical JSON, armor", issue - sign)
  row("  group-commit writer thread", writer)
  row("    the claim: seat lookup, rows, audit entry", claim)
  row("      of which the audit entry", audit)
  row("    savepoints, commit, WAL", writer - claim)
  row("  other threads (checkpointer, start-up)", total - http - writer) }
function row(name, count) { printf "%-58s %10.0f\n", name, count / n }'
