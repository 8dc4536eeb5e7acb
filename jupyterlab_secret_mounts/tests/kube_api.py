"""The project's fake Kubernetes API server (test/kube/fake-apiserver.ts), driven from pytest.

One fake serves every tier: jest imports it, and Python tests start it as a process with
`node test/kube/run-fake-apiserver.cjs` and drive it through its small control API (see
test/kube/fake-apiserver-process.ts). `FakeCluster` also lays out what kubelet gives a pod
(token, ca.crt, namespace) and the in-cluster environment, so the server under test connects
exactly as it would in a workspace pod.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
LAUNCHER = REPO / "test" / "kube" / "run-fake-apiserver.cjs"

NAMESPACE = "team-a"
WORKSPACE = "alice"
NOTEBOOK = "bob"
POD = "ws-alice-0"
SERVICE_ACCOUNT = "default-editor"
#: The workspace's service-account token (what kubelet writes into the pod).
TOKEN = "fake-workspace-token"  # noqa: S105 (a test token for the fake server)

#: What Kubeflow's `kubeflow-edit` role lets `default-editor` do in its own namespace,
#: reduced to what this feature uses.
EDITOR_RULES: list[dict[str, Any]] = [
    {"verbs": ["get"], "resources": ["pods"], "namespaces": [NAMESPACE]},
    {
        "verbs": ["get", "create", "patch", "delete"],
        "resources": ["secrets", "poddefaults", "workspaces", "notebooks"],
        "namespaces": [NAMESPACE],
    },
]


class FakeProcess:
    """The running fake and its control API."""

    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("node is needed to run the fake Kubernetes API server")
        self.process = subprocess.Popen(  # noqa: S603 (fixed arguments)
            [node, str(LAUNCHER)],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert self.process.stdout is not None
        first = self.process.stdout.readline()
        if not first:
            raise RuntimeError("the fake Kubernetes API server did not start")
        self.control = json.loads(first)["control"]

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(  # noqa: S310 (loopback control URL)
            f"{self.control}{path}", data=data, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
                return json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            raise

    def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@dataclass
class FakeCluster:
    """A fresh fake API server, this pod's service-account folder and in-cluster environment."""

    fake: FakeProcess
    url: str
    service_account_dir: Path

    @classmethod
    def start(cls, fake: FakeProcess, folder: Path) -> FakeCluster:
        info = fake.call("POST", "/reset")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "token").write_text(TOKEN)
        (folder / "ca.crt").write_text(info["ca"])
        (folder / "namespace").write_text(NAMESPACE)
        cluster = cls(fake, info["url"], folder)
        cluster.user(TOKEN, f"system:serviceaccount:{NAMESPACE}:{SERVICE_ACCOUNT}", EDITOR_RULES)
        return cluster

    @property
    def environ(self) -> dict[str, str]:
        """What kubelet puts in a pod's environment (and the pod's own name)."""
        port = urllib.parse.urlsplit(self.url).port
        return {
            "KUBERNETES_SERVICE_HOST": "127.0.0.1",
            "KUBERNETES_SERVICE_PORT": str(port),
            "HOSTNAME": POD,
        }

    def user(self, token: str, name: str, rules: list[dict[str, Any]] | str) -> None:
        self.fake.call("POST", "/users", {"token": token, "name": name, "rules": rules})

    def add(self, plural: str, obj: dict[str, Any]) -> dict[str, Any]:
        return self.fake.call("POST", "/objects", {"plural": plural, "object": obj})  # type: ignore[no-any-return]

    def get(self, plural: str, name: str, namespace: str = NAMESPACE) -> dict[str, Any] | None:
        query = urllib.parse.urlencode({"plural": plural, "namespace": namespace, "name": name})
        return self.fake.call("GET", f"/objects?{query}")  # type: ignore[no-any-return]

    def all(self, plural: str) -> list[dict[str, Any]]:
        return self.fake.call("GET", f"/objects?plural={plural}") or []  # type: ignore[no-any-return]

    def requests(self) -> list[dict[str, Any]]:
        return self.fake.call("GET", "/requests")  # type: ignore[no-any-return]

    def fault(self, code: int, method: str, path_ends_with: str, **options: Any) -> None:
        """Answer the next matching request with `code` (429 carries Retry-After)."""
        fault = {"code": code, "method": method, "pathEndsWith": path_ends_with, **options}
        self.fake.call("POST", "/faults", [fault])

    def change_after(self, method: str, plural: str, name: str, times: int) -> None:
        """Change the object (a new resourceVersion) right after each of the next `times`
        requests of `method` on it: someone else editing it meanwhile."""
        self.fake.call(
            "POST",
            "/change-after",
            {
                "method": method,
                "plural": plural,
                "namespace": NAMESPACE,
                "name": name,
                "times": times,
            },
        )


