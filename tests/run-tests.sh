#!/usr/bin/env bash
# The test command: on a fresh Debian machine with the .NET SDK and Node.js, installs what the tests need
# (mosquitto, mosquitto-clients, docker-compose and chromium from apt, the npm stand-ins) and runs every test. Ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || apt_packages+=(mosquitto)
# mosquitto_pub: the end-to-end tests publish with it as a user of the local broker would.
command -v mosquitto_pub >/dev/null 2>&1 || apt_packages+=(mosquitto-clients)
command -v docker-compose >/dev/null 2>&1 || apt_packages+=(docker-compose)
# The console's browser tests drive Debian's Chromium through Playwright (as the system browser; nothing is downloaded).
[ -x /usr/bin/chromium ] || apt_packages+=(chromium)
if [ ${#apt_packages[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing from apt: ${apt_packages[*]}"
  $sudo apt-get update -qq
  # The tests start their own brokers on free ports; keep the package from starting a system one.
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $sudo apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi

# Stand-ins and linters pinned by package-lock.json files under tests/.
for manifest in tests/*/package.json; do
  dir=$(dirname "$manifest")
  echo "npm ci in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
done

results=$(mktemp -d)
status=0
dotnet build EvSwap.sln -c Release -nologo -clp:ErrorsOnly

# Test projects are the folders under tests/ whose names end in "Tests"; each writes its own results file.
for project in tests/*Tests/*.csproj; do
  name=$(basename "$project" .csproj)
  echo "== $name"
  dotnet test "$project" -c Release --no-build --nologo --logger "trx;LogFileName=$name.trx" --results-directory "$results" "$@" || status=$?
done

# One closing line for CI, summed over every test project's results.
node -e '
  const fs = require("fs"), path = require("path");
  let passed = 0, failed = 0, skipped = 0;
  for (const f of fs.readdirSync(process.argv[1]).filter(f => f.endsWith(".trx"))) {
    const c = /<Counters [^>]*>/.exec(fs.readFileSync(path.join(process.argv[1], f), "utf8"));
    if (!c) continue;
    const n = k => Number((new RegExp(k + "=\"(\\d+)\"").exec(c[0]) || [0, 0])[1]);
    passed += n("passed"); failed += n("failed") + n("error") + n("timeout") + n("aborted"); skipped += n("notExecuted");
  }
  console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$results"
rm -rf "$results"
exit $status
