"""Issue 15, item 5: `POST /secret-mounts/check` is no oracle for mounted values.

The attack: one request holding every six-digit string recovers a mounted PIN from where it
matched, and a user who may not run code (so may not read the files) could send it.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest
from jupyter_server.auth import Authorizer
from tornado.httpclient import HTTPResponse
from traitlets.config import Config

from .auth_helpers import WithoutKernelExecute
from .guard_helpers import check, error_of, policy
from .trees import SecretsTree

ALL_PINS = "\n".join(f"{n:06d}" for n in range(1_000_000))


@pytest.fixture
def pin(secrets_tree: SecretsTree) -> str:
    value = f"{secrets.randbelow(1_000_000):06d}"
    secrets_tree.add_kubelet("bank", {"pin": value.encode(), "api-token": b"tok-9fQ2xZ7LmA4pW1rK"})
    return value


def recovered(matches: list[dict[str, Any]], text: str) -> set[str]:
    return {text[m["start"] : m["end"]] for m in matches}


async def test_one_request_with_every_pin_recovers_nothing(jp_fetch: Any, pin: str) -> None:
    matches = await check(jp_fetch, {"pins": ALL_PINS})
    assert pin not in recovered(matches, ALL_PINS)
    assert matches == []


async def test_the_save_hook_is_no_oracle_either(jp_fetch: Any, pin: str) -> None:
    # A user who may write files but not run code: the warn report must not point at the PIN.
    body = json.dumps({"type": "file", "format": "text", "content": ALL_PINS})
    await jp_fetch("api", "contents", "pins.txt", method="PUT", body=body)
    response = await jp_fetch("secret-mounts", "findings", params={"path": "pins.txt"})
    report = json.loads(response.body)
    assert report["checked"] is not None  # the file was checked
    assert not [f for f in report["findings"] if f.get("key") == "pin"]


async def test_weak_values_are_listed_as_too_short_to_guard(jp_fetch: Any, pin: str) -> None:
    response = await jp_fetch("secret-mounts", "mounts")
    (bank,) = [m for m in json.loads(response.body)["mounts"] if m["name"] == "bank"]
    flags = {key["name"]: key.get("tooGuessable", False) for key in bank["keys"]}
    assert flags == {"pin": True, "api-token": False}
    # ...and the strong value in the same folder is still guarded.
    text = "token = 'tok-9fQ2xZ7LmA4pW1rK'"
    assert [m["key"] for m in await check(jp_fetch, {"cell": text})] == ["api-token"]


class TestBoundedInput:
    async def test_too_many_candidates_in_one_request(self, jp_fetch: Any) -> None:
        texts = [{"id": str(n), "text": f"{n:06d}"} for n in range(20_000)]
        body = json.dumps({"texts": texts})
        status, message, _ = await error_of(
            jp_fetch("secret-mounts", "check", method="POST", body=body)
        )
        assert (status, "limit is 10000" in message) == (413, True)

    async def test_too_large_a_request(self, jp_fetch: Any) -> None:
        body = json.dumps({"texts": [{"id": "a", "text": "x" * (9 * 1024 * 1024)}]})
        status, message, _ = await error_of(
            jp_fetch("secret-mounts", "check", method="POST", body=body)
        )
        assert status == 413 and "smaller requests" in message


class TestRateLimit:
    secret_mounts_policy = policy(check_chars_per_minute=1024 * 1024)

    async def test_a_user_over_budget_gets_429_with_retry_after(
        self, http_server_client: Any, jp_auth_header: dict[str, str], jp_base_url: str
    ) -> None:
        body = json.dumps({"texts": [{"id": "a", "text": "y" * 600_000}]})
        codes: list[int] = []
        last: HTTPResponse | None = None
        for _ in range(3):
            last = await http_server_client.fetch(
                f"{jp_base_url}secret-mounts/check",
                method="POST",
                body=body,
                headers=jp_auth_header,
                raise_error=False,
            )
            codes.append(last.code)
        assert codes[0] == 200 and 429 in codes
        assert last is not None and int(last.headers["Retry-After"]) >= 1
        assert "try again in" in json.loads(last.body)["message"]


class NoKernelsAuthorizer(Authorizer):
    """A collaborator who may read and write files but not run code."""

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        return action != "execute"


class TestWithoutExecute:
    @pytest.fixture
    def jp_server_config(self, secret_mounts_policy: dict[str, Any]) -> Config:
        return Config(
            {
                "ServerApp": {
                    "jpserver_extensions": {"jupyterlab_secret_mounts": True},
                    "authorizer_class": NoKernelsAuthorizer,
                },
                "SecretMounts": {**secret_mounts_policy, "allow_reveal": True},
            }
        )

    async def test_check_and_reveal_need_execute(
        self, jp_fetch: Any, pin: str, secrets_tree: SecretsTree
    ) -> None:
        body = json.dumps({"texts": [{"id": "pins", "text": ALL_PINS}]})
        status, _, raw = await error_of(
            jp_fetch("secret-mounts", "check", method="POST", body=body)
        )
        assert status == 403 and pin.encode() not in raw
        reveal = json.dumps({"path": str(secrets_tree.root / "bank"), "key": "pin"})
        status, _, raw = await error_of(
            jp_fetch("secret-mounts", "reveal", method="POST", body=reveal)
        )
        assert status == 403 and pin.encode() not in raw
        # Listing keys stays open to them.
        listing = await jp_fetch("secret-mounts", "mounts")
        assert listing.code == 200


class TestWithoutKernelExecute(WithoutKernelExecute):
    async def test_an_authorizer_that_knows_only_jupyter_resources_is_honoured(
        self, jp_fetch: Any
    ) -> None:
        body = json.dumps({"texts": [{"id": "a", "text": "b"}]})
        status, message, _ = await error_of(
            jp_fetch("secret-mounts", "check", method="POST", body=body)
        )
        assert status == 403 and "run code" in message
