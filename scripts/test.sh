#!/usr/bin/env bash
# Runs every test: jest (frontend and CLI), pytest (server extension, security suite) and Galata
# (real browser against real `jupyter lab` servers). Installs what it needs first, including
# Debian's Chromium when run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    say "installing Debian's chromium"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "The browser tests need Debian's Chromium: run 'sudo apt-get install chromium' first." >&2
    exit 1
  fi
fi
if ! command -v openssl >/dev/null; then
  # The Kubernetes tests (test/kube, test_provenance.py) make a throw-away TLS certificate with it.
  if [ "$(id -u)" = 0 ]; then
    say "installing openssl"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >/dev/null
  else
    echo "The Kubernetes tests need the openssl command: run 'sudo apt-get install openssl' first." >&2
    exit 1
  fi
fi
if [ ! -f ui-tests/node_modules/.package-lock.json ] ||
  [ ui-tests/package-lock.json -nt ui-tests/node_modules/.package-lock.json ]; then
  say "npm install in ui-tests"
  (cd ui-tests && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund)
fi

say "static checks"
npx tsc --noEmit -p tsconfig.test.json
# The scanner alone, with no DOM or Node types: it must run anywhere (src/scanner/tsconfig.json).
npx tsc -p src/scanner
npm run --silent lint
ruff check jupyterlab_secret_mounts bench

say "jest"
npx jest --ci

say "jest: the real Kubernetes API server tier (docs/kubernetes-testing.md)"
# Exit 3: the tier cannot run on this machine and said why in one line; the rest goes on.
bash scripts/kube-real-server.sh run npx jest --ci test/kube-real || [ $? = 3 ]

say "pytest"
python -m pytest -q

say "packages (the wheel and the npm tarballs, installed as users will)"
bash scripts/check-packages.sh

say "galata (browser)"
(cd ui-tests && npx playwright test)

say "all test suites passed"
