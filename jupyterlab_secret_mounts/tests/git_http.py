"""A git server on 127.0.0.1 for tests: Debian's `git http-backend` (smart HTTP, clone and
push) behind a small threaded HTTP server that requires basic auth.

The accepted user name and password can be changed while it runs (a rotated token), and every
attempt is recorded as (user name, password, accepted) so a test can tell which credential git
sent.
"""

from __future__ import annotations

import base64
import os
import subprocess
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


def _git(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout


def http_backend() -> str:
    return os.path.join(_git("--exec-path").strip(), "git-http-backend")


@dataclass
class GitHTTPServer:
    """Serves every bare repository under `root` at `http://127.0.0.1:<port>/<name>.git`."""

    root: Path
    username: str
    #: The one password accepted; with `password_file`, whatever that file holds now.
    password: str = ""
    password_file: Path | None = None
    #: 0: the system picks a free port, so parallel runs never collide.
    port: int = 0
    attempts: list[tuple[str, str, bool]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._backend = http_backend()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner._serve(self)

            def do_POST(self) -> None:
                owner._serve(self)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass  # the request lines carry no secret, but keep test output quiet

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def create_repo(self, name: str, work: Path) -> str:
        """A bare repository with one commit on `main`; returns its clone URL (no credential)."""
        bare = self.root / f"{name}.git"
        _git("init", "--bare", "--initial-branch=main", str(bare))
        _git("init", "--initial-branch=main", str(work))
        (work / "README.md").write_text("hello\n")
        _git("add", "README.md", cwd=work)
        _git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-m", "first", cwd=work)
        _git("push", str(bare), "main", cwd=work)
        return f"{self.url}/{name}.git"

    def _authorized(self, header: str | None) -> bool:
        user, password = "", ""
        if header and header.startswith("Basic "):
            try:
                decoded = base64.b64decode(header[6:]).decode("utf-8")
            except ValueError:
                decoded = ""
            user, _, password = decoded.partition(":")
        expected = (
            self.password_file.read_text("utf-8").strip()
            if self.password_file is not None
            else self.password
        )
        accepted = bool(expected) and (user, password) == (self.username, expected)
        if header:
            self.attempts.append((user, password, accepted))
        return accepted

    def _serve(self, request: BaseHTTPRequestHandler) -> None:
        if not self._authorized(request.headers.get("Authorization")):
            request.send_response(401)
            request.send_header("WWW-Authenticate", 'Basic realm="git"')
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        path, _, query = request.path.partition("?")
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GIT_PROJECT_ROOT": str(self.root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "REQUEST_METHOD": request.command,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "CONTENT_TYPE": request.headers.get("Content-Type", ""),
            "REMOTE_USER": self.username,  # lets http-backend accept pushes
            "REMOTE_ADDR": "127.0.0.1",
            "GIT_PROTOCOL": request.headers.get("Git-Protocol", ""),
            "HTTP_CONTENT_ENCODING": request.headers.get("Content-Encoding", ""),
        }
        body = _read_body(request)
        env["CONTENT_LENGTH"] = str(len(body))
        done = subprocess.run(
            [self._backend], input=body, env=env, capture_output=True, check=False, timeout=60
        )
        head, _, payload = done.stdout.partition(b"\r\n\r\n")
        status, headers = 200, []
        for line in head.decode("latin-1").split("\r\n"):
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.strip().split()[0])
            elif name:
                headers.append((name, value.strip()))
        request.send_response(status)
        for name, value in headers:
            request.send_header(name, value)
        request.send_header("Content-Length", str(len(payload)))
        request.end_headers()
        request.wfile.write(payload)


def _read_body(request: BaseHTTPRequestHandler) -> bytes:
    if request.headers.get("Transfer-Encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int(request.rfile.readline().split(b";")[0], 16)
            if size == 0:
                request.rfile.readline()
                return b"".join(chunks)
            chunks.append(request.rfile.read(size))
            request.rfile.readline()
    return request.rfile.read(int(request.headers.get("Content-Length") or 0))
