"""Move a credential into a Kubernetes Secret and mount it here: all of it, or nothing.

Order: check the names and size; read this pod and its owner and prepare the mount (nothing
written yet, so most refusals cost nothing); create the Secret (or add the key to an existing
one); apply the mount. If the mount fails, what was written is undone (a created Secret is
deleted by uid, an added key removed); what cannot be undone is named in the error with the
command that removes it. The value exists here only in the request being handled: it is
sent once to the API server and never logged, returned or stored.
"""

from __future__ import annotations

import base64
import posixpath
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from .client import KubeClient
from .errors import KubeError
from .mounting import (
    MANAGED_BY,
    MountPlan,
    MountRefused,
    Rollback,
    poddefault_plan,
    workspace_plan,
)
from .names import MAX_SECRET_BYTES, check_key, check_secret_name, check_size
from .workplace import Workplace

#: Labels the Kubeflow Notebooks 2.0 backend uses to offer a Secret for mounting and editing.
CAN_MOUNT = "notebooks.kubeflow.org/can-mount"
CAN_UPDATE = "notebooks.kubeflow.org/can-update"
#: Marks the create request that made a Secret, so an ambiguous failure can find its own.
REQUEST_ANNOTATION = "secret-mounts.jupyter.org/request"


@dataclass(frozen=True)
class SecretRequest:
    secret_name: str
    key: str
    value: bytes
    #: Add the key to an existing Secret instead of creating one.
    add_key: bool = False


@dataclass(frozen=True)
class Moved:
    """What was made: where the value will be read from, and when it appears there."""

    secret_name: str
    key: str
    namespace: str
    mount_path: str
    #: "restart" (mounted when the workspace restarts), "sync" (kubelet adds the key to a folder
    #: already mounted, within about a minute) or "none" (an admin mounts it).
    appears: str
    mounted_by: str

    @property
    def path(self) -> str:
        return f"{self.mount_path}/{self.key}"

    def to_json(self) -> dict[str, Any]:
        return {
            "secretName": self.secret_name,
            "key": self.key,
            "namespace": self.namespace,
            "mountPath": self.mount_path,
            "path": self.path,
            "appears": self.appears,
            "mountedBy": self.mounted_by,
        }


class MoveRefused(Exception):
    """Refused with a sentence; `reason` names the case for the dialog (e.g. AlreadyExists)."""

    def __init__(self, sentence: str, status: int, reason: str = "") -> None:
        super().__init__(sentence)
        self.status = status
        self.reason = reason


def _refusal(error: KubeError) -> MoveRefused:
    if error.status < 400:
        return MoveRefused(str(error), 502, "Unreachable")
    return MoveRefused(str(error), error.status, error.reason)


