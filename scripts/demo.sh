#!/usr/bin/env bash
# Runs the product: sets everything up, creates a demo secrets root laid out exactly as kubelet lays
# out Secret volumes (.demo/secrets) and a demo notebook (.demo/notebooks), and starts JupyterLab.
# Extra arguments go to `jupyter lab` (e.g. --port=9000 --no-browser).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"

DEMO="$PWD/.demo"
if [ ! -d "$DEMO/secrets" ]; then
  python -m jupyterlab_secret_mounts.demo create "$DEMO/secrets"
fi
mkdir -p "$DEMO/notebooks"
[ -f "$DEMO/notebooks/demo.ipynb" ] || cp demo/demo.ipynb "$DEMO/notebooks/demo.ipynb"

cat <<MSG

Demo secrets: $DEMO/secrets  (rotate one: .venv/bin/python -m jupyterlab_secret_mounts.demo rotate $DEMO/secrets/db-creds)
Starting JupyterLab; open the URL it prints. Ctrl+C stops it.

MSG
ROOT_FLAG=()
[ "$(id -u)" = 0 ] && ROOT_FLAG=(--allow-root)
exec jupyter lab "${ROOT_FLAG[@]}" \
  --ServerApp.root_dir="$DEMO/notebooks" \
  --SecretMounts.roots="['$DEMO/secrets']" \
  --LabApp.default_url=/lab/tree/demo.ipynb \
  "$@"
