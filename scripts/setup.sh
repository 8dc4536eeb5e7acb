#!/usr/bin/env bash
# Installs what the demo and the tests need, into this checkout only: a Python venv (.venv) with the
# extension installed in development mode, npm packages, and the built frontend. With --tests, also
# what scripts/test.sh needs (ui-tests' npm packages, Debian's Chromium and openssl).
#
# Each step runs only when its inputs changed since it last succeeded: a stamp file beside the
# step's result holds a hash of the inputs. So a second run takes a second or two.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() {
  printf '%s\n' "$*" >&2
  exit 1
}
# Runs a command, showing its output only when it fails.
quietly() {
  local output
  output=$("$@" 2>&1) || {
    printf '%s\n' "$output" >&2
    return 1
  }
}

# --- Supported versions (README, package.json engines, pyproject.toml requires-python) ----------
command -v node >/dev/null || die "Node.js 20.19 or newer is required, and no 'node' command is on PATH."
node -e 'const [major, minor] = process.versions.node.split(".").map(Number);
process.exit(major > 20 || (major === 20 && minor >= 19) ? 0 : 1)' ||
  die "Node.js 20.19 or newer is required, found $(node --version)."
PYTHON=${PYTHON:-python3} where=""
if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python where=" in .venv (delete it to start again)"; fi
command -v "$PYTHON" >/dev/null || die "Python 3.10 or newer is required, and no '$PYTHON' command is on PATH."
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' ||
  die "Python 3.10 or newer is required, found $("$PYTHON" --version 2>&1)$where."

# --- Stamps ------------------------------------------------------------------------------------
# One hash of some strings and the contents of some files (folders: every file below them).
inputs_hash() {
  local strings=() files=()
  for item in "$@"; do
    if [ -e "$item" ]; then files+=("$item"); else strings+=("$item"); fi
  done
  {
    printf '%s\n' "${strings[@]}"
    if [ ${#files[@]} -gt 0 ]; then
      find "${files[@]}" -type f -not -path '*/.ipynb_checkpoints/*' -print0 | LC_ALL=C sort -z |
        xargs -0 sha256sum
    fi
  } | sha256sum | cut -d' ' -f1
}
# up_to_date STAMP HASH [OUTPUT...]: the stamp holds HASH and every output exists.
up_to_date() {
  local stamp=$1 hash=$2
  shift 2
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ] || return 1
  for output in "$@"; do [ -e "$output" ] || return 1; done
}

# Node packages exactly as locked (npm, not jlpm: only the npm registry is reachable from our
# machines). The lock files list every platform's optional binaries (Rspack's), as `npm ci` needs.
npm_ci() {
  local dir=$1 stamp=$1/node_modules/.setup-stamp hash
  hash=$(inputs_hash "$(node --version)" "$dir/package.json" "$dir/package-lock.json")
  up_to_date "$stamp" "$hash" && return
  say "npm ci in $dir"
  (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  echo "$hash" >"$stamp"
}

# --- Python environment ---------------------------------------------------------------------
if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  "$PYTHON" -m venv .venv
fi
export PATH="$PWD/.venv/bin:$PATH"
BUILD_TOOLS=(hatchling editables hatch-nodejs-version hatch-jupyter-builder "jupyterlab>=4.6,<5")
tools_hash=$(inputs_hash "${BUILD_TOOLS[@]}")
if ! up_to_date .venv/.setup-build-tools "$tools_hash"; then
  say "installing Python build tools"
  pip install -q -U pip
  pip install -q "${BUILD_TOOLS[@]}"
  echo "$tools_hash" >.venv/.setup-build-tools
fi

# --- Frontend --------------------------------------------------------------------------------
npm_ci .
build_hash=$(inputs_hash src style schema package.json package-lock.json tsconfig.json \
  webpack.config.js webpack.cli.config.js packages/cli/package.json)
if ! up_to_date node_modules/.setup-build "$build_hash" lib/index.js packages/cli/dist/cli.js \
  jupyterlab_secret_mounts/labextension/package.json; then
  say "building the extension (TypeScript, labextension, CLI)"
  npm run --silent build
  echo "$build_hash" >node_modules/.setup-build
fi

# --- The extension, installed in development mode ---------------------------------------------
# The build never writes install.json: one there was written through the development link by an
# earlier set-up, and would make `pip wheel .` fail (the file added to the wheel twice).
rm -f jupyterlab_secret_mounts/labextension/install.json
install_hash=$(inputs_hash "$tools_hash" pyproject.toml package.json install.json jupyter-config)
if ! up_to_date .venv/.setup-install "$install_hash" jupyterlab_secret_mounts/_version.py \
  .venv/share/jupyter/labextensions/jupyterlab-secret-mounts; then
  say "installing the Python package (editable) with test extras"
  # pip would write the wheel's shared data through the development link below into the build
  # folder (and fail the next time, finding install.json there twice): unlink it first.
  dev_link=.venv/share/jupyter/labextensions/jupyterlab-secret-mounts
  if [ -L "$dev_link" ]; then rm "$dev_link"; fi
  # The frontend was just built above: skip the wheel hook that would build it again.
  SKIP_JUPYTER_BUILDER=1 pip install -q --no-build-isolation -e ".[test]"
  # Point JupyterLab at the freshly built frontend in this checkout.
  quietly jupyter-builder develop --overwrite .
  quietly jupyter server extension enable --sys-prefix jupyterlab_secret_mounts
  echo "$install_hash" >.venv/.setup-install
fi

# --- Test suites -----------------------------------------------------------------------------
# install_debian COMMAND PACKAGE WHY: make sure COMMAND exists, installing PACKAGE when root.
install_debian() {
  [ -x "$1" ] || command -v "$1" >/dev/null && return
  [ "$(id -u)" = 0 ] || die "$3 need Debian's $2: run 'sudo apt-get install $2' first."
  say "installing Debian's $2"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}
if [ "${1:-}" = --tests ]; then
  npm_ci ui-tests
  # jupyterlab-git for the Galata profile `git` only: the `ui-git` extra (no dependency), read
  # from the installed package's metadata so pyproject.toml stays the one place that pins it.
  ui_git=$(python -c 'from importlib.metadata import requires
from packaging.requirements import Requirement
wanted = [Requirement(r) for r in requires("jupyterlab_secret_mounts") or []]
print("\n".join(str(r).split(";")[0] for r in wanted
                if r.marker and r.marker.evaluate({"extra": "ui-git"})))')
  [ -n "$ui_git" ] || die "The installed jupyterlab_secret_mounts has no ui-git extra: delete .venv/.setup-install and run again."
  ui_git_hash=$(inputs_hash "$ui_git")
  if ! up_to_date .venv/.setup-ui-git "$ui_git_hash"; then
    say "installing jupyterlab-git (the browser test of Use for git)"
    mapfile -t ui_git_specs <<<"$ui_git"
    pip install -q "${ui_git_specs[@]}"
    echo "$ui_git_hash" >.venv/.setup-ui-git
  fi
  install_debian /usr/bin/chromium chromium "The browser tests"
  # The Kubernetes tests (test/kube, test_provenance.py) make a throw-away TLS certificate with it.
  install_debian openssl openssl "The Kubernetes tests"
  # Real-time collaboration, a test-only environment of its own (.venv-collab).
  bash scripts/setup-collab.sh
fi
say "set-up done"
