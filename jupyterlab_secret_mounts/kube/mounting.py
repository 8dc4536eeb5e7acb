"""Making a Secret appear as a folder in this workspace, per platform.

Each mount is prepared first (the owner read, the mount path checked: nothing written), then
applied after the Secret exists, and can be undone if a later step fails.

- Kubeflow Notebooks 2.0: an entry `{secretName, mountPath, defaultMode}` in the Workspace's
  `spec.podTemplate.volumes.secrets`. A merge patch replaces that list whole, so it carries the
  entries read and the Workspace's resourceVersion: if someone changed the Workspace meanwhile
  the API server answers 409 and the Workspace is read again and patched once more.
- Kubeflow 1.x: a PodDefault selecting pods by a label, and that label on this pod's Notebook
  (its controller copies the Notebook's labels to the pod, and PodDefaults act when a pod is
  created).

Both controllers then roll the pod (a StatefulSet whose template changed): the Secret is
mounted when the workspace restarts.
"""

from __future__ import annotations

import posixpath
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from .client import NOTEBOOKS, PODDEFAULTS, WORKSPACES, KubeClient
from .errors import KubeError
from .names import short_name

#: Kubernetes' default file mode of Secret volumes (0644).
DEFAULT_MODE = 420
MANAGED_BY = {"app.kubernetes.io/managed-by": "jupyterlab-secret-mounts"}

Undo = Callable[[], Awaitable[None]]


class Rollback:
    """What has been written so far, to undo in reverse when a later step fails."""

    def __init__(self) -> None:
        #: (how to undo, what it left, the command that removes it by hand)
        self.steps: list[tuple[Undo, str, str]] = []

    def add(self, undo: Undo, left: str, command: str) -> None:
        self.steps.append((undo, left, command))

    async def run(self) -> list[tuple[str, str]]:
        """Undo every step, newest first; answers what could not be undone (and the command)."""
        failed: list[tuple[str, str]] = []
        for undo, left, command in reversed(self.steps):
            try:
                await undo()
            except KubeError:
                failed.append((left, command))
        self.steps.clear()
        return failed


class MountRefused(Exception):
    """The mount cannot be made (said before anything was written)."""


@dataclass
class MountPlan:
    """A prepared mount: `apply(rollback)` makes it, adding each write to the rollback."""

    describe: str
    apply: Callable[[Rollback], Awaitable[None]]


