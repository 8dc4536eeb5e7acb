"""Moving a credential into a Kubernetes Secret, against the project's fake API server.

A real jupyter server (pytest-jupyter) runs the extension with the in-cluster environment of
a workspace pod pointing at the fake (test/kube/fake-apiserver.ts, started as a process):
the service account's token, CA and namespace files, KUBERNETES_SERVICE_HOST/PORT, HOSTNAME.
"""

from __future__ import annotations

import base64
import json
import logging
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import HTTPResponse

from jupyterlab_secret_mounts.mounts.kubelet import write_atomic

from .kube_api import (
    EDITOR_RULES,
    NAMESPACE,
    NOTEBOOK,
    POD,
    SERVICE_ACCOUNT,
    TOKEN,
    WORKSPACE,
    FakeCluster,
    FakeProcess,
    notebook,
    notebook_pod,
    secret_object,
    workspace,
    workspace_pod,
)
from .trees import SecretsTree, canary

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")

CAN_MOUNT = "notebooks.kubeflow.org/can-mount"
CAN_UPDATE = "notebooks.kubeflow.org/can-update"


@pytest.fixture(scope="session")
def fake_process() -> Iterator[FakeProcess]:
    process = FakeProcess()
    yield process
    process.stop()


@pytest.fixture
def target() -> str:
    return "workspace"


@pytest.fixture
def cluster(
    fake_process: FakeProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> FakeCluster:
    cluster = FakeCluster.start(fake_process, tmp_path / "serviceaccount")
    for name, value in cluster.environ.items():
        monkeypatch.setenv(name, value)
    if target == "poddefault":
        monkeypatch.setenv("HOSTNAME", f"{NOTEBOOK}-0")
        cluster.add("pods", notebook_pod())
        cluster.add("notebooks", notebook())
    else:
        cluster.add("pods", workspace_pod())
        cluster.add("workspaces", workspace())
    return cluster


@pytest.fixture
def secret_mounts_policy(secrets_tree: SecretsTree, tmp_path: Path, target: str) -> dict[str, Any]:
    return {
        "roots": [str(secrets_tree.root)],
        "discover_mountinfo": False,
        "show_service_account": False,
        "allow_create_secrets": True,
        "create_secrets_target": target,
        "kubernetes_service_account_dir": str(tmp_path / "serviceaccount"),
        "created_secrets_mount_root": str(secrets_tree.root),
        "kubernetes_timeout_seconds": 5.0,
    }


async def move(jp_fetch: Any, **body: Any) -> tuple[HTTPResponse, dict[str, Any]]:
    response: HTTPResponse = await jp_fetch(
        "secret-mounts", "secrets", method="POST", body=json.dumps(body), raise_error=False
    )
    return response, json.loads(response.body or b"{}")


async def status(jp_fetch: Any) -> dict[str, Any]:
    response = await jp_fetch("secret-mounts", "kubernetes")
    return json.loads(response.body)  # type: ignore[no-any-return]


def decoded(secret: dict[str, Any], key: str) -> bytes:
    return base64.b64decode(secret["data"][key])


def workspace_secrets(cluster: FakeCluster) -> list[dict[str, Any]]:
    found = cluster.get("workspaces", WORKSPACE)
    assert found is not None
    return found["spec"]["podTemplate"]["volumes"]["secrets"]  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- status


async def test_status_names_namespace_pod_and_workspace(
    jp_fetch: Any, cluster: FakeCluster
) -> None:
    answer = await status(jp_fetch)
    assert answer["ready"] is True, answer["reason"]
    assert answer["namespace"] == NAMESPACE
    assert answer["pod"] == POD
    assert answer["owner"] == {"kind": "Workspace", "name": WORKSPACE}
    assert answer["serviceAccount"] == "default-editor"


@pytest.mark.parametrize("target", ["poddefault"])
async def test_status_names_the_notebook_for_kubeflow_1(
    jp_fetch: Any, cluster: FakeCluster, target: str
) -> None:
    answer = await status(jp_fetch)
    assert answer["ready"] is True, answer["reason"]
    assert answer["owner"] == {"kind": "Notebook", "name": NOTEBOOK}


async def test_status_says_why_not(
    jp_fetch: Any, cluster: FakeCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A pod no Workspace owns: Secrets could be created, not mounted.
    cluster.add("pods", workspace_pod("plain-0", labels={"app": "jupyter"}))
    monkeypatch.setenv("HOSTNAME", "plain-0")
    answer = await status(jp_fetch)
    assert answer["ready"] is False
    assert answer["reason"] == (
        "Secrets cannot be mounted here: pod plain-0 belongs to no Kubeflow Workspace."
    )


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("not-a-pod", "this server is not running in a Kubernetes pod"),
        ("forbidden", 'cannot get resource "pods"'),
        ("unreachable", "could not be reached"),
    ],
)
async def test_status_when_the_api_cannot_be_used(
    jp_fetch: Any,
    cluster: FakeCluster,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    reason: str,
) -> None:
    if case == "not-a-pod":
        monkeypatch.delenv("KUBERNETES_SERVICE_HOST")
    elif case == "forbidden":
        cluster.user(TOKEN, "system:serviceaccount:team-a:default", [])
    else:
        monkeypatch.setenv("KUBERNETES_SERVICE_PORT", "9")  # discard: nothing listens
    answer = await status(jp_fetch)
    assert answer["ready"] is False
    assert reason in answer["reason"]
    assert answer["reason"].startswith("Secrets cannot be created from here: ")


