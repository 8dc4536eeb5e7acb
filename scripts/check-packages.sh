#!/usr/bin/env bash
# Builds what we ship and installs each package as a user would, in a clean place:
# - the wheel, into a fresh venv holding only jupyterlab and the wheel: the labextension and the
#   server extension are listed as enabled and OK, and a started server serves both;
# - the CLI's npm tarball, into an empty folder: no dependency comes with it, `scan` finds a
#   credential (exit 1), passes a clean file (exit 0), and the Kubernetes commands load;
# - the same tarball through pre-commit, with the hook configuration docs/cli.md gives;
# - the labextension's npm tarball: what it holds.
# Run after scripts/setup.sh (it uses the frontend built there). pip's and npm's caches are used.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PYTHON=${PYTHON:-python3}
export PATH="$ROOT/.venv/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m (%d s)\n' "$*" "$SECONDS"; }
fail() {
  printf 'check-packages: %s\n' "$*" >&2
  exit 1
}
# pip, without the warnings about this machine's index settings.
quiet_pip() { "$@" 2> >(grep -v '^WARNING: Location' >&2); }
# Output without colours (jupyter colours "enabled" and "OK").
plain() { "$@" 2>&1 | sed 's/\x1b\[[0-9;]*m//g'; }
# expect_in TEXT PATTERN WHAT: grep -E for PATTERN in TEXT, or fail saying WHAT.
expect_in() {
  grep -Eq -- "$2" <<<"$1" || {
    printf '%s\n' "$1" >&2
    fail "$3"
  }
}

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# A credential that exists nowhere but in this run, so no committed file holds one.
TOKEN="ghp_$("$PYTHON" -c 'import secrets, string; print("".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(36)))')"
mkdir -p "$WORK/project"
printf 'import os\nGITHUB_TOKEN = "%s"\n' "$TOKEN" >"$WORK/project/leak.py"
printf 'import os\nGITHUB_TOKEN = os.environ["GITHUB_TOKEN"]\n' >"$WORK/project/clean.py"

say "set-up again, as a developer re-runs it: the source tree stays fit to package"
# The editable install runs again through the development link it made the first time
# (.setup-install is the stamp that would otherwise skip it).
rm -f .venv/.setup-install
bash scripts/setup.sh >/dev/null
[ -e jupyterlab_secret_mounts/labextension/install.json ] &&
  fail "setup.sh left install.json in the build folder: the wheel would carry it twice"

say "building the wheel and the npm tarballs"
[ -f packages/cli/dist/cli.js ] || fail "no packages/cli/dist/cli.js: run scripts/setup.sh first"
# The wheel hook reuses the frontend setup.sh built (skip-if-exists in pyproject.toml).
quiet_pip pip wheel -q --no-deps --no-build-isolation -w "$WORK/dist" . >/dev/null
WHEEL=$(ls "$WORK"/dist/jupyterlab_secret_mounts-*.whl)
(cd packages/cli && npm pack --silent --pack-destination "$WORK/dist" >/dev/null)
CLI_TGZ=$(ls "$WORK"/dist/jupyterlab-secret-mounts-cli-*.tgz)
VERSION=$(node -p 'require("./package.json").version')

say "wheel: a fresh venv with only jupyterlab and the wheel"
"$PYTHON" -m venv "$WORK/venv"
quiet_pip "$WORK/venv/bin/pip" install -q --no-compile --disable-pip-version-check "jupyterlab>=4.6,<5" "$WHEEL"
JUPYTER="$WORK/venv/bin/jupyter"
# JUPYTER_* paths point only into the fresh venv: nothing from this checkout or the user's home.
export JUPYTER_CONFIG_DIR="$WORK/jupyter-config" JUPYTER_DATA_DIR="$WORK/jupyter-data"
export JUPYTER_RUNTIME_DIR="$WORK/jupyter-runtime" JUPYTER_PREFER_ENV_PATH=1
labext=$(plain "$JUPYTER" labextension list)
expect_in "$labext" "jupyterlab-secret-mounts v$VERSION enabled +OK \(python, jupyterlab_secret_mounts\)" \
  "jupyter labextension list does not show jupyterlab-secret-mounts v$VERSION enabled and OK"
serverext=$(plain "$JUPYTER" server extension list)
expect_in "$serverext" "jupyterlab_secret_mounts +enabled" \
  "jupyter server extension list does not show jupyterlab_secret_mounts enabled"
expect_in "$serverext" "jupyterlab_secret_mounts $VERSION +OK" \
  "jupyter server extension list does not show jupyterlab_secret_mounts $VERSION OK"

# Start it as a user would and ask for what the wheel carries: the server routes and the
# frontend's settings schema.
PORT=${SECRET_MOUNTS_PACKAGE_PORT:-$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
SERVER_TOKEN=$("$PYTHON" -c 'import secrets; print(secrets.token_hex(16))')
mkdir -p "$WORK/secrets/db-creds"
printf 'x' >"$WORK/secrets/db-creds/password"
# Started directly (no subshell), so SERVER_PID is the server's and cleanup stops it; on a busy
# port it fails rather than moving to the next one.
"$JUPYTER" lab --no-browser --allow-root --port="$PORT" --ServerApp.port_retries=0 \
  --ServerApp.root_dir="$WORK/project" --ServerApp.token="$SERVER_TOKEN" \
  --SecretMounts.roots="$WORK/secrets" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
get() { curl -fsS -H "Authorization: token $SERVER_TOKEN" "http://127.0.0.1:$PORT$1"; }
for _ in $(seq 120); do
  get /api/status >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; fail "jupyter lab exited"; }
  sleep 0.5
