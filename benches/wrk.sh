#!/usr/bin/env bash
# Server CPU time per request under wrk: each application of benches/apps served alone on one
# Tokio worker thread pinned to CPU 0 (`loadgen serve <app>`), wrk on CPU 1 with 64 connections
# sending the same signed 1 KiB delivery, CPU time read from the scheduler
# (/proc/<pid>/schedstat) around the run. Needs wrk and taskset.
#
#   benches/wrk.sh [seconds] [app...]      # default: 8 s; sw-webhook-guard sw-from-fn-hmac
#                                          #   webhook-guard from-fn-hmac, twice, alternating
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-8}
shift || true
apps=("$@")
[ ${#apps[@]} -eq 0 ] && apps=(sw-webhook-guard sw-from-fn-hmac webhook-guard from-fn-hmac)
cargo build -q --release --example loadgen
exe=target/release/examples/loadgen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -c 1024 /dev/zero | tr '\0' 'x' | sed 's/^/{"pad":"/; s/$/"}/' | head -c 1024 > "$work/body"

run() {
  local app=$1
  # The signed headers for this app's scheme, valid for the next five minutes.
  local headers
  headers=$("$exe" headers "$app" "$work/body")
  {
    echo 'wrk.method = "POST"'
    printf 'wrk.body = [[%s]]\n' "$(cat "$work/body")"
    echo 'wrk.headers["Content-Type"] = "application/json"'
    while IFS=': ' read -r name value; do
      printf 'wrk.headers["%s"] = "%s"\n' "$name" "$value"
    done <<< "$headers"
  } > "$work/script.lua"
  coproc SERVER { exec taskset -c 0 "$exe" serve "$app"; }
  local port
  read -r _ port <&"${SERVER[0]}"
  local pid=$SERVER_PID
  sleep 0.3
  taskset -c 1 wrk -t1 -c64 -d1s -s "$work/script.lua" "http://127.0.0.1:$port/hook" > /dev/null
  local before after
  before=$(cut -d' ' -f1 "/proc/$pid/schedstat")
  local out
  out=$(taskset -c 1 wrk -t1 -c64 -d"${seconds}s" -s "$work/script.lua" "http://127.0.0.1:$port/hook")
  after=$(cut -d' ' -f1 "/proc/$pid/schedstat")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  local requests non2xx
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  awk -v app="$app" -v ns=$((after - before)) -v n="$requests" -v bad="${non2xx:-0}" -v s="$seconds" \
    'BEGIN { printf "%-28s %9d req %8.0f req/s %7.2f µs server CPU/req  non-2xx %s\n", app, n, n / s, ns / n / 1000, bad }'
}

for round in 1 2; do
  for app in "${apps[@]}"; do run "$app"; done
done