@pytest.mark.parametrize("secret_mounts_policy", [{"allow_create_secrets": False}])
async def test_off_unless_the_admin_allows_it(jp_fetch: Any) -> None:
    answer = await status(jp_fetch)
    assert answer["allowed"] is False and answer["ready"] is False
    assert "c.SecretMounts.allow_create_secrets = True" in answer["reason"]
    response, body = await move(jp_fetch, secretName="x", key="token", value="abcdefgh")
    assert response.code == 403
    assert "allow_create_secrets" in body["message"]


# --------------------------------------------------------------------------- create + mount


async def test_create_and_mount_in_the_workspace(
    jp_fetch: Any, cluster: FakeCluster, secrets_tree: SecretsTree
) -> None:
    value = canary("workspace").decode()
    response, body = await move(jp_fetch, secretName="github-token", key="token", value=value)
    assert response.code == 201, body
    mount_path = f"{secrets_tree.root}/github-token"
    assert body == {
        "secretName": "github-token",
        "key": "token",
        "namespace": NAMESPACE,
        "mountPath": mount_path,
        "path": f"{mount_path}/token",
        "appears": "restart",
        "mountedBy": f"Workspace {WORKSPACE}",
    }
    assert value.encode() not in response.body

    secret = cluster.get("secrets", "github-token")
    assert secret is not None
    assert decoded(secret, "token") == value.encode()
    assert secret["type"] == "Opaque"
    assert secret["metadata"]["labels"][CAN_MOUNT] == "true"
    assert secret["metadata"]["labels"][CAN_UPDATE] == "true"
    writes = [r for r in cluster.requests() if r["method"] in ("POST", "PATCH")]
    assert {w["query"].get("fieldManager") for w in writes} == {"jupyterlab-secret-mounts"}
    # The existing entry is kept; the new one added after it.
    assert workspace_secrets(cluster) == [
        {"secretName": "existing", "mountPath": "/secrets/existing", "defaultMode": 420},
        {"secretName": "github-token", "mountPath": mount_path, "defaultMode": 420},
    ]
    patches = [r for r in cluster.requests() if r["method"] == "PATCH"]
    assert [p["contentType"].split(";")[0] for p in patches] == ["application/merge-patch+json"]

    # Pending until the folder appears (after the restart), then mounted.
    mounts = json.loads((await jp_fetch("secret-mounts", "mounts")).body)
    assert [(p["secretName"], p["path"]) for p in mounts["pending"]] == [
        ("github-token", f"{mount_path}/token")
    ]
    write_atomic(mount_path, {"token": value.encode()})
    mounts = json.loads((await jp_fetch("secret-mounts", "mounts")).body)
    assert mounts["pending"] == []
    assert "github-token" in {m["name"] for m in mounts["mounts"]}


