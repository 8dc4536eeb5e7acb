"""A server whose users may do everything except run code (`execute` on `kernels`)."""

from __future__ import annotations

from typing import Any

import pytest
from jupyter_server.auth import Authorizer
from traitlets.config import Config


class KernelsOnlyAuthorizer(Authorizer):
    """Denies exactly `execute` on `kernels`: the permission that reads mounted files anyway."""

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        return (action, resource) != ("execute", "kernels")


class WithoutKernelExecute:
    """Base of test classes run against a server with KernelsOnlyAuthorizer."""

    @pytest.fixture
    def jp_server_config(self, secret_mounts_policy: dict[str, Any]) -> Config:
        return Config(
            {
                "ServerApp": {
                    "jpserver_extensions": {"jupyterlab_secret_mounts": True},
                    "authorizer_class": KernelsOnlyAuthorizer,
                },
                "SecretMounts": secret_mounts_policy,
            }
        )