def _spec_secrets(workspace: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    volumes = (((workspace.get("spec") or {}).get("podTemplate") or {}).get("volumes")) or {}
    secrets = [s for s in volumes.get("secrets") or [] if isinstance(s, dict)]
    data = [d for d in volumes.get("data") or [] if isinstance(d, dict)]
    return secrets, data


def _inside(parent: str, child: str) -> bool:
    return child.startswith(parent.rstrip("/") + "/")


def check_mount_path(mount_path: str, taken: list[tuple[str, str]]) -> None:
    """Refuse a path another mount uses, covers, or holds read-only (`taken`: path, what)."""
    for given, what in taken:
        path = posixpath.normpath(given)
        if path == mount_path or _inside(mount_path, path) or _inside(path, mount_path):
            raise MountRefused(f"{mount_path} would collide with {what}, mounted at {path}.")


def workspace_plan(
    client: KubeClient, namespace: str, name: str, secret_name: str, mount_path: str
) -> Callable[[], Awaitable[MountPlan]]:
    """Kubeflow Notebooks 2.0: add the Secret to the Workspace owning this pod."""

    async def read() -> dict[str, Any]:
        return await client.get_custom(WORKSPACES, namespace, name)

    def check(workspace: dict[str, Any]) -> bool:
        """Whether the Workspace already lists the Secret at that path (nothing to add)."""
        secrets, data = _spec_secrets(workspace)
        for entry in secrets:
            if entry.get("secretName") == secret_name:
                if posixpath.normpath(str(entry.get("mountPath", ""))) == mount_path:
                    return True
                raise MountRefused(
                    f"Workspace {name} already mounts Secret {secret_name} at "
                    f"{entry.get('mountPath')}."
                )
        taken = [(str(e.get("mountPath", "")), f"Secret {e.get('secretName')}") for e in secrets]
        taken += [(str(d.get("mountPath", "")), f"volume {d.get('pvcName')}") for d in data]
        check_mount_path(mount_path, [t for t in taken if t[0]])
        return False

    async def patch(workspace: dict[str, Any], entries: list[dict[str, Any]]) -> None:
        version = (workspace.get("metadata") or {}).get("resourceVersion")
        await client.merge_patch_custom(
            WORKSPACES,
            namespace,
            name,
            {
                "metadata": {"resourceVersion": version},
                "spec": {"podTemplate": {"volumes": {"secrets": entries}}},
            },
        )

    async def conditional(change: Callable[[dict[str, Any]], list[dict[str, Any]] | None]) -> None:
        """Patch from a fresh read; after a 409 (changed meanwhile) read and patch once more."""
        for attempt in (1, 2):
            workspace = await read()
            entries = change(workspace)
            if entries is None:
                return
            try:
                await patch(workspace, entries)
                return
            except KubeError as error:
                if error.status != 409 or attempt == 2:
                    raise

    async def prepare() -> MountPlan:
        first = await read()
        listed = check(first)

        async def apply(rollback: Rollback) -> None:
            entry = {"secretName": secret_name, "mountPath": mount_path, "defaultMode": 420}

            def add(workspace: dict[str, Any]) -> list[dict[str, Any]] | None:
                if check(workspace):
                    return None
                return [*_spec_secrets(workspace)[0], entry]

            if listed:
                return
            await conditional(add)

            async def undo() -> None:
                def remove(workspace: dict[str, Any]) -> list[dict[str, Any]] | None:
                    secrets = _spec_secrets(workspace)[0]
                    kept = [s for s in secrets if s.get("secretName") != secret_name]
                    return kept if len(kept) != len(secrets) else None

                await conditional(remove)

            rollback.add(
                undo,
                f"Secret {secret_name} in Workspace {name}",
                f"kubectl edit workspace {name} -n {namespace}   "
                f"# remove {secret_name} from spec.podTemplate.volumes.secrets",
            )

        return MountPlan(f"Workspace {name}", apply)

    return prepare


def poddefault_plan(
    client: KubeClient, namespace: str, notebook: str, secret_name: str, mount_path: str
) -> Callable[[], Awaitable[MountPlan]]:
    """Kubeflow 1.x: a PodDefault for the Secret, selected by a label put on the Notebook."""
    name = f"mount-{secret_name}"
    label = short_name(f"mount-{secret_name}")
    volume = short_name(name)

    async def prepare() -> MountPlan:
        found = await client.get_custom(NOTEBOOKS, namespace, notebook)
        labels = (found.get("metadata") or {}).get("labels") or {}
        try:
            existing = await client.get_custom(PODDEFAULTS, namespace, name)
        except KubeError as error:
            if error.status != 404 or not error.reason:
                raise
            existing = None
        if existing is not None:
            if labels.get(label) == "true":
                raise MountRefused(f"Notebook {notebook} already uses PodDefault {name}.")
            raise MountRefused(
                f"A PodDefault named {name} already exists in namespace {namespace}."
            )

        async def apply(rollback: Rollback) -> None:
            created = await client.create_custom(
                PODDEFAULTS,
                namespace,
                {
                    "apiVersion": f"{PODDEFAULTS.group}/{PODDEFAULTS.version}",
                    "kind": PODDEFAULTS.kind,
                    "metadata": {"name": name, "namespace": namespace, "labels": MANAGED_BY},
                    "spec": {
                        "desc": f"Mount Secret {secret_name} at {mount_path}",
                        "selector": {"matchLabels": {label: "true"}},
                        "volumes": [
                            {
                                "name": volume,
                                "secret": {"secretName": secret_name, "defaultMode": DEFAULT_MODE},
                            }
                        ],
                        "volumeMounts": [
                            {"name": volume, "mountPath": mount_path, "readOnly": True}
                        ],
                    },
                },
            )
            uid = str((created.get("metadata") or {}).get("uid", ""))

            async def delete_poddefault() -> None:
                await client.delete_custom(PODDEFAULTS, namespace, name, uid)

            async def set_label(value: str | None) -> None:
                await client.merge_patch_custom(
                    NOTEBOOKS, namespace, notebook, {"metadata": {"labels": {label: value}}}
                )

            rollback.add(
                delete_poddefault,
                f"PodDefault {name}",
                f"kubectl delete poddefault {name} -n {namespace}",
            )
            await set_label("true")
            rollback.add(
                lambda: set_label(None),
                f"label {label} on Notebook {notebook}",
                f"kubectl label notebook {notebook} -n {namespace} {label}-",
            )

        return MountPlan(f"PodDefault {name} and Notebook {notebook}", apply)

    return prepare
