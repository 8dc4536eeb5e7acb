"""A real `jupyter server` with the extension, for the benchmarks; stopped by its pid."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

#: This machine's share of ports for the benchmarks' servers.
DEFAULT_PORT = 9031


class Server:
    """Serves `roots` with `policy` (extra `SecretMounts` traits) on `port`; the package comes
    from `code` when given (another version of it), else from this environment."""

    def __init__(
        self,
        roots: Path,
        workdir: Path,
        *,
        port: int = DEFAULT_PORT,
        code: Path | None = None,
        policy: dict[str, Any] | None = None,
    ) -> None:
        self.port = port
        self.token = secrets.token_hex(16)
        server = {
            "jpserver_extensions": {"jupyterlab_secret_mounts": True},
            "root_dir": str(workdir),
            "port": port,
            "port_retries": 0,
            "ip": "127.0.0.1",
            "open_browser": False,
            "allow_root": True,
        }
        mounts = {
            "roots": [str(roots)],
            "discover_mountinfo": False,
            "show_service_account": False,
            **(policy or {}),
        }
        config = workdir / "jupyter_server_config.json"
        config.write_text(
            json.dumps(
                {
                    "ServerApp": server,
                    "IdentityProvider": {"token": self.token},
                    "SecretMounts": mounts,
                }
            )
        )
        env = {**os.environ, "PYTHONPATH": str(code)} if code else None
        self.log = (workdir / "server.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", f"--config={config}"],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=workdir,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                self.request("GET", "/secret-mounts/version")
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        tail = (workdir / "server.log").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"jupyter server did not start:\n{tail}")

    def request(self, method: str, path: str, body: bytes | None = None) -> bytes:
        request = urllib.request.Request(  # noqa: S310 - our own localhost server
            f"http://127.0.0.1:{self.port}{path}",
            data=body,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310
            return bytes(response.read())

    def timed(self, method: str, path: str, body: bytes | None = None) -> float:
        """Seconds one request took."""
        start = time.perf_counter()
        self.request(method, path, body)
        return time.perf_counter() - start

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
