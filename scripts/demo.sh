#!/usr/bin/env bash
# The main job, end to end on this machine: build, start nodelock-server on an
# embedded SQLite store on loopback, create a product and a 3-seat license,
# activate this machine against it and show the installed license.
#   scripts/demo.sh          leaves the server running and prints its URL and admin token
#   scripts/demo.sh --stop   stops the server cleanly at the end
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

stop_at_end=no
[ "${1:-}" = "--stop" ] && stop_at_end=yes

bash scripts/setup.sh
build=build/cryptopp
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target nodelock nodelock-server

nodelock="$root/$build/cli/nodelock"
server_bin="$root/$build/server-stub/nodelock-server"
demo="$root/build/demo"
if [ -f "$demo/server.pid" ] && kill -0 "$(cat "$demo/server.pid")" 2>/dev/null; then
  kill -TERM "$(cat "$demo/server.pid")"
  sleep 1
fi
rm -rf "$demo"
mkdir -p "$demo"

echo "== Initialising the license server's data directory"
init=$("$server_bin" init --data "$demo/server" --json)
token=$(printf '%s' "$init" | sed -n 's/.*"admin_token":"\([^"]*\)".*/\1/p')

echo "== Starting nodelock-server (SQLite store in $demo/server)"
"$server_bin" serve --data "$demo/server" --listen 127.0.0.1:0 >"$demo/server.log" 2>&1 &
echo $! >"$demo/server.pid"
url=""
for _ in $(seq 1 100); do
  url=$(sed -n 's/^listening on \(http[^ ]*\).*/\1/p' "$demo/server.log" | head -n 1)
  [ -n "$url" ] && break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "demo: the server did not start; its log:" >&2
  cat "$demo/server.log" >&2
  exit 1
fi
echo "   listening on $url"

echo "== This machine's fingerprint"
"$nodelock" fingerprint --product demo.app
# A container or a cloud VM built from an image may offer too little identity
# for the standard match policy (the warnings above say what). The demo then
# binds to what the machine has, and says so; a real deployment binds such
# machines to a dongle or gives them floating seats.
policy=()
if "$nodelock" fingerprint --product demo.app --json 2>/dev/null | grep -q '"bindable":false'; then
  policy=(--match-policy '{"required":["machine_id"],"threshold":3,"weights":{"board":3,"cpu":1,"disk":3,"dongle":3,"mac":3,"machine_id":2}}')
  echo "   weak identity: the demo license binds to this machine's cpu and machine-id only"
fi

echo "== Creating product demo.app and a 3-seat node-locked license"
"$nodelock" admin --server "$url" --token "$token" product create --id demo.app --name "Demo App"
license=$("$nodelock" admin --server "$url" --token "$token" license create --product demo.app \
  --model node-locked --max-activations 3 --features export,render --licensee "Demo Corp" \
  ${policy[@]+"${policy[@]}"} --json)
key=$(printf '%s' "$license" | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
echo "   license key: $key"

echo "== Activating this machine"
"$nodelock" activate --server "$url" --key "$key" --product demo.app --store "$demo/store"

echo "== The installed license, checked offline as the application would"
"$nodelock" status --product demo.app --store "$demo/store"

if [ "$stop_at_end" = yes ]; then
  kill -TERM "$(cat "$demo/server.pid")"
  wait "$(cat "$demo/server.pid")" 2>/dev/null || true
  echo "== Server stopped"
else
  cat <<MSG
== The server keeps running
   URL:          $url
   admin token:  $token
   try:          $nodelock admin --server $url --token $token license list
   stop it:      kill \$(cat $demo/server.pid)
MSG
fi