class SecretMover:
    """The steps, against one API client and this pod's `Workplace`."""

    def __init__(
        self, client: KubeClient, workplace: Workplace, target: str, mount_root: str
    ) -> None:
        self.client = client
        self.workplace = workplace
        self.target = target
        self.mount_root = mount_root

    def mount_path(self, secret_name: str) -> str:
        return posixpath.join(self.mount_root, secret_name)

    async def move(self, request: SecretRequest) -> Moved:
        try:
            check_secret_name(request.secret_name)
            check_key(request.key)
            check_size(request.key, request.value)
        except ValueError as error:
            raise MoveRefused(str(error), 422, "Invalid") from None
        try:
            return await self._move(request)
        except MountRefused as error:
            raise MoveRefused(str(error), 409, "MountTaken") from None
        except KubeError as error:
            raise _refusal(error) from None

    async def _move(self, request: SecretRequest) -> Moved:
        namespace = self.workplace.namespace
        name = request.secret_name
        already = self.workplace.mounted.get(name)
        plan = await self._prepare(name, already)
        rollback = Rollback()
        if request.add_key:
            await self._add_key(request, rollback)
        else:
            await self._create(request, rollback)
        try:
            if plan is not None:
                await plan.apply(rollback)
        except (KubeError, MountRefused) as error:
            left = await rollback.run()
            raise MoveRefused(_failed_sentence(str(error), left), _status_of(error), "") from None
        if already is not None:
            path, whole = already
            return Moved(name, request.key, namespace, path, "sync" if whole else "restart", "")
        if plan is None:
            # An admin mounts it: the cell reads it where the admin guide says to mount it.
            return Moved(name, request.key, namespace, self.mount_path(name), "none", "")
        return Moved(name, request.key, namespace, self.mount_path(name), "restart", plan.describe)

    async def _prepare(self, name: str, already: tuple[str, bool] | None) -> MountPlan | None:
        """The mount to make, checked against the owner; None when there is nothing to mount."""
        if self.target == "none" or (already is not None and already[1]):
            return None
        owner = self.workplace.owner
        if owner is None:
            raise MountRefused(_no_owner(self.target, self.workplace.pod))
        namespace = self.workplace.namespace
        mount_path = self.mount_path(name)
        if self.target == "workspace":
            return await workspace_plan(self.client, namespace, owner.name, name, mount_path)()
        return await poddefault_plan(self.client, namespace, owner.name, name, mount_path)()

    async def _create(self, request: SecretRequest, rollback: Rollback) -> None:
        namespace = self.workplace.namespace
        marker = uuid.uuid4().hex
        body = {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {
                "name": request.secret_name,
                "namespace": namespace,
                "labels": {**MANAGED_BY, CAN_MOUNT: "true", CAN_UPDATE: "true"},
                "annotations": {REQUEST_ANNOTATION: marker},
            },
            "type": "Opaque",
            "data": {request.key: base64.b64encode(request.value).decode("ascii")},
        }
        try:
            created = await self.client.create_secret(namespace, body)
        except KubeError as error:
            if error.status == 409:
                raise MoveRefused(
                    f"A Secret named {request.secret_name} already exists in namespace "
                    f"{namespace}: choose another name, or add the key to it.",
                    409,
                    "AlreadyExists",
                ) from None
            if error.status == 0 or error.status >= 500:
                # It may have been made before the answer was lost: remove it if it is ours.
                await self._remove_if_ours(request.secret_name, marker)
            raise
        uid = str(created["metadata"].get("uid", ""))

        async def delete() -> None:
            await self.client.delete_secret(namespace, request.secret_name, uid)

        rollback.add(
            delete,
            f"Secret {request.secret_name}",
            f"kubectl delete secret {request.secret_name} -n {namespace}",
        )

    async def _remove_if_ours(self, name: str, marker: str) -> None:
        namespace = self.workplace.namespace
        try:
            found = await self.client.get_secret(namespace, name)
            metadata = found.get("metadata") or {}
            if (metadata.get("annotations") or {}).get(REQUEST_ANNOTATION) == marker:
                await self.client.delete_secret(namespace, name, str(metadata.get("uid", "")))
        except KubeError:
            pass  # not there, or unreachable: the original failure is what the user hears

    async def _add_key(self, request: SecretRequest, rollback: Rollback) -> None:
        """Add a key to an existing, editable Secret, unless it has that key already."""
        namespace = self.workplace.namespace
        name = request.secret_name
        found = await self.client.get_secret(namespace, name)
        metadata = found.get("metadata") or {}
        sizes = {key: _decoded_size(str(value)) for key, value in (found.get("data") or {}).items()}
        version = str(metadata.get("resourceVersion", ""))
        found.clear()  # the values read with it are not kept
        if (metadata.get("labels") or {}).get(CAN_UPDATE) != "true":
            raise MoveRefused(
                f"Secret {name} is not marked as editable (label {CAN_UPDATE}=true); "
                "choose another name.",
                409,
                "NotEditable",
            )
        if request.key in sizes:
            raise MoveRefused(
                f"Secret {name} already has a key {request.key}: choose another key.",
                409,
                "KeyExists",
            )
        if sum(sizes.values()) + len(request.value) > MAX_SECRET_BYTES:
            raise MoveRefused(
                f"Secret {name} would hold more than 1 MiB with this value (a Kubernetes Secret "
                "holds at most 1 MiB); choose another name.",
                422,
                "Invalid",
            )
        value = base64.b64encode(request.value).decode("ascii")
        add = (
            [{"op": "add", "path": f"/data/{_pointer(request.key)}", "value": value}]
            if sizes
            else [{"op": "add", "path": "/data", "value": {request.key: value}}]
        )
        test = {"op": "test", "path": "/metadata/resourceVersion", "value": version}
        try:
            patched = await self.client.patch_secret(namespace, name, [test, *add])
        except KubeError as error:
            if error.status == 422 and "test" in str(error).lower():
                raise MoveRefused(
                    f"Secret {name} changed meanwhile; nothing was added. Try again.", 409, ""
                ) from None
            raise
        after = str(patched["metadata"].get("resourceVersion", ""))

        async def remove() -> None:
            await self.client.patch_secret(
                namespace,
                name,
                [
                    {"op": "test", "path": "/metadata/resourceVersion", "value": after},
                    {"op": "remove", "path": f"/data/{_pointer(request.key)}"},
                ],
            )

        rollback.add(
            remove,
            f"key {request.key} in Secret {name}",
            f"kubectl patch secret {name} -n {namespace} --type=json "
            f'-p \'[{{"op":"remove","path":"/data/{_pointer(request.key)}"}}]\'',
        )


def _decoded_size(encoded: str) -> int:
    """Bytes of a base64 value, without decoding it (it is a credential)."""
    return len(encoded) * 3 // 4 - len(encoded) + len(encoded.rstrip("="))


def _pointer(key: str) -> str:
    """A key as a JSON pointer segment (RFC 6901)."""
    return key.replace("~", "~0").replace("/", "~1")


def _status_of(error: Exception) -> int:
    if isinstance(error, KubeError):
        return error.status if error.status >= 400 else 502
    return 409


def _no_owner(target: str, pod: str) -> str:
    if target == "workspace":
        return (
            f"Pod {pod} belongs to no Kubeflow Workspace (no label "
            "notebooks.kubeflow.org/workspace-name), so the Secret cannot be added to one."
        )
    return (
        f"Pod {pod} belongs to no Kubeflow Notebook (no label notebook-name), "
        "so no PodDefault can reach it."
    )


def _failed_sentence(reason: str, left: list[tuple[str, str]]) -> str:
    """The mount failure, and anything left behind with the command that removes it."""
    sentence = f"The Secret could not be mounted, so nothing was kept: {reason}"
    if not left:
        return sentence
    leftovers = "; ".join(f"{what} (remove it with: {command})" for what, command in left)
    return f"The Secret could not be mounted: {reason} These could not be removed: {leftovers}."


Mover = Callable[[SecretRequest], Awaitable[Moved]]
