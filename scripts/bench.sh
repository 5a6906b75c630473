#!/usr/bin/env bash
# Measures the performance promises of docs/BENCHMARKS.md in one run and prints them beside
# the reference they are promised against (docs/BENCHMARKS.md explains them):
#   - the Ed25519 sign+verify ceiling on 2 cores (crypto_bench);
#   - nodelock-server on SQLite: activations/s and p50/p99 latency at 1, 16 and
#     64 concurrent keep-alive clients (activation_load);
#   - Verifier::check with a cached fingerprint, and on a borrowed floating
#     seat, beside one Ed25519 verify (verifier_bench);
#   - the server's resident memory on a store holding 1 million activations,
#     after more activations at 64 clients (activation_load --stored);
#   - lease heartbeats/s and p50/p99 at 1, 16 and 64 keep-alive clients beside
#     the same server's GET /v1/health ceiling (lease_load) and one
#     HMAC-SHA256 per core (crypto_bench).
#   scripts/bench.sh [--requests N] [--stored N] [--heartbeat-seconds S] [--crypto cryptopp|openssl]
# Builds in build/bench (build/bench-openssl for OpenSSL), Release.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

requests=20000
stored=1000000
heartbeat_seconds=10
crypto=cryptopp
while [ $# -gt 0 ]; do
  case "$1" in
    --requests) requests="$2"; shift 2 ;;
    --stored) stored="$2"; shift 2 ;;
    --heartbeat-seconds) heartbeat_seconds="$2"; shift 2 ;;
    --crypto) crypto="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

bash scripts/setup.sh

build=build/bench
[ "$crypto" = cryptopp ] || build="build/bench-${crypto}"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DNODELOCK_CRYPTO="$crypto" >/dev/null
cmake --build "$build" -j2 --target nodelock-server activation_load lease_load crypto_bench \
  verifier_bench

# Everything this run writes (the server's data directory included) lives
# here. activation_load stops the server it starts; should it die first, the
# server is found by its data directory, which only this run uses.
work=$(mktemp -d)
cleanup() {
  local pids
  pids=$(pgrep -f -- "--data $work/" || true)
  [ -n "$pids" ] && kill $pids 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export TMPDIR="$work"

echo "== machine"
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
echo "$(nproc) CPUs ($cpu), $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg)"

# Google Benchmark's CSV, medians of 5 repetitions: name,iterations,real_time,cpu_time,...
# CPU time is what a core spends; wall time also counts waiting for a core.
median_cpu_ns() {  # FILE BENCHMARK
  awk -F, -v name="\"$2_median\"" '$1 == name {
    scale["ns"] = 1; scale["us"] = 1e3; scale["ms"] = 1e6; scale["s"] = 1e9
    print $4 * scale[$5] }' "$1"
}
median_counter() {  # FILE BENCHMARK COLUMN_NAME
  awk -F, -v name="\"$2_median\"" -v column="\"$3\"" '
    $1 == "name" { for (i = 1; i <= NF; i++) if ($i == column) c = i }
    $1 == name && c { print $c }' "$1"
}
run_benchmark() {  # BINARY OUT FILTER
  "$build/tests/bench/$1" --benchmark_filter="$3" --benchmark_repetitions=5 \
    --benchmark_report_aggregates_only=true --benchmark_out="$2" --benchmark_out_format=csv
}

echo "== Ed25519 and HMAC-SHA256 ($crypto)"
run_benchmark crypto_bench "$work/crypto.csv" 'BM_Ed25519(Sign|Verify)$|BM_HmacSha256Of64Bytes'
sign_ns=$(median_cpu_ns "$work/crypto.csv" BM_Ed25519Sign)
verify_ns=$(median_cpu_ns "$work/crypto.csv" BM_Ed25519Verify)
hmac_ns=$(median_cpu_ns "$work/crypto.csv" BM_HmacSha256Of64Bytes)