def workspace_pod(name: str = POD, labels: dict[str, str] | None = None) -> dict[str, Any]:
    """A Kubeflow Notebooks 2.0 Workspace pod (its StatefulSet's pod, labelled by workspace)."""
    return {
        "metadata": {
            "name": name,
            "namespace": NAMESPACE,
            "labels": labels
            if labels is not None
            else {"notebooks.kubeflow.org/workspace-name": WORKSPACE, "statefulset": WORKSPACE},
        },
        "spec": {
            "serviceAccountName": SERVICE_ACCOUNT,
            "containers": [
                {
                    "name": "main",
                    "image": "ghcr.io/kubeflow/notebooks/jupyterlab-scipy",
                    "volumeMounts": [{"name": "secret-volume-0", "mountPath": "/secrets/existing"}],
                }
            ],
            "volumes": [
                {
                    "name": "secret-volume-0",
                    "secret": {"secretName": "existing", "defaultMode": 420},
                }
            ],
        },
        "status": {"phase": "Running"},
    }


def workspace(name: str = WORKSPACE) -> dict[str, Any]:
    """A Workspace as the upstream CRD requires it (kubeflow/notebooks, notebooks-v2)."""
    return {
        "apiVersion": "kubeflow.org/v1beta1",
        "kind": "Workspace",
        "metadata": {"name": name, "namespace": NAMESPACE},
        "spec": {
            "kind": "jupyterlab",
            "paused": False,
            "podTemplate": {
                "options": {"imageConfig": "jupyterlab_scipy_190", "podConfig": "tiny_cpu"},
                "volumes": {
                    "home": f"{name}-home",
                    "secrets": [
                        {
                            "secretName": "existing",
                            "mountPath": "/secrets/existing",
                            "defaultMode": 420,
                        }
                    ],
                },
            },
        },
    }


def notebook_pod(notebook: str = NOTEBOOK) -> dict[str, Any]:
    """A Kubeflow 1.x notebook pod (its StatefulSet is named after the Notebook)."""
    pod = workspace_pod(f"{notebook}-0", {"notebook-name": notebook, "statefulset": notebook})
    pod["spec"]["containers"][0]["name"] = notebook
    return pod


def notebook(name: str = NOTEBOOK) -> dict[str, Any]:
    """A minimal Kubeflow 1.x Notebook (kubeflow.org/v1)."""
    return {
        "apiVersion": "kubeflow.org/v1",
        "kind": "Notebook",
        "metadata": {"name": name, "namespace": NAMESPACE, "labels": {"app": name}},
        "spec": {
            "template": {
                "spec": {
                    "containers": [{"name": name, "image": "kubeflownotebookswg/jupyter-scipy"}]
                }
            }
        },
    }


def secret_object(
    name: str, data: dict[str, str], labels: dict[str, str] | None = None
) -> dict[str, Any]:
    return {
        "metadata": {"name": name, "namespace": NAMESPACE, "labels": labels or {}},
        "type": "Opaque",
        "data": {k: base64.b64encode(v.encode()).decode() for k, v in data.items()},
    }


def in_cluster_env(cluster: FakeCluster) -> dict[str, str]:
    return {**os.environ, **cluster.environ}
