"""The mount steps against a real Kubernetes API server for custom resources.

Runs in the real-server tier only (docs/kubernetes-testing.md):

    bash scripts/kube-real-server.sh run .venv/bin/python -m pytest -q \\
        jupyterlab_secret_mounts/tests/test_create_secret_real.py

k8s.io/apiextensions-apiserver with the upstream Workspace, Notebook and PodDefault CRDs: real
CRD validation and defaulting, real 409 on a stale resourceVersion, real 403 Status objects.
It serves no core types, so the Secret itself is created against the fake (test_create_secret.py).
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_secret_mounts.kube.client import (
    NOTEBOOKS,
    PODDEFAULTS,
    WORKSPACES,
    KubeClient,
    k8s,
)
from jupyterlab_secret_mounts.kube.errors import KubeError
from jupyterlab_secret_mounts.kube.mounting import (
    MountRefused,
    Rollback,
    poddefault_plan,
    workspace_plan,
)

from .kube_api import notebook, workspace

REAL = os.environ.get("SECRET_MOUNTS_REAL_APISERVER", "")
pytestmark = pytest.mark.skipif(not REAL, reason="run inside scripts/kube-real-server.sh run")

NAMESPACE = "team-b"


async def client_for(user: str) -> KubeClient:
    """A client with the user's client certificate (the tier has no token users)."""
    from kubernetes_asyncio.config import load_kube_config  # noqa: PLC0415 (tier only)

    cluster = json.loads((Path(REAL) / "cluster.json").read_text())
    configuration = k8s.Configuration()
    await load_kube_config(config_file=cluster["users"][user], client_configuration=configuration)
    return KubeClient(k8s.ApiClient(configuration), cluster["server"], 10.0)


def unique(base: str) -> str:
    return f"{base}-{uuid.uuid4().hex[:6]}"


def named(obj: dict[str, Any], name: str) -> dict[str, Any]:
    obj["metadata"].update(name=name, namespace=NAMESPACE)
    return obj


async def test_the_workspace_gets_the_secret_and_loses_it_on_undo() -> None:
    async with await client_for("admin") as admin:
        name = unique("ws")
        await admin.create_custom(WORKSPACES, NAMESPACE, named(workspace(name), name))
        plan = await workspace_plan(admin, NAMESPACE, name, "db", "/secrets/db")()
        rollback = Rollback()
        await plan.apply(rollback)
        found = await admin.get_custom(WORKSPACES, NAMESPACE, name)
        assert found["spec"]["podTemplate"]["volumes"]["secrets"] == [
            {"secretName": "existing", "mountPath": "/secrets/existing", "defaultMode": 420},
            {"secretName": "db", "mountPath": "/secrets/db", "defaultMode": 420},
        ]
        assert await rollback.run() == []
        found = await admin.get_custom(WORKSPACES, NAMESPACE, name)
        assert [s["secretName"] for s in found["spec"]["podTemplate"]["volumes"]["secrets"]] == [
            "existing"
        ]


async def test_a_workspace_changed_meanwhile_is_read_again() -> None:
    async with await client_for("admin") as admin:
        name = unique("ws")
        await admin.create_custom(WORKSPACES, NAMESPACE, named(workspace(name), name))
        plan = await workspace_plan(admin, NAMESPACE, name, "db", "/secrets/db")()
        # Someone edits the Workspace right before each of our patches: the real server answers
        # 409 to the stale resourceVersion; read again and patch once more, then give up.
        sent = admin.merge_patch_custom
        edits = {"left": 1}

        async def edit_first(*args: Any) -> dict[str, Any]:
            if edits["left"] > 0:
                edits["left"] -= 1
                # A real change: an unchanged object keeps its resourceVersion.
                edit = {"metadata": {"annotations": {"edited": uuid.uuid4().hex}}}
                await sent(WORKSPACES, NAMESPACE, name, edit)
            return await sent(*args)

        admin.merge_patch_custom = edit_first  # type: ignore[method-assign]
        await plan.apply(Rollback())
        found = await admin.get_custom(WORKSPACES, NAMESPACE, name)
        assert set(found["metadata"]["annotations"]) == {"edited"}
        assert [s["secretName"] for s in found["spec"]["podTemplate"]["volumes"]["secrets"]] == [
            "existing",
            "db",
        ]

        edits["left"] = 2
        again = await workspace_plan(admin, NAMESPACE, name, "db2", "/secrets/db2")()
        with pytest.raises(KubeError) as refused:
            await again.apply(Rollback())
        assert refused.value.status == 409
        assert "the object has been modified" in str(refused.value)


async def test_a_taken_mount_path_is_refused_before_writing() -> None:
    async with await client_for("admin") as admin:
        name = unique("ws")
        await admin.create_custom(WORKSPACES, NAMESPACE, named(workspace(name), name))
        with pytest.raises(MountRefused, match="would collide with Secret existing"):
            await workspace_plan(admin, NAMESPACE, name, "other", "/secrets/existing/x")()


async def test_poddefault_and_notebook_label() -> None:
    async with await client_for("admin") as admin:
        name = unique("nb")
        secret = unique("db")
        await admin.create_custom(NOTEBOOKS, NAMESPACE, named(notebook(name), name))
        plan = await poddefault_plan(admin, NAMESPACE, name, secret, f"/secrets/{secret}")()
        rollback = Rollback()
        await plan.apply(rollback)
        poddefault = await admin.get_custom(PODDEFAULTS, NAMESPACE, f"mount-{secret}")
        assert poddefault["spec"]["selector"] == {"matchLabels": {f"mount-{secret}": "true"}}
        labelled = await admin.get_custom(NOTEBOOKS, NAMESPACE, name)
        assert labelled["metadata"]["labels"][f"mount-{secret}"] == "true"

        assert await rollback.run() == []
        with pytest.raises(KubeError) as gone:
            await admin.get_custom(PODDEFAULTS, NAMESPACE, f"mount-{secret}")
        assert gone.value.status == 404
        labelled = await admin.get_custom(NOTEBOOKS, NAMESPACE, name)
        assert f"mount-{secret}" not in labelled["metadata"]["labels"]


@pytest.mark.parametrize("user", ["viewer", "nobody"])
async def test_real_403_becomes_one_sentence(user: str) -> None:
    async with await client_for("admin") as admin:
        name = unique("ws")
        await admin.create_custom(WORKSPACES, NAMESPACE, named(workspace(name), name))
        client = await client_for(user)
        try:
            with pytest.raises(KubeError) as refused:
                await workspace_plan(client, NAMESPACE, name, "db", "/secrets/db")()
        finally:
            await client.close()
        assert refused.value.status == 403
        assert str(refused.value).startswith(
            f"Not allowed to read Workspace {name} in namespace {NAMESPACE}: "
        )
        assert f'User "{user}" cannot get resource "workspaces"' in str(refused.value)


async def test_a_type_not_served_is_named() -> None:
    async with await client_for("admin") as admin:
        missing = NOTEBOOKS.__class__("kubeflow.org", "v9", "notebooks", "Notebook")
        with pytest.raises(KubeError) as refused:
            await admin.get_custom(missing, NAMESPACE, "x")
        assert refused.value.status == 404
        assert "does not serve this kind of object" in str(refused.value)
