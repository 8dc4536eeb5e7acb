#!/usr/bin/env bash
# Installs what the demo and the tests need, into this checkout only: a Python venv (.venv) with the
# extension installed in development mode, npm packages, and the built frontend. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# Node packages (npm, not jlpm: only the npm registry is reachable from our machines).
# Reinstall only when the lock file changed since the last install. Not `npm ci`: the registry we
# reach lacks some of Rspack's optional platform binaries, which `npm ci` insists on resolving.
npm_install() {
  local dir=$1
  if [ ! -f "$dir/node_modules/.package-lock.json" ] ||
    [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "npm install in $dir"
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund)
  fi
}

if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  "${PYTHON:-python3}" -m venv .venv
fi
export PATH="$PWD/.venv/bin:$PATH"
say "installing Python build tools"
pip install -q -U pip
pip install -q hatchling editables hatch-nodejs-version hatch-jupyter-builder "jupyterlab>=4.6,<5"

npm_install .
say "building the extension (TypeScript, labextension, CLI)"
npm run --silent build

say "installing the Python package (editable) with test extras"
# pip would write the wheel's shared data through the development link below into the build
# folder (and fail the next time, finding install.json there twice): unlink it first, and drop
# an install.json an earlier run left there (the build never writes one).
dev_link=.venv/share/jupyter/labextensions/jupyterlab-secret-mounts
if [ -L "$dev_link" ]; then rm "$dev_link"; fi
rm -f jupyterlab_secret_mounts/labextension/install.json
# The frontend was just built above: skip the wheel hook that would build it again.
SKIP_JUPYTER_BUILDER=1 pip install -q --no-build-isolation -e ".[test]"
# Point JupyterLab at the freshly built frontend in this checkout.
jupyter-builder develop --overwrite . >/dev/null
jupyter server extension enable --sys-prefix jupyterlab_secret_mounts >/dev/null 2>&1 || true
say "set-up done"
