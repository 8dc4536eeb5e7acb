"""A demo secrets root laid out exactly as kubelet lays out Secret volumes.

    python -m jupyterlab_secret_mounts.demo create DIR          # DIR/db-creds, DIR/api-token, ...
    python -m jupyterlab_secret_mounts.demo rotate DIR/FOLDER   # one atomic ..data swap, new values

Every value is fake (it says so) but shaped like the real thing. Nothing printed here shows a value.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import secrets
import sys
import textwrap
from collections.abc import Callable

from .mounts.kubelet import DATA_LINK, write_atomic

Payload = dict[str, bytes]


def _noise(label: str, salt: str, size: int) -> bytes:
    """Deterministic filler bytes, so `create` always makes the same values."""
    out = b""
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"{label}:{salt}:{counter}".encode()).digest()
        counter += 1
    return out[:size]


def _pem(kind: str, label: str, salt: str, size: int) -> bytes:
    body = "\n".join(textwrap.wrap(base64.b64encode(_noise(label, salt, size)).decode(), 64))
    return f"-----BEGIN {kind}-----\n{body}\n-----END {kind}-----\n".encode()


def _db_creds(salt: str) -> Payload:
    word = _noise("db", salt, 4).hex()
    return {"username": b"demo_app", "password": f"Demo-{word}-NOT-REAL-pw".encode()}


def _api_token(salt: str) -> Payload:
    return {"token": ("demo_tok_" + _noise("api", salt, 20).hex()).encode()}


def _tls(salt: str) -> Payload:
    return {
        "ca.crt": _pem("CERTIFICATE", "ca", salt, 600),
        "tls/tls.crt": _pem("CERTIFICATE", "crt", salt, 700),
        "tls/tls.key": _pem("PRIVATE KEY", "key", salt, 900),
    }


def _gcp_sa(salt: str) -> Payload:
    key_id = _noise("gcp-id", salt, 20).hex()
    document = {
        "type": "service_account",
        "project_id": "demo-project-not-real",
        "private_key_id": key_id,
        "private_key": _pem("PRIVATE KEY", "gcp", salt, 900).decode(),
        "client_email": "notebook-demo@demo-project-not-real.iam.gserviceaccount.com",
        "client_id": str(int.from_bytes(_noise("gcp-client", salt, 8), "big")),
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    return {"key.json": json.dumps(document, indent=2).encode()}


def _blob(salt: str) -> Payload:
    # A Java keystore starts with 0xFEEDFEED: never valid UTF-8, so the panel shows "binary".
    return {"keystore.jks": b"\xfe\xed\xfe\xed\x00\x00\x00\x02" + _noise("jks", salt, 248)}


#: folder name -> (values for a salt, per-key file modes)
DEMO_FOLDERS: dict[str, tuple[Callable[[str], Payload], dict[str, int]]] = {
    "db-creds": (_db_creds, {}),
    "api-token": (_api_token, {}),
    "tls": (_tls, {"tls/tls.key": 0o600}),
    "gcp-sa": (_gcp_sa, {}),
    "blob": (_blob, {}),
}


def create(root: str) -> list[str]:
    """Write every demo folder under `root`; returns their paths."""
    paths = []
    for name, (make, modes) in DEMO_FOLDERS.items():
        path = os.path.join(root, name)
        write_atomic(path, make("demo"), modes=modes)
        paths.append(path)
    return paths


def rotate(folder: str) -> str:
    """One kubelet-style update of a demo folder with fresh values; returns the new version."""
    name = os.path.basename(os.path.normpath(folder))
    if name not in DEMO_FOLDERS:
        raise ValueError(f"{folder} is not a demo folder (one of: {', '.join(DEMO_FOLDERS)})")
    if not os.path.islink(os.path.join(folder, DATA_LINK)):
        raise ValueError(f"{folder} has no {DATA_LINK}; run `create` first")
    make, modes = DEMO_FOLDERS[name]
    return write_atomic(folder, make(secrets.token_hex(4)), modes=modes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m jupyterlab_secret_mounts.demo",
        description="Create or rotate a demo secrets root in kubelet's atomic-writer layout.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("create", help="create demo secret folders in DIR").add_argument("dir")
    commands.add_parser("rotate", help="swap in new values for DIR/FOLDER").add_argument("folder")
    args = parser.parse_args(argv)
    try:
        if args.command == "create":
            for path in create(args.dir):
                print(f"created {path}")
        else:
            print(f"rotated {args.folder} -> {rotate(args.folder)}")
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