done
get /secret-mounts/version >/dev/null || { cat "$WORK/server.log" >&2; fail "the server extension's routes are missing"; }
expect_in "$(get /secret-mounts/mounts)" '"db-creds"' "the server extension does not list the secrets root"
expect_in "$(get /lab/api/settings/jupyterlab-secret-mounts:snippets)" '"Secret Mounts: snippets"' \
  "JupyterLab does not serve the extension's settings schema"
# A save goes through the pre-save check, whose scanner reads the rules the wheel carries.
"$PYTHON" -c 'import json, sys; print(json.dumps({"type": "file", "format": "text", "content": open(sys.argv[1]).read()}))' \
  "$WORK/project/leak.py" |
  curl -fsS -X PUT -H "Authorization: token $SERVER_TOKEN" -H 'Content-Type: application/json' \
    --data-binary @- "http://127.0.0.1:$PORT/api/contents/saved.py" >/dev/null
expect_in "$(get '/secret-mounts/findings?path=saved.py')" '"rule": ?"github-token"' \
  "the pre-save check did not find the token in a saved file"
kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=

say "CLI: an empty folder with only the tarball"
mkdir "$WORK/cli" && cd "$WORK/cli"
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error "$CLI_TGZ" >/dev/null
installed=$(npm ls --all --parseable | tail -n +2)
[ "$(wc -l <<<"$installed")" = 1 ] || fail "the CLI package brought dependencies: $installed"
BIN="$WORK/cli/node_modules/.bin/jupyterlab-secret-mounts"
[ "$("$BIN" --version)" = "$VERSION" ] || fail "jupyterlab-secret-mounts --version is not $VERSION"
set +e
out=$("$BIN" scan "$WORK/project/leak.py")
status=$?
set -e
[ "$status" = 1 ] || fail "scan of a file with a token exited $status, not 1"
expect_in "$out" 'leak\.py:2:17: GitHub token \[github-token, high\]' "scan did not report the token"
grep -qF -- "$TOKEN" <<<"$out" && fail "scan printed the token"
"$BIN" scan "$WORK/project/clean.py" >/dev/null || fail "scan of a clean file did not exit 0"
# The Kubernetes commands load from the package's own lazy chunk (no @kubernetes/client-node
# installed): with no cluster to reach they fail with a sentence and exit 2, not a stack trace.
set +e
out=$("$BIN" audit --kubeconfig "$WORK/no-such-kubeconfig" 2>&1)
status=$?
set -e
[ "$status" = 2 ] || fail "audit without a kubeconfig exited $status, not 2: $out"
grep -q 'at .*cli-kube\.js\|Cannot find module' <<<"$out" && fail "audit crashed: $out"
cd "$ROOT"

say "CLI: pre-commit, with the hook configuration of docs/cli.md"
"$PYTHON" -m venv "$WORK/pre-commit"
quiet_pip "$WORK/pre-commit/bin/pip" install -q --no-compile --disable-pip-version-check pre-commit
cd "$WORK/project"
git init -q . && git add leak.py clean.py
# The docs' yaml block with `repo: local`, the published package replaced by the tarball.
"$PYTHON" - "$ROOT/docs/cli.md" "$CLI_TGZ" >.pre-commit-config.yaml <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
blocks = [b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if "repo: local" in b]
print(re.sub(r"jupyterlab-secret-mounts-cli@[0-9.]+", sys.argv[2], blocks[0]) if blocks else "")
EOF
grep -qF "$CLI_TGZ" .pre-commit-config.yaml || fail "docs/cli.md has no local hook configuration"
set +e
out=$(PRE_COMMIT_HOME="$WORK/pre-commit-home" "$WORK/pre-commit/bin/pre-commit" run --files leak.py clean.py 2>&1)
status=$?
set -e
[ "$status" = 1 ] || fail "pre-commit with a token exited $status, not 1: $out"
expect_in "$out" 'leak\.py:2:17: GitHub token' "the pre-commit hook did not report the token"
PRE_COMMIT_HOME="$WORK/pre-commit-home" "$WORK/pre-commit/bin/pre-commit" run --files clean.py >/dev/null ||
  fail "the pre-commit hook failed on a clean file"
# This repository's own hook (.pre-commit-hooks.yaml, as in the working tree) with the CLI on PATH.
set +e
out=$(PATH="$WORK/cli/node_modules/.bin:$PATH" PRE_COMMIT_HOME="$WORK/pre-commit-home" \
  "$WORK/pre-commit/bin/pre-commit" try-repo "$ROOT" jupyterlab-secret-mounts-scan --files leak.py clean.py 2>&1)
status=$?
set -e
[ "$status" = 1 ] || fail "this repository's hook with a token exited $status, not 1: $out"
expect_in "$out" 'leak\.py:2:17: GitHub token' "this repository's hook did not report the token"
cd "$ROOT"

say "labextension: the npm tarball"
files=$(npm pack --dry-run --json 2>/dev/null | node -e 'let s = ""; process.stdin.on("data", d => (s += d)).on("end", () => console.log(JSON.parse(s)[0].files.map(f => f.path).join("\n")))')
for path in lib/index.js schema/snippets.json style/index.js; do
  grep -qx "$path" <<<"$files" || fail "the labextension tarball lacks $path"
done
grep -q '^packages/\|cli\.js$' <<<"$files" && fail "the labextension tarball carries the CLI"

say "packages install and run as users will"