@pytest.mark.parametrize("target", ["poddefault"])
async def test_create_and_mount_by_poddefault(
    jp_fetch: Any, cluster: FakeCluster, secrets_tree: SecretsTree, target: str
) -> None:
    response, body = await move(jp_fetch, secretName="db", key="password", value="s3cret-pw-1")
    assert response.code == 201, body
    mount_path = f"{secrets_tree.root}/db"
    assert body["mountedBy"] == f"PodDefault mount-db and Notebook {NOTEBOOK}"
    poddefault = cluster.get("poddefaults", "mount-db")
    assert poddefault is not None
    assert poddefault["spec"]["selector"] == {"matchLabels": {"mount-db": "true"}}
    assert poddefault["spec"]["volumes"] == [
        {"name": "mount-db", "secret": {"secretName": "db", "defaultMode": 420}}
    ]
    assert poddefault["spec"]["volumeMounts"] == [
        {"name": "mount-db", "mountPath": mount_path, "readOnly": True}
    ]
    labelled = cluster.get("notebooks", NOTEBOOK)
    assert labelled is not None
    assert labelled["metadata"]["labels"] == {"app": NOTEBOOK, "mount-db": "true"}


@pytest.mark.parametrize("target", ["none"])
async def test_target_none_creates_the_secret_only(
    jp_fetch: Any, cluster: FakeCluster, target: str, secrets_tree: SecretsTree
) -> None:
    response, body = await move(jp_fetch, secretName="api", key="key", value="k-123456789")
    assert response.code == 201, body
    # Read where the admin guide says to mount it.
    assert (body["appears"], body["path"]) == ("none", f"{secrets_tree.root}/api/key")
    assert cluster.get("secrets", "api") is not None
    assert workspace_secrets(cluster)[1:] == []


async def test_add_a_key_to_an_existing_editable_secret(
    jp_fetch: Any, cluster: FakeCluster
) -> None:
    cluster.add("secrets", secret_object("svc", {"user": "admin"}, {CAN_UPDATE: "true"}))
    response, body = await move(
        jp_fetch, secretName="svc", key="password", value="pw-0987654321", addKey=True
    )
    assert response.code == 201, body
    secret = cluster.get("secrets", "svc")
    assert secret is not None
    assert decoded(secret, "user") == b"admin"
    assert decoded(secret, "password") == b"pw-0987654321"

    # The same key again: refused, the value stays.
    response, body = await move(
        jp_fetch, secretName="svc", key="password", value="other-value-1", addKey=True
    )
    assert (response.code, body["reason"]) == (409, "KeyExists")
    assert decoded(cluster.get("secrets", "svc") or {}, "password") == b"pw-0987654321"


async def test_add_key_to_the_mounted_folder_needs_no_restart(
    jp_fetch: Any, cluster: FakeCluster
) -> None:
    # The pod mounts Secret `existing` whole at /secrets/existing: kubelet adds the key there.
    cluster.add("secrets", secret_object("existing", {"a": "1"}, {CAN_UPDATE: "true"}))
    response, body = await move(
        jp_fetch, secretName="existing", key="b", value="value-b-123", addKey=True
    )
    assert response.code == 201, body
    assert (body["appears"], body["path"]) == ("sync", "/secrets/existing/b")
    assert len(workspace_secrets(cluster)) == 1


async def test_a_secret_not_marked_editable_gets_no_key(
    jp_fetch: Any, cluster: FakeCluster
) -> None:
    cluster.add("secrets", secret_object("theirs", {"a": "1"}))
    response, body = await move(
        jp_fetch, secretName="theirs", key="b", value="value-b-123", addKey=True
    )
    assert (response.code, body["reason"]) == (409, "NotEditable")
    assert set((cluster.get("secrets", "theirs") or {})["data"]) == {"a"}


