#!/usr/bin/env bash
# Membership table requests per silo per minute in a two-silo cluster on dynalite, with Orleans' default
# membership timings (the production profile). Counts come from the providers' evswap.dynamodb.requests
# counter (role=membership), printed by each TestSilo every REPORT seconds. The rate is taken between the
# first report after WARMUP seconds and the last one, so joining traffic is left out.
# Usage (from the repository root, after `npm ci` in tests/standins and `dotnet build`):
#   tests/EvSwap.Orleans.DynamoDB.TestSilo/measure-membership.sh [seconds=300] [warmup=60]
set -euo pipefail
SECONDS_TOTAL=${1:-300}
WARMUP=${2:-60}
REPORT=30
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DLL=$(ls "$ROOT"/tests/EvSwap.Orleans.DynamoDB.TestSilo/bin/*/net10.0/EvSwap.Orleans.DynamoDB.TestSilo.dll | head -1)
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
OUT=$(mktemp -d)
DYN=$(port)
node "$ROOT/tests/standins/node_modules/.bin/dynalite" --host 127.0.0.1 --port "$DYN" --createTableMs 50 >"$OUT/dynalite.log" 2>&1 &
PIDS=($!)
trap 'kill "${PIDS[@]}" 2>/dev/null || true' EXIT
sleep 1
for i in 1 2; do
  timeout "$SECONDS_TOTAL" dotnet "$DLL" --DynamoDB:ServiceUrl="http://127.0.0.1:$DYN" --DynamoDB:CreateIfNotExists=true \
    --Orleans:ClusterId=measure --Orleans:SiloPort="$(port)" --Orleans:GatewayPort="$(port)" \
    --Test:ReportSeconds=$REPORT --Logging:LogLevel:Default=Warning >"$OUT/silo$i.log" 2>&1 &
  PIDS+=($!)
done
wait "${PIDS[1]}" "${PIDS[2]}" || true
for i in 1 2; do
  grep membership-requests "$OUT/silo$i.log" | awk -v w="$WARMUP" -v silo="$i" '
    { split($2, t, "="); split($3, s, "="); if (s[2] + 0 >= w) { if (!seen) { n0 = t[2]; s0 = s[2]; seen = 1 } n1 = t[2]; s1 = s[2] } }
    END { if (s1 > s0) printf "silo %s: %d requests in %d s = %.1f membership requests per minute\n", silo, n1 - n0, s1 - s0, (n1 - n0) * 60 / (s1 - s0); else print "silo " silo ": not enough reports" }'
done
echo "logs: $OUT"