echo "== nodelock-server activations ($requests per level, fresh license and machines each)"
load_status=0
"$build/tests/bench/activation_load" --requests "$requests" --levels 1,16,64 \
  >"$work/load.txt" || load_status=$?
cat "$work/load.txt"

echo "== nodelock-server memory on $stored stored activations ($requests more at 64 clients)"
"$build/tests/bench/activation_load" --stored "$stored" --requests "$requests" --levels 64 \
  >"$work/memory.txt" || load_status=$?
cat "$work/memory.txt"

echo "== lease heartbeats (${heartbeat_seconds} s per level, 64 leases; GET /v1/health first)"
"$build/tests/bench/lease_load" --seconds "$heartbeat_seconds" --levels 1,16,64 --leases 64 \
  >"$work/leases.txt" || load_status=$?
cat "$work/leases.txt"

echo "== Verifier"
run_benchmark verifier_bench "$work/verifier.csv" '.'
check_ns=$(median_cpu_ns "$work/verifier.csv" BM_VerifierCheckCachedFingerprint)
license_verify_ns=$(median_cpu_ns "$work/verifier.csv" BM_Ed25519VerifyLicense)
check_allocs=$(median_counter "$work/verifier.csv" BM_VerifierCheckCachedFingerprint allocs)
borrow_check_ns=$(median_cpu_ns "$work/verifier.csv" BM_VerifierCheckBorrowedSeat)
borrow_allocs=$(median_counter "$work/verifier.csv" BM_VerifierCheckBorrowedSeat allocs)

field() {  # CLIENTS NAME [FILE]: a key=value field of activation_load's line for CLIENTS
  awk -v clients="clients=$1" -v name="$2" '$1 == clients {
    for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) print kv[2] } }' \
    "${3:-$work/load.txt}"
}
started_rss=$(sed -n 's/^started server_rss_mb=//p' "$work/memory.txt")

echo
echo "== summary ($crypto, $(nproc) CPUs, load average now $(cut -d' ' -f1 /proc/loadavg))"
awk -v s="$sign_ns" -v v="$verify_ns" 'BEGIN {
  printf "Ed25519 per core (CPU time): sign %.1f us (%.0f/s), verify %.1f us (%.0f/s)\n",
    s / 1000, 1e9 / s, v / 1000, 1e9 / v
  printf "ceiling on 2 cores, one verify + one sign per activation: %.0f/s; target a third: %.0f/s\n",
    2e9 / (s + v), 2e9 / (s + v) / 3 }'
printf '%-8s %10s %8s %10s %10s %14s %14s\n' clients "act/s" failed "p50 ms" "p99 ms" \
  "server CPU us" "client CPU us"
for clients in 1 16 64; do
  awk -v c="$clients" -v r="$(field "$clients" activations_per_s)" \
    -v f="$(field "$clients" failed)" -v p50="$(field "$clients" p50_us)" \
    -v p99="$(field "$clients" p99_us)" -v scpu="$(field "$clients" server_cpu_us)" \
    -v ccpu="$(field "$clients" client_cpu_us)" \
    'BEGIN { printf "%-8s %10s %8s %10.2f %10.2f %14s %14s\n", c, r, f, p50 / 1000, p99 / 1000, scpu, ccpu }'
done
awk -v s="$sign_ns" -v v="$verify_ns" -v r="$(field 64 activations_per_s)" \
  -v scpu="$(field 64 server_cpu_us)" -v ccpu="$(field 64 client_cpu_us)" 'BEGIN {
  target = 2e9 / (s + v) / 3
  printf "64 clients: %.0f/s = %.2f x the target (%s)\n", r, r / target, (r >= target ? "met" : "NOT met")
  printf "CPU per activation, server + load generator: %.0f us = %.1f x one sign + verify pair\n",
    scpu + ccpu, (scpu + ccpu) * 1000 / (s + v)
  printf "so 2 cores to itself would carry at most %.0f/s of this load\n", 2e6 / (scpu + ccpu) }'