async def test_a_key_that_would_make_the_secret_too_large_is_refused(
    jp_fetch: Any, cluster: FakeCluster
) -> None:
    held = "h" * (1024 * 1024 - 10)
    cluster.add("secrets", secret_object("full", {"a": held}, {CAN_UPDATE: "true"}))
    response, body = await move(
        jp_fetch, secretName="full", key="b", value="eleven-byte", addKey=True
    )
    assert (response.code, body["reason"]) == (422, "Invalid")
    assert body["message"] == (
        "Secret full would hold more than 1 MiB with this value (a Kubernetes Secret holds at "
        "most 1 MiB); choose another name."
    )
    assert [r["method"] for r in cluster.requests() if r["method"] != "GET"] == []
    # One byte less fits: the API server takes it.
    response, body = await move(
        jp_fetch, secretName="full", key="b", value="ten-bytes!", addKey=True
    )
    assert response.code == 201, body
    assert decoded(cluster.get("secrets", "full") or {}, "b") == b"ten-bytes!"


# --------------------------------------------------------------------------- refusals


async def test_name_taken(jp_fetch: Any, cluster: FakeCluster) -> None:
    cluster.add("secrets", secret_object("taken", {"a": "1"}))
    response, body = await move(jp_fetch, secretName="taken", key="token", value="v-123456789")
    assert response.code == 409
    assert body == {
        "message": "A Secret named taken already exists in namespace team-a: choose another "
        "name, or add the key to it.",
        "reason": "AlreadyExists",
    }
    assert set((cluster.get("secrets", "taken") or {})["data"]) == {"a"}
    assert len(workspace_secrets(cluster)) == 1


async def test_forbidden_to_create_secrets(jp_fetch: Any, cluster: FakeCluster) -> None:
    cluster.user(
        TOKEN,
        "system:serviceaccount:team-a:default-editor",
        [*EDITOR_RULES[:1], {"verbs": ["get"], "resources": ["workspaces"]}],
    )
    response, body = await move(jp_fetch, secretName="nope", key="token", value="v-123456789")
    assert response.code == 403
    assert body["message"] == (
        "Not allowed to create Secret nope in namespace team-a: secrets is forbidden: User "
        '"system:serviceaccount:team-a:default-editor" cannot create resource "secrets" in '
        'API group "" in the namespace "team-a".'
    )
    assert cluster.all("secrets") == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"key": "bad key"}, "A key uses letters, digits"),
        ({"secretName": "Not_A_Name"}, "A Secret name uses lower-case letters"),
        ({"value": "x" * (1024 * 1024)}, "holds at most 1 MiB"),
    ],
)
async def test_invalid_names_and_sizes_send_nothing(
    jp_fetch: Any, cluster: FakeCluster, fields: dict[str, str], message: str
) -> None:
    request = {"secretName": "ok", "key": "token", "value": "v-123456789", **fields}
    response, body = await move(jp_fetch, **request)
    assert response.code == 422
    assert message in body["message"]
    assert "bad key" not in body["message"] and "Not_A_Name" not in body["message"]
    assert [r for r in cluster.requests() if r["method"] != "GET"] == []


async def test_workspace_changed_meanwhile_is_read_again_once(
    jp_fetch: Any, cluster: FakeCluster
) -> None:
    # Edited after the first two reads: the first patch gets 409, the second read wins.
    cluster.change_after("GET", "workspaces", WORKSPACE, times=2)
    response, body = await move(jp_fetch, secretName="retry", key="token", value="v-123456789")
    assert response.code == 201, body
    codes = [(r["method"], r["status"]) for r in cluster.requests() if "workspaces" in r["path"]]
    assert codes == [("GET", 200), ("GET", 200), ("PATCH", 409), ("GET", 200), ("PATCH", 200)]
    assert [s["secretName"] for s in workspace_secrets(cluster)] == ["existing", "retry"]


