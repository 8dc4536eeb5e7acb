"""The server's Secret creation: the admin's policy, this pod's place, and mounts on their way.

`status()` says what the server can do and, when it cannot, why (the panel shows it).
`move()` runs the steps of `create.py`. Secrets created but not mounted yet are remembered
as pending until discovery finds their key in the folder (after the workspace restarted, the
server starting afresh finds them mounted).
"""

from __future__ import annotations

import asyncio
import logging
import os
import posixpath
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..config import SecretMounts
from ..logsafe import loggable
from ..mounts.discovery import Discovery
from .client import InClusterSettings, KubeClient
from .create import Moved, MoveRefused, SecretMover, SecretRequest
from .errors import KubeError, KubeUnavailable
from .workplace import Workplace, find_workplace

log = logging.getLogger(__name__)

#: Seconds before a failed look at this pod is tried again (RBAC may be granted meanwhile).
RETRY_SECONDS = 30.0


@dataclass
class Pending:
    moved: Moved
    since: float

    def to_json(self) -> dict[str, Any]:
        return {**self.moved.to_json(), "since": self.since}


class SecretCreation:
    """One per server: lazily connects, remembers this pod, keeps the pending mounts."""

    def __init__(
        self,
        settings: SecretMounts,
        environ: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        logger: logging.Logger | None = None,
    ) -> None:
        self.settings = settings
        #: The server's log (audit lines go where the reveal audit goes).
        self.log = logger if logger is not None else log
        self._environ = os.environ if environ is None else environ
        self._clock = clock
        self._open: Callable[[], KubeClient] | None = None
        self._workplace: Workplace | None = None
        self._failure: tuple[str, float] | None = None
        self._lock = asyncio.Lock()
        self._pending: list[Pending] = []
        self.version = 0

    # ------------------------------------------------------------------------ this pod

    async def _connect(self) -> tuple[Callable[[], KubeClient], Workplace]:
        """How to open a client, and this pod's workplace; KubeUnavailable saying why not."""
        async with self._lock:
            if self._open is not None and self._workplace is not None:
                return self._open, self._workplace
            if self._failure is not None and self._clock() - self._failure[1] < RETRY_SECONDS:
                raise KubeUnavailable(self._failure[0])
            settings = self.settings
            try:
                opener = KubeClient.in_cluster(
                    InClusterSettings(
                        settings.kubernetes_service_account_dir,
                        self._environ,
                        settings.kubernetes_timeout_seconds,
                    )
                )
                async with opener() as client:
                    self._workplace = await find_workplace(
                        client,
                        settings.kubernetes_service_account_dir,
                        self._environ,
                        settings.create_secrets_target,
                    )
            except (KubeUnavailable, KubeError) as error:
                reason = str(error)
                self._failure = (reason, self._clock())
                self.log.info("secret-mounts: cannot create Secrets here: %s", loggable(reason))
                raise KubeUnavailable(reason) from None
            self._failure = None
            self._open = opener
            return opener, self._workplace

    async def status(self) -> dict[str, Any]:
        """`ICreateStatus`: whether users may create Secrets here and, if not, why."""
        settings = self.settings
        answer: dict[str, Any] = {
            "allowed": settings.allow_create_secrets,
            "target": settings.create_secrets_target,
            "mountRoot": settings.created_secrets_mount_root,
            "ready": False,
            "namespace": None,
            "pod": None,
            "owner": None,
            "reason": "",
        }
        if not settings.allow_create_secrets:
            answer["reason"] = (
                "Creating Secrets from the notebook is off on this server "
                "(an administrator can set c.SecretMounts.allow_create_secrets = True)."
            )
            return answer
        try:
            _opener, workplace = await self._connect()
        except KubeUnavailable as error:
            answer["reason"] = f"Secrets cannot be created from here: {_clause(str(error))}"
            return answer
        answer.update(
            namespace=workplace.namespace,
            pod=workplace.pod,
            serviceAccount=workplace.service_account,
            owner=workplace.owner.to_json() if workplace.owner else None,
        )
        target = settings.create_secrets_target
        if target != "none" and workplace.owner is None:
            kind = "Workspace" if target == "workspace" else "Notebook"
            answer["reason"] = (
                f"Secrets cannot be mounted here: pod {workplace.pod} belongs to no Kubeflow "
                f"{kind}."
            )
            return answer
        answer["ready"] = True
        return answer

    # ------------------------------------------------------------------------ moving

    async def move(self, request: SecretRequest, user: str) -> Moved:
        if not self.settings.allow_create_secrets:
            raise MoveRefused(
                "Creating Secrets is off on this server (c.SecretMounts.allow_create_secrets).",
                403,
                "Off",
            )
        try:
            opener, workplace = await self._connect()
        except KubeUnavailable as error:
            raise MoveRefused(
                f"Secrets cannot be created from here: {_clause(str(error))}", 503, "Unavailable"
            ) from None
        try:
            async with opener() as client:
                mover = SecretMover(
                    client,
                    workplace,
                    self.settings.create_secrets_target,
                    self.settings.created_secrets_mount_root,
                )
                moved = await mover.move(request)
        except MoveRefused as refused:
            self._audit(user, request, f"refused ({refused.status} {refused.reason})")
            raise
        self._audit(user, request, "created" if not request.add_key else "key added")
        self._pending.append(Pending(moved, time.time()))
        self.version += 1
        return moved

    def _audit(self, user: str, request: SecretRequest, outcome: str) -> None:
        """One line per attempt: who, which Secret and key; never the value."""
        self.log.info(
            "secret-mounts audit: create secret %s: user=%s secret=%s key=%s",
            outcome,
            loggable(user),
            loggable(request.secret_name),
            loggable(request.key),
        )

    # ------------------------------------------------------------------------ pending mounts

    def pending(self, found: Discovery) -> list[dict[str, Any]]:
        """Moved keys not in their folder yet; those that appeared are forgotten."""
        present = {
            (posixpath.normpath(os.path.realpath(m.path)), k.name)
            for m in found.mounts
            for k in m.keys
        }
        kept = [
            p
            for p in self._pending
            if (posixpath.normpath(os.path.realpath(p.moved.mount_path)), p.moved.key)
            not in present
        ]
        if len(kept) != len(self._pending):
            self._pending = kept
            self.version += 1
        return [p.to_json() for p in kept]


def _clause(reason: str) -> str:
    reason = reason.strip()
    return reason if reason.endswith(".") else f"{reason}."
