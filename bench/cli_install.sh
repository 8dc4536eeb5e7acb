#!/usr/bin/env bash
# What installing the CLI costs a user: packages, MB on disk and seconds for `npm install` of a
# package (a tarball or a registry spec) into an empty folder with an empty npm cache, as `npx`
# does on a fresh CI runner. With no argument: the CLI package built from this checkout.
#
#   bash bench/cli_install.sh                      # packages/cli, packed now
#   bash bench/cli_install.sh ./some-package.tgz   # any other package, e.g. an older build
set -euo pipefail
cd "$(dirname "$0")/.."

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

SPEC=${1:-}
if [ -z "$SPEC" ]; then
  npm run --silent build:cli >/dev/null
  (cd packages/cli && npm pack --silent --pack-destination "$WORK" >/dev/null)
  SPEC=$(ls "$WORK"/*.tgz)
elif [ -f "$SPEC" ]; then
  SPEC=$(realpath "$SPEC")
fi

mkdir "$WORK/install" && cd "$WORK/install"
npm init -y >/dev/null
start=$(date +%s.%N)
npm_config_cache="$WORK/cache" npm install --no-audit --no-fund --loglevel=error "$SPEC" >/dev/null
end=$(date +%s.%N)
packages=$(npm ls --all --parseable | tail -n +2 | sort -u | wc -l)
megabytes=$(du -sm node_modules | cut -f1)
printf '%s: packages %d, MB on disk %d, seconds %.1f\n' "$(basename "$SPEC")" "$packages" "$megabytes" \
  "$(echo "$end - $start" | bc)"
