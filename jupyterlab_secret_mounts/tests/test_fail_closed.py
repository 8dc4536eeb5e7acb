"""A bad `c.SecretMounts` value never switches protection off (issue 15, item 1).

The settings are given exactly as jupyter_server receives them: command-line flags go through
traitlets' own argument loader, so a list literal arrives as the raw string it does in
`jupyter lab --SecretMounts.roots="['/a','/b']"`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from traitlets.config import Config

from .guard_helpers import error_of, flags, leaky_notebook, save
from .trees import SecretsTree


def server_config(secret_mounts: Config) -> Config:
    config = Config({"ServerApp": {"jpserver_extensions": {"jupyterlab_secret_mounts": True}}})
    config.merge(Config({"SecretMounts": {"discover_mountinfo": False}}))
    config.merge(secret_mounts)
    return config


async def policy_of(jp_fetch: Any) -> dict[str, Any]:
    return json.loads((await jp_fetch("secret-mounts", "policy")).body)  # type: ignore[no-any-return]


class TestListLiteralFlags:
    @pytest.fixture
    def jp_server_config(self, secrets_tree: SecretsTree, tmp_path: Path) -> Config:
        elsewhere = tmp_path / "other-root"
        elsewhere.mkdir()
        return server_config(
            flags(
                f"--SecretMounts.roots=['{elsewhere}', '{secrets_tree.root}']",
                f"--SecretMounts.excluded=['{secrets_tree.root}/plain']",
                "--SecretMounts.save_policy=block",
            )
        )

    async def test_list_flags_are_lists_and_the_hook_blocks(
        self, jp_fetch: Any, jp_root_dir: Path, secrets_tree: SecretsTree
    ) -> None:
        policy = await policy_of(jp_fetch)
        assert policy["configErrors"] == []
        assert policy["roots"][1] == str(secrets_tree.root)
        assert policy["excluded"] == [f"{secrets_tree.root}/plain"]
        listing = json.loads((await jp_fetch("secret-mounts", "mounts")).body)
        names = {mount["name"] for mount in listing["mounts"]}
        assert "db-creds" in names and "plain" not in names

        status, message, _ = await error_of(
            save(jp_fetch, "work.ipynb", leaky_notebook(secrets_tree))
        )
        assert status == 403 and "db-creds/password" in message
        assert not (jp_root_dir / "work.ipynb").exists()


class TestBadValues:
    @pytest.fixture
    def jp_server_config(self, secrets_tree: SecretsTree) -> Config:
        return server_config(
            Config(
                {
                    "SecretMounts": {
                        "roots": ["relative/secrets", str(secrets_tree.root)],
                        "save_policy": "strict",  # unreadable: block is enforced
                        "reveal_seconds": "ten",
                        "allow_reveal": "maybe",
                        "excluded": ["internal-*"],
                    }
                }
            )
        )

    async def test_bad_parts_are_refused_and_the_rest_is_served(
        self,
        jp_fetch: Any,
        jp_root_dir: Path,
        secrets_tree: SecretsTree,
    ) -> None:
        policy = await policy_of(jp_fetch)
        assert policy["roots"] == [str(secrets_tree.root)]  # the good root is served
        assert policy["savePolicy"] == "block"
        assert policy["allowReveal"] is False
        assert policy["revealSeconds"] == 10
        errors = policy["configErrors"]
        named = sorted(line.split(":", 1)[0] for line in errors)
        assert named == [
            "SecretMounts.allow_reveal",
            "SecretMounts.excluded",
            "SecretMounts.reveal_seconds",
            "SecretMounts.roots",
            "SecretMounts.save_policy",
        ]
        assert any("'relative/secrets' is not an absolute path" in line for line in errors)

        status, message, _ = await error_of(
            save(jp_fetch, "work.ipynb", leaky_notebook(secrets_tree))
        )
        assert status == 403 and message.startswith("Save blocked")
        assert not (jp_root_dir / "work.ipynb").exists()


class TestMisspeltSavePolicy:
    @pytest.fixture
    def jp_server_config(self, secrets_tree: SecretsTree) -> Config:
        return server_config(
            Config({"SecretMounts": {"roots": [str(secrets_tree.root)], "save_polcy": "warn"}})
        )

    async def test_a_misspelt_save_policy_enforces_block(
        self, jp_fetch: Any, secrets_tree: SecretsTree
    ) -> None:
        policy = await policy_of(jp_fetch)
        assert policy["savePolicy"] == "block"
        assert "did you mean save_policy?" in policy["configErrors"][0]
        status, _, _ = await error_of(save(jp_fetch, "w.ipynb", leaky_notebook(secrets_tree)))
        assert status == 403
