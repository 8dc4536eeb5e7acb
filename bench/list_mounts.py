"""Time listing 200 secret folders x 20 keys through the real `GET /secret-mounts/mounts`.

Starts a real Jupyter Server (subprocess, random port) with the extension on a kubelet-layout
tree, and compares it side by side with a peer that lists the same tree: Jupyter's own
contents API (`GET /api/contents/<root>` and one request per folder). Prints figures only;
nothing here asserts on time.

    .venv/bin/python bench/list_mounts.py [--folders 200] [--keys 20] [--rounds 30]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from jupyterlab_secret_mounts.mounts.kubelet import write_atomic  # noqa: E402


def build_tree(root: Path, folders: int, keys: int) -> None:
    for f in range(folders):
        files = {f"key-{k:02d}": secrets.token_urlsafe(30).encode() for k in range(keys)}
        write_atomic(str(root / f"secret-{f:03d}"), files)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Client:
    def __init__(self, port: int, token: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.headers = {"Authorization": f"token {token}"}

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, str]:
        self.connection.request("GET", path, headers={**self.headers, **(headers or {})})
        response = self.connection.getresponse()
        body = response.read()
        return response.status, body, response.getheader("ETag") or ""


def start_server(base: Path, roots: list[str], port: int, token: str) -> subprocess.Popen[bytes]:
    config_dir = base / "config"
    config_dir.mkdir()
    config = {
        "ServerApp": {
            "jpserver_extensions": {"jupyterlab_secret_mounts": True},
            "root_dir": str(base),
            "port": port,
            "port_retries": 0,
            "open_browser": False,
            "allow_root": True,
        },
        "IdentityProvider": {"token": token},
        "SecretMounts": {
            "roots": roots,
            "discover_mountinfo": False,
            "show_service_account": False,
        },
    }
    (config_dir / "jupyter_server_config.json").write_text(json.dumps(config))
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(config_dir),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "PYTHONPATH": str(REPO),
    }
    log = open(base / "server.log", "wb")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        [sys.executable, "-m", "jupyter_server"], env=env, stdout=log, stderr=log, cwd=str(base)
    )


def wait_ready(client_factory: Callable[[], Client], timeout: float = 90) -> Client:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            client = client_factory()
            if client.get("/api/status")[0] == 200:
                return client
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the Jupyter server did not start; see server.log")


def timed(run: Callable[[], object], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def measure(
    client: Client, root: Path, keys: int, rounds: int
) -> tuple[dict[str, Any], dict[str, list[float]]]:
    folders = sorted(p.name for p in root.iterdir())
    facts: dict[str, Any] = {}

    def ours() -> bytes:
        status, body, _ = client.get("/secret-mounts/mounts")
        assert status == 200, status
        return body

    start = time.perf_counter()
    listing = json.loads(ours())  # the first request reads and fingerprints every value
    facts["first_ms"] = (time.perf_counter() - start) * 1000
    facts["listed_keys"] = sum(len(m["keys"]) for m in listing["mounts"])
    etag = client.get("/secret-mounts/mounts")[2]

    def ours_poll() -> None:
        assert client.get("/secret-mounts/mounts", {"If-None-Match": etag})[0] == 304

    def after_rotation() -> None:
        name = folders[secrets.randbelow(len(folders))]
        write_atomic(
            str(root / name), {f"key-{k:02d}": secrets.token_bytes(20) for k in range(keys)}
        )
        ours()

    def peer_root() -> None:
        assert client.get("/api/contents/secrets")[0] == 200

    def peer_tree() -> None:
        facts["peer_items"] = 0
        for name in ["", *folders]:
            path = "/api/contents/secrets" + (f"/{name}" if name else "")
            status, body, _ = client.get(path)
            assert status == 200, (path, status)
            facts["peer_items"] += len(json.loads(body)["content"])

    results = {
        OURS_FULL: timed(ours, rounds),
        OURS_POLL: timed(ours_poll, rounds),
        "ours: listing after 1 folder rotated": timed(after_rotation, rounds),
        PEER_ROOT: timed(peer_root, rounds),
        PEER_TREE: timed(peer_tree, max(3, rounds // 5)),
    }
    return facts, results


OURS_FULL = "ours: full listing (1 request)"
OURS_POLL = "ours: poll, unchanged (304)"
PEER_ROOT = "peer: contents API, root folder only (1 request)"
PEER_TREE = "peer: contents API, whole tree (1 + 1 per folder requests)"


def report(
    args: argparse.Namespace, facts: dict[str, Any], results: dict[str, list[float]]
) -> None:
    print(f"tree: {args.folders} folders x {args.keys} keys in kubelet layout")
    print(f"ours listed {facts['listed_keys']} keys; peer walk: {facts['peer_items']} entries")
    print(f"first listing (reads and fingerprints every value): {facts['first_ms']:.1f} ms")
    print(f"{'measure':<60} {'median ms':>10} {'p95 ms':>10}")
    medians = {}
    for label, samples in results.items():
        medians[label], p95 = summary(samples)
        print(f"{label:<60} {medians[label]:>10.1f} {p95:>10.1f}")
    ratios = [
        ("ours full listing / peer whole-tree walk", OURS_FULL, PEER_TREE),
        ("ours full listing / peer root-only listing", OURS_FULL, PEER_ROOT),
        ("ours 304 poll / peer root-only listing", OURS_POLL, PEER_ROOT),
    ]
    for label, ours, peer in ratios:
        print(f"ratio {label}: {medians[ours] / medians[peer]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folders", type=int, default=200)
    parser.add_argument("--keys", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="secret-mounts-bench-"))
    root = base / "secrets"
    build_tree(root, args.folders, args.keys)
    port, token = free_port(), secrets.token_hex(16)
    server = start_server(base, [str(root)], port, token)
    try:
        client = wait_ready(lambda: Client(port, token))
        facts, results = measure(client, root, args.keys, args.rounds)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(base, ignore_errors=True)
    report(args, facts, results)


if __name__ == "__main__":
    main()
