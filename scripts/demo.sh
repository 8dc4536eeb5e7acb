#!/usr/bin/env bash
# Runs the product: sets everything up, creates a demo secrets root laid out exactly as kubelet lays
# out Secret volumes (.demo/secrets), a demo notebook (.demo/notebooks) and the server's settings
# (.demo/jupyter_server_config.json), and starts JupyterLab. Extra arguments go to `jupyter lab`
# (e.g. --port=9000 --no-browser). SECRET_MOUNTS_DEMO_DIR puts the demo folder elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"

DEMO=$(realpath -m "${SECRET_MOUNTS_DEMO_DIR:-.demo}")
if [ ! -d "$DEMO/secrets" ]; then
  python -m jupyterlab_secret_mounts.demo create "$DEMO/secrets"
fi
mkdir -p "$DEMO/notebooks"
[ -f "$DEMO/notebooks/demo.ipynb" ] || cp demo/demo.ipynb "$DEMO/notebooks/demo.ipynb"

# The admin's settings, as a config file: list-valued traits cannot be given on the command line
# in a form that every traitlets version reads the same way.
CONFIG="$DEMO/jupyter_server_config.json"
python - "$DEMO" >"$CONFIG" <<'PY'
import json
import sys

demo = sys.argv[1]
print(json.dumps({
    "ServerApp": {"root_dir": f"{demo}/notebooks"},
    "LabApp": {"default_url": "/lab/tree/demo.ipynb"},
    "SecretMounts": {"roots": [f"{demo}/secrets"]},
}, indent=2))
PY

cat <<MSG

Demo secrets: $DEMO/secrets  (rotate one: .venv/bin/python -m jupyterlab_secret_mounts.demo rotate $DEMO/secrets/db-creds)
Server settings: $CONFIG
Starting JupyterLab; open the URL it prints. Ctrl+C stops it.

MSG
ROOT_FLAG=()
[ "$(id -u)" = 0 ] && ROOT_FLAG=(--allow-root)
exec jupyter lab "${ROOT_FLAG[@]}" --config="$CONFIG" "$@"
