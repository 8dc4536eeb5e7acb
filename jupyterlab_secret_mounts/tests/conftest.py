from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from traitlets.config import Config

from .trees import SecretsTree, build_tree

pytest_plugins = ["pytest_jupyter.jupyter_server"]


@pytest.fixture
def secrets_tree(tmp_path: Path) -> SecretsTree:
    return build_tree(tmp_path)


@pytest.fixture
def secret_mounts_policy(secrets_tree: SecretsTree) -> dict[str, Any]:
    """`c.SecretMounts` for the test server; override in a module or class to change policy."""
    return {
        "roots": [str(secrets_tree.root)],
        "discover_mountinfo": False,
        "show_service_account": False,
    }


@pytest.fixture
def jp_server_config(secret_mounts_policy: dict[str, Any]) -> Config:
    return Config(
        {
            "ServerApp": {"jpserver_extensions": {"jupyterlab_secret_mounts": True}},
            "SecretMounts": secret_mounts_policy,
        }
    )
