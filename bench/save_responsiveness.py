"""Server responsiveness while a large notebook saves, and leak-check latency after a rotation.

Runs a real `jupyter server` with the extension (the code under `--code`, default this checkout,
so the same script measures another version too: `git archive main jupyterlab_secret_mounts
src/scanner | tar -x -C /tmp/main-code`, then `--code /tmp/main-code`) and reports:

1. **Save**: p50/p95/max latency of a loop of `GET /api/status` while a 5 MB keyword-dense
   notebook is saved (`PUT /api/contents`, save policy `warn`), next to the same loop with no
   save running, and how long the save took.
2. **Rotation**: on a root of 200 folders x 20 keys, the latency of `POST /secret-mounts/check`
   (one small text) right after one folder rotated, next to the steady-state latency.

Ports: 9030-9049 (the benchmark's share of this machine); `--port` picks one.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchserver import DEFAULT_PORT, Server

# Credential-shaped code, dense in scanner keywords (the reviewer's 5 MB notebook was of this kind).
DENSE_LINES = [
    "password = getpass()",
    'api_key = os.environ["API_KEY"]',
    "client = Client(token=token, secret=secret)",
    'headers = {"Authorization": f"Bearer {token}"}',
    'db_password = "{{ vault_db_password }}"',
    "aws_secret_access_key = session.get_credentials().secret_key",
]


def dense_notebook(size: int) -> dict[str, Any]:
    cells, total, n = [], 0, 0
    while total < size:
        source = "\n".join(DENSE_LINES[(n + i) % len(DENSE_LINES)] for i in range(40)) + "\n"
        cells.append(
            {
                "cell_type": "code",
                "metadata": {},
                "source": source,
                "outputs": [],
                "execution_count": None,
            }
        )
        total += len(source)
        n += 1
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def random_keys(count: int) -> dict[str, bytes]:
    """One Secret's keys: random 32-character values, all strong enough to be indexed."""
    return {f"key-{k:02d}": secrets.token_urlsafe(24).encode() for k in range(count)}


def summary(seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    median = statistics.median(ms)
    return f"p50 {median:8.1f} ms  p95 {p95:8.1f} ms  max {ms[-1]:8.1f} ms  (n={len(ms)})"


def status_loop(server: Server, stop: threading.Event, out: list[float]) -> None:
    """Open loop: a request every 50 ms whether or not the earlier ones were answered, so a
    server that stops answering for seconds shows up in every request of that time."""
    with ThreadPoolExecutor(64) as pool:
        futures = []
        while not stop.is_set():
            futures.append(pool.submit(server.timed, "GET", "/api/status"))
            time.sleep(0.05)
        out.extend(future.result() for future in futures)


def bench_save(server: Server, size: int) -> None:
    idle: list[float] = []
    stop = threading.Event()
    loop = threading.Thread(target=status_loop, args=(server, stop, idle))
    loop.start()
    time.sleep(3)
    stop.set()
    loop.join()
    body = json.dumps({"type": "notebook", "content": dense_notebook(size)}).encode()
    during: list[float] = []
    stop = threading.Event()
    loop = threading.Thread(target=status_loop, args=(server, stop, during))
    loop.start()
    time.sleep(0.5)
    save = server.timed("PUT", "/api/contents/dense.ipynb", body)
    stop.set()
    loop.join()
    report = json.loads(server.request("GET", "/secret-mounts/findings?path=dense.ipynb"))
    print(f"== save of a {len(body) / 1e6:.1f} MB keyword-dense notebook (warn)")
    print(f"  GET /api/status, no save      {summary(idle)}")
    print(f"  GET /api/status, during save  {summary(during)}")
    print(f"  the save took {save:.1f} s; report: {report.get('message', '')[:110]!r}")
    print()


def bench_rotation(server: Server, root: Path, folders: int, keys: int, write: Any) -> None:
    body = json.dumps({"texts": [{"id": "cell", "text": "print('hello')"}]}).encode()
    marker = "bench-" + secrets.token_urlsafe(24)
    write(str(root / "marker"), {"token": marker.encode()})
    probe = json.dumps({"texts": [{"id": "cell", "text": marker}]}).encode()
    while not json.loads(server.request("POST", "/secret-mounts/check", probe))["matches"]:
        time.sleep(0.5)  # the first index of every folder is built
    time.sleep(3)  # and anything it queued is done
    steady = [server.timed("POST", "/secret-mounts/check", body) for _ in range(20)]
    after: list[float] = []
    for n in range(5):
        write(str(root / f"app-{n:03d}"), random_keys(keys))
        after.append(server.timed("POST", "/secret-mounts/check", body))
        time.sleep(3)
    print(f"== leak check on a root of {folders} folders x {keys} keys")
    print(f"  check, steady state               {summary(steady)}")
    print(f"  first check after one rotation    {summary(after)}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    here = Path(__file__).resolve().parents[1]
    parser.add_argument("--code", type=Path, default=here, help="folder holding the package")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="9030-9049 here")
    parser.add_argument("--size", type=int, default=5_000_000, help="notebook source bytes")
    parser.add_argument("--folders", type=int, default=200)
    parser.add_argument("--keys", type=int, default=20)
    args = parser.parse_args()
    sys.path.insert(0, str(args.code))
    from jupyterlab_secret_mounts.mounts.kubelet import write_atomic  # noqa: PLC0415

    workdir = Path(tempfile.mkdtemp(prefix="save-bench-"))
    try:
        root = workdir / "secrets"
        for n in range(args.folders):
            write_atomic(str(root / f"app-{n:03d}"), random_keys(args.keys))
        print(f"code: {args.code}; python {sys.version.split()[0]}, {os.cpu_count()} cpus\n")
        server = Server(
            root, workdir, port=args.port, code=args.code, policy={"save_policy": "warn"}
        )
        try:
            bench_save(server, args.size)
            bench_rotation(server, root, args.folders, args.keys, write_atomic)
        finally:
            server.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