async def test_workspace_changing_twice_rolls_the_secret_back(
    jp_fetch: Any, cluster: FakeCluster
) -> None:
    cluster.change_after("GET", "workspaces", WORKSPACE, times=3)
    response, body = await move(jp_fetch, secretName="gone", key="token", value="v-123456789")
    assert response.code == 409
    assert body["message"].startswith(
        "The Secret could not be mounted, so nothing was kept: Could not update Workspace alice"
    )
    assert cluster.get("secrets", "gone") is None
    assert [s["secretName"] for s in workspace_secrets(cluster)] == ["existing"]


async def test_mount_refused_deletes_the_created_secret(
    jp_fetch: Any, cluster: FakeCluster
) -> None:
    # May create Secrets and read the Workspace, not patch it.
    cluster.user(
        TOKEN,
        "system:serviceaccount:team-a:default-editor",
        [
            EDITOR_RULES[0],
            {"verbs": ["get", "create", "delete"], "resources": ["secrets"]},
            {"verbs": ["get"], "resources": ["workspaces"]},
        ],
    )
    response, body = await move(jp_fetch, secretName="half", key="token", value="v-123456789")
    assert response.code == 403
    assert "nothing was kept" in body["message"]
    assert 'cannot patch resource "workspaces"' in body["message"]
    assert cluster.get("secrets", "half") is None
    deletes = [r for r in cluster.requests() if r["method"] == "DELETE"]
    assert [(r["path"], r["status"]) for r in deletes] == [
        (f"/api/v1/namespaces/{NAMESPACE}/secrets/half", 200)
    ]


async def test_what_cannot_be_undone_is_named_with_its_command(
    jp_fetch: Any, cluster: FakeCluster
) -> None:
    # May create Secrets but neither patch the Workspace nor delete the Secret.
    cluster.user(
        TOKEN,
        "system:serviceaccount:team-a:default-editor",
        [
            EDITOR_RULES[0],
            {"verbs": ["get", "create"], "resources": ["secrets"]},
            {"verbs": ["get"], "resources": ["workspaces"]},
        ],
    )
    response, body = await move(jp_fetch, secretName="left", key="token", value="v-123456789")
    assert response.code == 403
    assert "These could not be removed: Secret left (remove it with: " in body["message"]
    assert "kubectl delete secret left -n team-a)" in body["message"]
    assert cluster.get("secrets", "left") is not None


@pytest.mark.parametrize("target", ["poddefault"])
async def test_poddefault_label_refused_undoes_both(
    jp_fetch: Any, cluster: FakeCluster, target: str
) -> None:
    cluster.user(
        TOKEN,
        "system:serviceaccount:team-a:default-editor",
        [
            EDITOR_RULES[0],
            {"verbs": ["get", "create", "delete"], "resources": ["secrets", "poddefaults"]},
            {"verbs": ["get"], "resources": ["notebooks"]},
        ],
    )
    response, body = await move(jp_fetch, secretName="db", key="password", value="pw-123456789")
    assert response.code == 403
    assert 'cannot patch resource "notebooks"' in body["message"]
    assert cluster.get("poddefaults", "mount-db") is None
    assert cluster.get("secrets", "db") is None


async def test_mount_path_taken_refuses_before_writing(
    jp_fetch: Any, cluster: FakeCluster, secrets_tree: SecretsTree
) -> None:
    taken = workspace()
    taken["spec"]["podTemplate"]["volumes"]["secrets"].append(
        {"secretName": "other", "mountPath": f"{secrets_tree.root}/db", "defaultMode": 420}
    )
    cluster.add("workspaces", taken)
    response, body = await move(jp_fetch, secretName="db", key="token", value="v-123456789")
    assert (response.code, body["reason"]) == (409, "MountTaken")
    assert "would collide with Secret other" in body["message"]
    assert cluster.all("secrets") == []


