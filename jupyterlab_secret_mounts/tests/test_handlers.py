"""The REST endpoints, their exact JSON shapes (src/mounts/types.ts), ETags and reveal."""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

import pytest
from tornado.httpclient import HTTPResponse

from jupyterlab_secret_mounts import __version__
from jupyterlab_secret_mounts.mounts.kubelet import write_atomic

from .guard_helpers import policy
from .trees import SecretsTree

KEY_FIELDS = {"name", "path", "size", "mode", "mtime", "binary", "json", "fingerprint"}
MOUNT_FIELDS = {"path", "name", "kind", "rotates", "updated", "root", "keys"}
POLICY_FIELDS = {
    "roots",
    "excluded",
    "showServiceAccount",
    "allowReveal",
    "revealSeconds",
    "savePolicy",
    "minMatchLength",
    "allowCreateSecrets",
    "createSecretsTarget",
    "allowGitCredentials",
}


async def get(jp_fetch: Any, endpoint: str, **kwargs: Any) -> HTTPResponse:
    response: HTTPResponse = await jp_fetch("secret-mounts", endpoint, raise_error=False, **kwargs)
    return response


async def reveal(jp_fetch: Any, body: Any) -> HTTPResponse:
    data = body if isinstance(body, bytes) else json.dumps(body)
    response: HTTPResponse = await jp_fetch(
        "secret-mounts", "reveal", method="POST", body=data, raise_error=False
    )
    return response


def assert_no_canary(body: bytes, tree: SecretsTree) -> None:
    for value in tree.all_canaries:
        assert value not in body


async def test_version(jp_fetch: Any) -> None:
    response = await get(jp_fetch, "version")
    assert response.code == 200
    assert json.loads(response.body) == {"version": __version__}


async def test_policy_is_the_admin_config(jp_fetch: Any, secrets_tree: SecretsTree) -> None:
    response = await get(jp_fetch, "policy")
    assert response.code == 200
    assert json.loads(response.body) == {
        "roots": [str(secrets_tree.root)],
        "excluded": [],
        "showServiceAccount": False,
        "allowReveal": False,
        "revealSeconds": 10,
        "savePolicy": "warn",
        "minMatchLength": 6,
        "allowCreateSecrets": False,
        "createSecretsTarget": "workspace",
        "redactOutputs": True,
        "allowInlineSuppression": True,
        "allowGitCredentials": True,
        "configErrors": [],
    }


async def test_mounts_match_the_contract(jp_fetch: Any, secrets_tree: SecretsTree) -> None:
    response = await get(jp_fetch, "mounts")
    assert response.code == 200
    body = json.loads(response.body)
    assert set(body) == {"mounts", "warnings", "etag", "pending"}
    assert body["warnings"] == []
    assert body["pending"] == []
    assert response.headers["ETag"] == f'"{body["etag"]}"'
    assert {m["name"] for m in body["mounts"]} == {"db-creds", "tls", "blob", "config", "plain"}
    for mount in body["mounts"]:
        assert MOUNT_FIELDS <= set(mount) <= MOUNT_FIELDS | {"error", "source"}
        assert mount["kind"] in ("kubernetes", "folder")
        assert isinstance(mount["rotates"], bool)
        assert isinstance(mount["updated"], (int, float))
        for key in mount["keys"]:
            assert KEY_FIELDS <= set(key) <= KEY_FIELDS | {"error"}
            assert isinstance(key["size"], int)
            assert isinstance(key["mode"], str)
            assert key["path"].startswith(mount["path"] + "/")
    db = next(m for m in body["mounts"] if m["name"] == "db-creds")
    password = next(k for k in db["keys"] if k["name"] == "password")
    assert "error" not in password
    assert password["mode"] == "0644"
    assert_no_canary(response.body, secrets_tree)


async def test_unchanged_listing_is_a_304(jp_fetch: Any, secrets_tree: SecretsTree) -> None:
    first = await get(jp_fetch, "mounts")
    etag = first.headers["ETag"]
    again = await get(jp_fetch, "mounts", headers={"If-None-Match": etag})
    assert again.code == 304
    assert again.body == b""
    bare = await get(jp_fetch, "mounts", headers={"If-None-Match": etag.strip('"')})
    assert bare.code == 304  # the body's `etag` (unquoted) works as well
    write_atomic(str(secrets_tree.root / "db-creds"), {"username": b"u", "password": b"p"})
    rotated = await get(jp_fetch, "mounts", headers={"If-None-Match": etag})
    assert rotated.code == 200
    assert rotated.headers["ETag"] != etag


