"""A small fake Kubernetes API server for the provenance tests.

No real API server runs in CI. This one answers the single call provenance
makes, ``GET /api/v1/namespaces/{ns}/pods/{name}``, with a Pod shaped like the
Kubernetes API reference's (metadata, spec.volumes, spec.containers[].volumeMounts)
and with ``Status`` objects for 401, 403 and 404 worded like the real server's.
It listens on a random loopback port, over plain http or (with a certificate
made by the openssl command at test time) over https.
"""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

TOKEN = "fake-service-account-token"  # noqa: S105 (a test token for the fake server)


def status(
    code: int, reason: str, message: str, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }
    if details is not None:
        body["details"] = details
    return body


@dataclass
class FakeKubeAPI:
    pods: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    #: Tokens allowed to get pods; others get 403, a missing token 401.
    allowed_tokens: set[str] = field(default_factory=lambda: {TOKEN})
    requests: list[str] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    def start(self, certificate: tuple[Path, Path] | None = None) -> str:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                api.requests.append(self.path)
                code, body = api.answer(self.path, self.headers.get("Authorization", ""))
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        scheme = "http"
        if certificate is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(certificate[0]), str(certificate[1]))
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"{scheme}://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def answer(self, path: str, authorization: str) -> tuple[int, dict[str, Any]]:
        if not authorization.startswith("Bearer "):
            return 401, status(401, "Unauthorized", "Unauthorized")
        parts = path.strip("/").split("/")
        if len(parts) != 6 or parts[:3] != ["api", "v1", "namespaces"] or parts[4] != "pods":
            return 404, status(
                404, "NotFound", "the server could not find the requested resource", {}
            )
        namespace, name = parts[3], parts[5]
        token = authorization.removeprefix("Bearer ")
        if token not in self.allowed_tokens:
            return 403, status(
                403,
                "Forbidden",
                f'pods "{name}" is forbidden: User "system:serviceaccount:{namespace}:default" '
                f'cannot get resource "pods" in API group "" in the namespace "{namespace}"',
                {"name": name, "kind": "pods"},
            )
        pod = self.pods.get((namespace, name))
        if pod is None:
            return 404, status(
                404, "NotFound", f'pods "{name}" not found', {"name": name, "kind": "pods"}
            )
        return 200, pod


def make_certificate(directory: Path) -> tuple[Path, Path] | None:
    """A self-signed certificate for 127.0.0.1, or None when openssl is not installed."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(  # noqa: S603 (fixed arguments)
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=fake-apiserver",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def notebook_pod(namespace: str, name: str) -> dict[str, Any]:
    """A Kubeflow-style notebook pod with every kind of Secret mount provenance reads."""
    return {
        "kind": "Pod",
        "apiVersion": "v1",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {"notebook-name": name.rsplit("-", 1)[0]},
            "uid": "0f6c1d1e-8a1b-4a53-9d8e-1b8f2f3c4d5e",
            "resourceVersion": "4711",
        },
        "spec": {
            "serviceAccountName": "default-editor",
            "volumes": [
                {"name": "db", "secret": {"secretName": "db-creds", "defaultMode": 420}},
                {
                    "name": "tls",
                    "secret": {
                        "secretName": "web-tls",
                        "items": [
                            {"key": "tls.crt", "path": "tls/cert.pem"},
                            {"key": "tls.key", "path": "tls/key.pem"},
                        ],
                    },
                },
                {
                    "name": "combined",
                    "projected": {
                        "sources": [
                            {
                                "secret": {
                                    "name": "api-token",
                                    "items": [{"key": "token", "path": "token"}],
                                }
                            }
                        ]
                    },
                },
                {
                    "name": "mixed",
                    "projected": {
                        "sources": [{"secret": {"name": "a"}}, {"secret": {"name": "b"}}]
                    },
                },
                {"name": "cfg", "configMap": {"name": "settings"}},
                {"name": "home", "persistentVolumeClaim": {"claimName": "home"}},
                {
                    "name": "kube-api-access-x7k2p",
                    "projected": {
                        "defaultMode": 420,
                        "sources": [
                            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                            {
                                "configMap": {
                                    "name": "kube-root-ca.crt",
                                    "items": [{"key": "ca.crt", "path": "ca.crt"}],
                                }
                            },
                        ],
                    },
                },
            ],
            "containers": [
                {
                    "name": "notebook",
                    "image": "quay.io/jupyter/scipy-notebook:2025-01-06",
                    "volumeMounts": [
                        {"name": "db", "mountPath": "/secrets/db-creds", "readOnly": True},
                        {"name": "tls", "mountPath": "/secrets/tls/"},
                        {"name": "combined", "mountPath": "/secrets/api"},
                        {"name": "mixed", "mountPath": "/secrets/mixed"},
                        {"name": "db", "mountPath": "/home/jovyan/.pgpass", "subPath": "pgpass"},
                        {"name": "cfg", "mountPath": "/etc/settings"},
                        {"name": "home", "mountPath": "/home/jovyan"},
                        {
                            "name": "kube-api-access-x7k2p",
                            "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                            "readOnly": True,
                        },
                    ],
                }
            ],
        },
        "status": {"phase": "Running"},
    }
