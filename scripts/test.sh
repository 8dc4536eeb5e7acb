#!/usr/bin/env bash
# Runs every test suite: static checks, jest (frontend and CLI), pytest (server extension, security
# suite), the packages installed as users will (scripts/check-packages.sh), Galata (real Chromium
# against real `jupyter lab` servers) and the demo tier (scripts/demo.sh as shipped, driven in
# Chromium). Installs what it needs first, including Debian's Chromium when run as root.
#
# Every suite runs even when an earlier one fails; a table at the end sums them up, and the exit
# status is non-zero when any suite failed. Reports and server logs: test-results/ and
# ui-tests/.jupyter-test-root/. Ports: SECRET_MOUNTS_UI_PORT (Galata, default 8890 to 8898),
# SECRET_MOUNTS_DEMO_PORT (demo, default 8899).
set -uo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

bash scripts/setup.sh --tests || exit 1
export PATH="$PWD/.venv/bin:$PATH"

REPORTS=$PWD/test-results
rm -rf "$REPORTS"
mkdir -p "$REPORTS"

# run_suite NAME COMMAND...: runs one suite, noting its exit status and how long it took.
run_suite() {
  local name=$1 start=$SECONDS status
  shift
  say "$name"
  "$@"
  status=$?
  printf '%s\t%s\t%s\n' "$name" "$status" "$((SECONDS - start))" >>"$REPORTS/suites.tsv"
}

# Each check's outcome on one line of static.txt ("passed NAME" or "failed NAME").
static_checks() {
  local status=0
  check() {
    local name=$1 outcome=passed
    shift
    "$@" || outcome=failed status=1
    echo "$outcome $name" >>"$REPORTS/static.txt"
  }
  check tsc npx tsc --noEmit -p tsconfig.test.json
  # The scanner alone, with no DOM or Node types: it must run anywhere (src/scanner/tsconfig.json).
  check "tsc (scanner)" npx tsc -p src/scanner
  check "tsc (ui-tests)" npx tsc --noEmit -p ui-tests/tsconfig.json
  check prettier npm run --silent lint
  check ruff ruff check jupyterlab_secret_mounts bench
  return $status
}

# The real Kubernetes API server tier (docs/kubernetes-testing.md). Exit 3 from the script: the
# tier cannot run on this machine and said why in one line; it counts as skipped, the rest goes on.
# jest's tier and the server's Secret creation (pytest) share one run of the server.
kube_real() {
  bash scripts/kube-real-server.sh run bash -c '
    npx jest --ci test/kube-real --json --outputFile="$1/kube-real.json"
    jest=$?
    python -m pytest -q jupyterlab_secret_mounts/tests/test_create_secret_real.py \
      --junitxml="$1/kube-real-pytest.xml"
    pytest=$?
    [ $jest = 0 ] && [ $pytest = 0 ] || exit 1' _ "$REPORTS"
  local status=$?
  if [ $status = 3 ]; then
    touch "$REPORTS/kube-real.skipped"
    return 0
  fi
  return $status
}

run_suite "static checks" static_checks
run_suite jest npx jest --ci --json --outputFile="$REPORTS/jest.json"
run_suite "kube (real API server)" kube_real
run_suite pytest python -m pytest -q --junitxml="$REPORTS/pytest.xml"
# Real-time collaboration is a test-only environment (.venv-collab, made by setup.sh --tests).
run_suite "pytest (collaboration)" .venv-collab/bin/python -m pytest -q \
  --junitxml="$REPORTS/pytest-collab.xml" jupyterlab_secret_mounts/tests/test_collaboration.py
run_suite packages bash scripts/check-packages.sh
run_suite galata env SECRET_MOUNTS_UI_JSON_REPORT="$REPORTS/galata.json" \
  bash -c 'cd ui-tests && npx playwright test'
run_suite demo env SECRET_MOUNTS_UI_JSON_REPORT="$REPORTS/demo.json" \
  bash -c 'cd ui-tests && npx playwright test -c demo.config.js'

node scripts/test-summary.mjs "$REPORTS"
