"""Issue 15, item 10: every reveal attempt is audited, by a user name that means something,
and no name can forge a log line."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from jupyter_server.auth import IdentityProvider, User
from traitlets.config import Config

from .guard_helpers import policy
from .trees import SecretsTree, canary

EVIL = "token\nsecret-mounts audit: reveal revealed: user=admin key=y"


def audit_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "secret-mounts audit" in r.getMessage()]


async def reveal(http_server_client: Any, base: str, headers: dict[str, str], body: bytes) -> int:
    response = await http_server_client.fetch(
        f"{base}secret-mounts/reveal", method="POST", body=body, headers=headers, raise_error=False
    )
    return int(response.code)


class TestRevealAudit:
    secret_mounts_policy = policy(allow_reveal=True)

    async def test_failed_attempts_are_audited_by_a_stable_user(
        self,
        http_server_client: Any,
        jp_base_url: str,
        jp_auth_header: dict[str, str],
        secrets_tree: SecretsTree,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        caplog.set_level(logging.INFO)
        db = str(secrets_tree.root / "db-creds")
        attempts = {
            400: b"not json",
            404: json.dumps({"path": db, "key": "no-such-key"}).encode(),
            409: json.dumps({"path": str(secrets_tree.root / "plain"), "key": "escape"}).encode(),
            200: json.dumps({"path": db, "key": "password"}).encode(),
        }
        for expected, body in attempts.items():
            assert await reveal(http_server_client, jp_base_url, jp_auth_header, body) == expected
        lines = audit_lines(caplog)
        assert len(lines) == len(attempts)
        assert ["refused (400)", "refused (404)", "refused (409)", "revealed"] == [
            line.split(": ")[1].removeprefix("reveal ") for line in lines
        ]
        # The server token names no user: jupyter_server makes up a random one per request.
        # All four are one caller, and the audit says so.
        users = {line.split("user=")[1].split(" folder=")[0] for line in lines}
        assert users == {"'(server token)'"}
        for value in secrets_tree.all_canaries:
            assert value not in caplog.text.encode()

    async def test_a_key_name_cannot_forge_a_log_line(
        self,
        http_server_client: Any,
        jp_base_url: str,
        jp_auth_header: dict[str, str],
        secrets_tree: SecretsTree,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        caplog.set_level(logging.INFO)
        body = json.dumps({"path": str(secrets_tree.root / "plain"), "key": EVIL}).encode()
        await reveal(http_server_client, jp_base_url, jp_auth_header, body)
        (line,) = audit_lines(caplog)
        assert "\n" not in line and "\\n" in line


class NamedIdentityProvider(IdentityProvider):
    """Every request is alice, as behind JupyterHub."""

    def get_user(self, handler: Any) -> User:
        return User(username="alice")

    def is_token_authenticated(self, handler: Any) -> bool:
        return True  # as the test client sends the server token (no XSRF cookie needed)


class TestIdentityProviderName:
    @pytest.fixture
    def jp_server_config(self, secret_mounts_policy: dict[str, Any]) -> Config:
        return Config(
            {
                "ServerApp": {
                    "jpserver_extensions": {"jupyterlab_secret_mounts": True},
                    "identity_provider_class": NamedIdentityProvider,
                },
                "SecretMounts": {**secret_mounts_policy, "allow_reveal": True},
            }
        )

    async def test_the_audit_names_the_identity_providers_user(
        self, jp_fetch: Any, secrets_tree: SecretsTree, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.INFO)
        body = json.dumps({"path": str(secrets_tree.root / "db-creds"), "key": "password"})
        await jp_fetch("secret-mounts", "reveal", method="POST", body=body)
        (line,) = audit_lines(caplog)
        assert "user='alice'" in line


class TestSaveLog:
    @pytest.fixture
    def evil_key(self, secrets_tree: SecretsTree) -> bytes:
        folder = secrets_tree.root / "odd"
        folder.mkdir()
        value = canary("odd")
        (folder / EVIL).write_bytes(value)
        return value

    async def test_a_key_name_in_a_save_finding_cannot_forge_a_log_line(
        self,
        jp_fetch: Any,
        evil_key: bytes,
        jp_root_dir: Path,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        caplog.set_level(logging.INFO)
        content = f"token = '{evil_key.decode()}'\n"
        body = json.dumps({"type": "file", "format": "text", "content": content})
        await jp_fetch("api", "contents", "leak.py", method="PUT", body=body)
        ours = [r.getMessage() for r in caplog.records if "leak.py" in r.getMessage()]
        assert ours and all("\n" not in line for line in ours)
        assert not [r for r in caplog.records if r.getMessage().startswith("secret-mounts audit")]