awk -v n="$stored" -v start="$started_rss" -v rss="$(field 64 server_rss_mb "$work/memory.txt")" \
  -v peak="$(field 64 server_peak_rss_mb "$work/memory.txt")" \
  -v r="$(field 64 activations_per_s "$work/memory.txt")" 'BEGIN {
  printf "server on %d stored activations: %s MB resident after start, %s MB after the load, peak %s MB (target < 100 MB: %s); %s activations/s\n",
    n, start, rss, peak, (peak != "" && peak < 100 ? "met" : "NOT met"), r }'
awk -v c="$check_ns" -v v="$license_verify_ns" -v a="$check_allocs" 'BEGIN {
  printf "Verifier check, cached fingerprint: %.1f us, one verify of its license %.1f us: %.2f x (target <= 1.5: %s)\n",
    c / 1000, v / 1000, c / v, (c / v <= 1.5 ? "met" : "NOT met")
  printf "heap allocations per check: %s\n", a }'
awk -v c="$borrow_check_ns" -v v="$license_verify_ns" -v a="$borrow_allocs" 'BEGIN {
  printf "Verifier check, borrowed floating seat: %.1f us: %.2f x one verify; heap allocations per check: %s\n",
    c / 1000, c / v, a }'
lease_field() {  # KIND CLIENTS NAME: a key=value field of lease_load's line
  awk -v kind="kind=$1" -v clients="clients=$2" -v name="$3" '$1 == kind && $2 == clients {
    for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) print kv[2] } }' \
    "$work/leases.txt"
}
awk -v h="$hmac_ns" 'BEGIN {
  printf "HMAC-SHA256 of 64 bytes per core (CPU time): %.2f us (%.0f/s); the server computes two per heartbeat\n",
    h / 1000, 1e9 / h }'
printf '%-8s %12s %9s %9s %14s %14s %12s %9s\n' clients "heartbeats/s" "p50 ms" "p99 ms" \
  "server CPU us" "client CPU us" "health/s" "ratio"
for clients in 1 16 64; do
  awk -v c="$clients" -v r="$(lease_field heartbeat "$clients" per_s)" \
    -v p50="$(lease_field heartbeat "$clients" p50_us)" \
    -v p99="$(lease_field heartbeat "$clients" p99_us)" \
    -v scpu="$(lease_field heartbeat "$clients" server_cpu_us)" \
    -v ccpu="$(lease_field heartbeat "$clients" client_cpu_us)" \
    -v health="$(lease_field health "$clients" per_s)" \
    'BEGIN { printf "%-8s %12s %9.3f %9.3f %14s %14s %12s %9.2f\n", c, r, p50 / 1000, p99 / 1000, scpu, ccpu, health, r / health }'
done
awk -v r="$(lease_field heartbeat 64 per_s)" -v health="$(lease_field health 64 per_s)" 'BEGIN {
  printf "64 clients: %.0f heartbeats/s (target >= 50,000: %s), %.2f x the %.0f/s of GET /v1/health\n",
    r, (r >= 50000 ? "met" : "NOT met"), r / health, health }'
awk -v scpu="$(lease_field heartbeat 64 server_cpu_us)" -v ccpu="$(lease_field heartbeat 64 client_cpu_us)" \
  -v hscpu="$(lease_field health 64 server_cpu_us)" -v hccpu="$(lease_field health 64 client_cpu_us)" 'BEGIN {
  printf "CPU per heartbeat, server + load generator: %.0f us (2 cores carry at most %.0f/s); per health check %.0f us (%.0f/s)\n",
    scpu + ccpu, 2e6 / (scpu + ccpu), hscpu + hccpu, 2e6 / (hscpu + hccpu) }'
if [ "$load_status" -ne 0 ]; then
  echo "activation_load or lease_load reported failed requests (exit status $load_status): the figures above include errors" >&2
  exit 1
fi