async def test_throttled_and_flaky_answers_are_retried(jp_fetch: Any, cluster: FakeCluster) -> None:
    # 429 on the create (retried after its Retry-After), 503 on a read of the Workspace.
    cluster.fault(429, "POST", "/secrets", retryAfter=1)
    cluster.fault(503, "GET", f"/workspaces/{WORKSPACE}")
    response, body = await move(jp_fetch, secretName="calm", key="token", value="v-123456789")
    assert response.code == 201, body
    codes = [(r["method"], r["status"]) for r in cluster.requests() if r["method"] != "GET"]
    assert codes == [("POST", 429), ("POST", 201), ("PATCH", 200)]
    assert cluster.get("secrets", "calm") is not None


async def test_a_failed_write_is_not_repeated(jp_fetch: Any, cluster: FakeCluster) -> None:
    # A 503 on the create may have been applied: not sent again; nothing is left behind.
    cluster.fault(503, "POST", "/secrets")
    response, body = await move(jp_fetch, secretName="once", key="token", value="v-123456789")
    assert response.code == 503
    assert body["message"].startswith("The Kubernetes API failed to create Secret once")
    assert [r["status"] for r in cluster.requests() if r["method"] == "POST"] == [503]
    assert cluster.get("secrets", "once") is None


async def test_api_unreachable_keeps_nothing(
    jp_fetch: Any, cluster: FakeCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", "9")
    response, body = await move(jp_fetch, secretName="x", key="token", value="v-123456789")
    assert response.code == 503
    assert "could not be reached" in body["message"]


async def test_a_rotated_token_is_read_again(
    jp_fetch: Any, cluster: FakeCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kubernetes_asyncio.config import incluster_config  # noqa: PLC0415 (optional extra)

    # kubernetes_asyncio re-reads the token file once its copy is a minute old; here, always.
    monkeypatch.setattr(incluster_config, "TOKEN_REFRESH_PERIOD", timedelta(0))
    response, body = await move(jp_fetch, secretName="before", key="token", value="v-123456789")
    assert response.code == 201, body
    # kubelet rotates the projected token: the file holds a new one, the old one stops working.
    rotated = f"{TOKEN}-rotated"
    cluster.user(rotated, f"system:serviceaccount:{NAMESPACE}:{SERVICE_ACCOUNT}", EDITOR_RULES)
    cluster.user(TOKEN, "expired", [])
    (cluster.service_account_dir / "token").write_text(rotated)
    response, body = await move(jp_fetch, secretName="after", key="token", value="v-123456789")
    assert response.code == 201, body
    assert cluster.get("secrets", "after") is not None


async def test_needs_permission_to_run_code(
    jp_fetch: Any, cluster: FakeCluster, jp_serverapp: Any
) -> None:
    authorizer = jp_serverapp.web_app.settings["authorizer"]
    original = authorizer.is_authorized

    def no_kernels(handler: Any, user: Any, action: str, resource: str) -> bool:
        return (action, resource) != ("execute", "kernels") and original(
            handler, user, action, resource
        )

    authorizer.is_authorized = no_kernels
    response, body = await move(jp_fetch, secretName="x", key="token", value="v-123456789")
    assert response.code == 403
    assert cluster.all("secrets") == []


# --------------------------------------------------------------------------- the value


async def test_the_value_is_in_no_answer_and_no_log_line(
    jp_fetch: Any, cluster: FakeCluster, caplog: pytest.LogCaptureFixture
) -> None:
    value = canary("never-logged")
    forms = [value, base64.b64encode(value)]
    caplog.set_level(logging.DEBUG)
    answers: list[bytes] = []
    for name, add_key in (("c1", False), ("c1", False), ("c1", True), ("bad_name", False)):
        response, _ = await move(
            jp_fetch, secretName=name, key="token", value=value.decode(), addKey=add_key
        )
        answers.append(response.body)
    cluster.user(TOKEN, "nobody", [])
    response, _ = await move(jp_fetch, secretName="c2", key="token", value=value.decode())
    answers.append(response.body)
    for path in ("mounts", "kubernetes", "policy"):
        answers.append((await jp_fetch("secret-mounts", path)).body)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "secret-mounts audit: create secret created: user=" in logged
    for form in forms:
        assert all(form not in answer for answer in answers)
        assert form.decode() not in logged
