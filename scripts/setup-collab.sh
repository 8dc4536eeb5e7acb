#!/usr/bin/env bash
# The test-only real-time collaboration environment, .venv-collab: this checkout installed in
# development mode with jupyter-collaboration (the `collab` extra), using the frontend that
# scripts/setup.sh built. Kept apart from .venv so the usual tests run as most users install.
# Used by test_collaboration.py (pytest) and the collab* Galata projects. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

[ -f jupyterlab_secret_mounts/labextension/package.json ] ||
  { echo "setup-collab.sh: run scripts/setup.sh first (it builds the frontend)" >&2; exit 1; }
VENV=.venv-collab
if [ ! -x "$VENV/bin/python" ]; then
  say "creating $VENV"
  "${PYTHON:-python3}" -m venv "$VENV"
fi
# Installed once per change of what it is made from.
stamp="$VENV/.setup-collab"
hash=$(cat pyproject.toml package.json | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$hash" ]; then
  say "installing jupyter-collaboration and this checkout into $VENV"
  dev_link="$VENV/share/jupyter/labextensions/jupyterlab-secret-mounts"
  # As in setup.sh: pip would write through the development link into the build folder.
  if [ -L "$dev_link" ]; then rm "$dev_link"; fi
  "$VENV/bin/pip" install -q -U pip 2> >(grep -v '^WARNING: Location' >&2)
  "$VENV/bin/pip" install -q hatchling editables hatch-nodejs-version hatch-jupyter-builder \
    2> >(grep -v '^WARNING: Location' >&2)
  SKIP_JUPYTER_BUILDER=1 "$VENV/bin/pip" install -q --no-build-isolation -e ".[test,collab]" \
    2> >(grep -v '^WARNING: Location' >&2)
  # The frontend built in this checkout, as in .venv.
  rm -rf "$dev_link"
  ln -s "$PWD/jupyterlab_secret_mounts/labextension" "$dev_link"
  echo "$hash" >"$stamp"
fi
say "collaboration environment ready ($VENV)"
