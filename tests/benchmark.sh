#!/usr/bin/env bash
# The benchmark of issue 6 in one command: builds Release, installs the npm stand-ins if missing, runs every figure
# and prints the results table. Options pass through, e.g.:
#   bash tests/benchmark.sh                       # full run, about 12-15 minutes on 2 cores
#   bash tests/benchmark.sh --quick               # shorter steps and windows, about 5 minutes
#   bash tests/benchmark.sh ceiling,bridge --json results.json --markdown results.md
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x /usr/sbin/mosquitto ] || command -v mosquitto >/dev/null 2>&1 || { echo "mosquitto is required (apt-get install mosquitto)" >&2; exit 2; }
[ -d tests/standins/node_modules ] || (cd tests/standins && npm ci --no-audit --no-fund --loglevel=error)

dotnet build src/EvSwap.Silo -c Release -nologo -clp:ErrorsOnly
dotnet build tests/EvSwap.Benchmarks -c Release -nologo -clp:ErrorsOnly
exec dotnet tests/EvSwap.Benchmarks/bin/Release/net10.0/EvSwap.Benchmarks.dll "$@"