async def test_reveal_is_refused_by_default(
    jp_fetch: Any, secrets_tree: SecretsTree, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    body = {"path": str(secrets_tree.root / "db-creds"), "key": "password"}
    response = await reveal(jp_fetch, body)
    assert response.code == 403
    assert "c.SecretMounts.allow_reveal" in json.loads(response.body)["message"]
    assert_no_canary(response.body, secrets_tree)
    audit = [r.getMessage() for r in caplog.records if "secret-mounts audit" in r.getMessage()]
    assert len(audit) == 1
    assert "refused (403)" in audit[0]
    assert "db-creds" in audit[0] and "'password'" in audit[0]
    assert_no_canary(caplog.text.encode(), secrets_tree)


class TestRevealAllowed:
    secret_mounts_policy = policy(allow_reveal=True, reveal_seconds=7)

    async def test_reveals_one_value_and_audits_it(
        self, jp_fetch: Any, secrets_tree: SecretsTree, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.INFO)
        folder = str(secrets_tree.root / "db-creds")
        response = await reveal(jp_fetch, {"path": folder, "key": "password"})
        assert response.code == 200
        assert json.loads(response.body) == {
            "value": secrets_tree.values["db-creds/password"].decode(),
            "hideAfterSeconds": 7,
            "encoding": "utf-8",
        }
        audit = [r.getMessage() for r in caplog.records if "secret-mounts audit" in r.getMessage()]
        assert len(audit) == 1
        assert "revealed" in audit[0]
        assert f"folder={folder!r}" in audit[0] and "key='password'" in audit[0]
        assert "user=" in audit[0]
        assert_no_canary(caplog.text.encode(), secrets_tree)

    async def test_nested_and_binary_keys(self, jp_fetch: Any, secrets_tree: SecretsTree) -> None:
        nested = await reveal(
            jp_fetch, {"path": str(secrets_tree.root / "tls"), "key": "tls/tls.key"}
        )
        assert json.loads(nested.body)["value"] == secrets_tree.values["tls/tls/tls.key"].decode()
        binary = await reveal(
            jp_fetch, {"path": str(secrets_tree.root / "blob"), "key": "keystore.jks"}
        )
        body = json.loads(binary.body)
        assert body["encoding"] == "base64"
        assert base64.b64decode(body["value"]) == secrets_tree.values["blob/keystore.jks"]

    @pytest.mark.parametrize(
        ("folder", "key", "code"),
        [
            ("db-creds", "nope", 404),
            ("db-creds", "..data/password", 404),
            ("db-creds", "../tls/ca.crt", 404),
            ("db-creds/", "password", 404),
            ("db-creds/..", "db-creds/password", 404),
            ("", "db-creds/password", 404),  # the root is not a folder of secrets
            ("plain", "escape", 409),  # listed, with an error; never read
            ("plain", "escape-absolute", 409),
            ("db-creds", "escape", 409),
            ("plain", "dangling", 409),
        ],
    )
    async def test_only_listed_readable_keys(
        self, jp_fetch: Any, secrets_tree: SecretsTree, folder: str, key: str, code: int
    ) -> None:
        path = str(secrets_tree.root / folder) if folder else str(secrets_tree.root)
        if folder.endswith("/"):
            path += "/"
        response = await reveal(jp_fetch, {"path": path, "key": key})
        assert response.code == code
        assert "message" in json.loads(response.body)
        assert_no_canary(response.body, secrets_tree)

    @pytest.mark.parametrize(
        "body",
        [
            b"not json",
            b"\xff\xfe\x00garbage",
            b"[" * 100_000,
            b"",
            [],
            {"path": "/x"},
            {"path": 1, "key": "k"},
            {"path": None, "key": None},
        ],
    )
    async def test_bad_bodies_are_400(self, jp_fetch: Any, body: Any) -> None:
        response = await reveal(jp_fetch, body)
        assert response.code == 400
        assert "JSON body" in json.loads(response.body)["message"]
